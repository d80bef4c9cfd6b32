#!/usr/bin/env bash
# Kafka's own perf tools (ProducerPerformance, ConsumerPerformance, EndToEndLatency) and our GroupBenchmark
# (group start-up of 10 consumers on 30 partitions, commit throughput) against our standalone broker and against an
# Apache Kafka broker (single node, KRaft) started here on loopback, in one run: Kafka with default flushing and
# with log.flush.interval.messages=1 (fsync every write, as our bookie journals do).
# Usage: bench/kafka-compare.sh [records]   (default 1000000; 1 KiB records, acks=all, topic of 3 partitions)
# ONLY_LEDGERSTREAM=1 skips the Kafka runs (for trying a change on our side).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RECORDS="${1:-1000000}"
E2E_RECORDS="${E2E_RECORDS:-5000}"
WORK="$(mktemp -d /tmp/ledgerstream-kafka-bench.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Building Ledgerstream and resolving Apache Kafka 4.1.1 ..." >&2
(cd "$ROOT" && mvn -B -q -DskipTests -pl launcher,bench -am package) >&2
(cd "$ROOT/bench/kafka" && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$WORK/kafka-cp.txt") >&2
KCP="$(cat "$WORK/kafka-cp.txt")"
cat > "$WORK/log4j2.xml" <<'XML'
<Configuration status="WARN"><Appenders><Console name="c" target="SYSTEM_ERR"><PatternLayout pattern="%d{HH:mm:ss} %-5level %c{1} - %msg%n"/></Console></Appenders>
<Loggers><Root level="ERROR"><AppenderRef ref="c"/></Root></Loggers></Configuration>
XML
KJAVA=(java -Xmx1g "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$KCP")

wait_port() {
  for _ in $(seq 1 240); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.5
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# measure NAME BOOTSTRAP REPLICATION_FACTOR
measure() {
  "${KJAVA[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$2" --create --topic perf \
    --partitions 3 --replication-factor "$3" >/dev/null
  "${KJAVA[@]}" org.apache.kafka.tools.ProducerPerformance --topic perf --num-records "$RECORDS" \
    --record-size 1024 --throughput -1 --producer-props "bootstrap.servers=$2" acks=all \
    | tail -1 > "$WORK/$1.produce"
  "${KJAVA[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$2" --topic perf \
    --messages "$RECORDS" --timeout 120000 | tail -1 > "$WORK/$1.consume"
  "${KJAVA[@]}" org.apache.kafka.tools.EndToEndLatency "$2" e2e "$E2E_RECORDS" all 1024 > "$WORK/$1.e2e" 2>&1 || true
  printf '%-26s %s\n' "$1 produce:" "$(cat "$WORK/$1.produce")"
  printf '%-26s %s\n' "$1 consume:" "$(cat "$WORK/$1.consume")"
  java -cp "$ROOT/bench/target/ledgerstream-bench.jar:$(cat "$ROOT/bench/target/classpath.txt")" \
    io.ledgerstream.bench.GroupBenchmark "$2" "$3" "$1" 2>/dev/null | tail -1
  printf '%-26s %s\n' "$1 end-to-end:" "$(grep -E 'Avg latency|Percentiles' "$WORK/$1.e2e" | tr '\n' ' ')"
  grep -qE 'Avg latency' "$WORK/$1.e2e" || tail -5 "$WORK/$1.e2e" >&2
}

# Ledgerstream: the standalone platform, replication factor 2 (two bookies fsync every entry, Qa = 2).
"$ROOT/bin/ledgerstream" standalone --data-dir "$WORK/ledgerstream" --kafka-port 19092 --zookeeper-port 12181 \
  --bookie-port 13181 --set group.initial.rebalance.delay.ms=0 > "$WORK/ledgerstream.log" 2>&1 &
PIDS+=($!)
wait_port 19092
measure ledgerstream 127.0.0.1:19092 2
kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true

# kafka NAME EXTRA_PROPERTY
kafka() {
  local dir="$WORK/$1"
  mkdir -p "$dir"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:29093
listeners=PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093
advertised.listeners=PLAINTEXT://127.0.0.1:29092
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
$2
PROPS
  "${KJAVA[@]}" kafka.tools.StorageTool format -t "$("${KJAVA[@]}" kafka.tools.StorageTool random-uuid)" \
    -c "$dir/server.properties" >/dev/null
  "${KJAVA[@]}" kafka.Kafka "$dir/server.properties" > "$dir/kafka.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_port 29092
  measure "$1" 127.0.0.1:29092 1
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
if [ -z "${ONLY_LEDGERSTREAM:-}" ]; then
  kafka kafka-default ""
  kafka kafka-fsync "log.flush.interval.messages=1"
fi
