#!/usr/bin/env bash
# Kafka's own perf tools (ProducerPerformance, ConsumerPerformance, EndToEndLatency) and our GroupBenchmark with the
# classic protocol (group start-up of 10 consumers on 30 partitions, an 11th joining, commit throughput; both
# protocols, in rounds of their own: bench/groups.sh) against our standalone broker and against an
# Apache Kafka broker (single node, KRaft) started here on loopback, in one run: Kafka with default flushing and
# with log.flush.interval.messages=1 (fsync every write, as our bookie journals do), in rounds of alternating order.
# After each of our runs, our broker's collector pauses over the run: count, total, max, p99 and median. For every
# produce run, the CPU the broker's process (ours: broker and bookies in one JVM) and the producer used a record, and
# the broker's busiest thread groups (CpuByThread).
# Usage: bench/kafka-compare.sh [records]   (default 1000000; 1 KiB records, acks=all, topic of 3 partitions)
# ONLY_LEDGERSTREAM=1 skips the Kafka runs (for trying a change on our side). COMPRESSION=lz4 (or gzip, snappy,
# zstd) makes the producers compress their batches, which both brokers then decompress to validate. SKIP_GROUPS=1
# leaves out the group benchmark (for runs about the produce path). METRICS_COMPARE=1 measures instead what the
# brokers' metrics cost: our platform alone, produce alone, with metrics on (and /metrics scraped every second) and
# off (metrics.http.port=-1: nothing recorded), $ROUNDS rounds (default 4) of alternating order, with the ratios.
# DEFERRED=1 gives our broker Kafka's default flushing (--set log.flush.interval.messages=9223372036854775807: every
# topic's ledgers written with BookKeeper's deferred sync, acknowledged before the journals' fsync, forced when a
# segment is sealed) and compares it with Kafka's default flushing only (SKIP_KAFKA_FSYNC=0 keeps Kafka with fsync).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RECORDS="${1:-1000000}"
E2E_RECORDS="${E2E_RECORDS:-5000}"
COMPRESSION="${COMPRESSION:-none}"
WORK="$(mktemp -d /tmp/ledgerstream-kafka-bench.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
build_all

# measure NAME BOOTSTRAP REPLICATION_FACTOR
measure() {
  "${KJAVA[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$2" --create --topic perf \
    --partitions 3 --replication-factor "$3" >/dev/null
  cpu_snapshot "$1"
  timed_cpu "$WORK/$1.producer-cpu" "${KJAVA[@]}" org.apache.kafka.tools.ProducerPerformance --topic perf \
    --num-records "$RECORDS" --record-size 1024 --throughput -1 --producer-props "bootstrap.servers=$2" acks=all \
    "compression.type=$COMPRESSION" > "$WORK/$1.produce.out"
  tail -1 "$WORK/$1.produce.out" > "$WORK/$1.produce"
  cpu_report "$1" "$RECORDS" "$WORK/$1.producer-cpu" > "$WORK/$1.produce-cpu"
  "${KJAVA[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$2" --topic perf \
    --messages "$RECORDS" --timeout 120000 | tail -1 > "$WORK/$1.consume"
  "${KJAVA[@]}" org.apache.kafka.tools.EndToEndLatency "$2" e2e "$E2E_RECORDS" all 1024 > "$WORK/$1.e2e" 2>&1 || true
  printf '%-26s %s\n' "$1 produce:" "$(cat "$WORK/$1.produce")"
  printf '%-26s %s\n' "$1 produce CPU:" "$(cat "$WORK/$1.produce-cpu")"
  printf '%-26s %s\n' "$1 consume:" "$(cat "$WORK/$1.consume")"
  if [ -z "${SKIP_GROUPS:-}" ]; then
    java -cp "$BENCH_CP" io.ledgerstream.bench.GroupBenchmark "$2" "$3" "$1" classic 10 2>/dev/null \
      | grep -v -e '^RESULT ' -e 'warm-up:' | tail -1
  fi
  printf '%-26s %s\n' "$1 end-to-end:" "$(grep -E 'Avg latency|Percentiles' "$WORK/$1.e2e" | tr '\n' ' ')"
  grep -qE 'Avg latency' "$WORK/$1.e2e" || tail -5 "$WORK/$1.e2e" >&2
}

# produce NAME BOOTSTRAP: ProducerPerformance alone, as measure runs it; prints its summary line.
produce() {
  "${KJAVA[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$2" --create --topic perf \
    --partitions 3 --replication-factor 2 > "$WORK/$1.topic" 2>&1 || { cat "$WORK/$1.topic" >&2; return 1; }
  "${KJAVA[@]}" org.apache.kafka.tools.ProducerPerformance --topic perf --num-records "$RECORDS" \
    --record-size 1024 --throughput -1 --producer-props "bootstrap.servers=$2" acks=all \
    "compression.type=$COMPRESSION" | tail -1 > "$WORK/$1.produce"
  printf '%-26s %s\n' "$1 produce:" "$(cat "$WORK/$1.produce")"
}

# metrics_run on|off ROUND: a fresh platform with metrics on (scraped every second while the producer runs, more
# often than a Prometheus would) or off, and one produce run against it.
metrics_run() {
  local scraper=""
  if [ "$1" = on ]; then
    start_ledgerstream --set metrics.http.port=19404
    (while curl -sf -o /dev/null -w '%{time_total}\n' http://127.0.0.1:19404/metrics >> "$WORK/scrape-times"; do
      sleep 1
    done) &
    scraper=$!
  else
    start_ledgerstream --set metrics.http.port=-1
  fi
  produce "metrics-$1-$2" 127.0.0.1:19092
  if [ -n "$scraper" ]; then kill "$scraper" 2>/dev/null || true; wait "$scraper" 2>/dev/null || true; fi
  stop "$LEDGERSTREAM_PID"
  rm -rf "$WORK/ledgerstream"
}

if [ -n "${METRICS_COMPARE:-}" ]; then
  # A first run warms the machine (page cache, JIT of the tools) and is left out of the rounds.
  metrics_run off 0
  for round in $(seq 1 "${ROUNDS:-4}"); do
    if [ $((round % 2)) -eq 1 ]; then metrics_run on "$round"; metrics_run off "$round"
    else metrics_run off "$round"; metrics_run on "$round"; fi
  done
  for round in $(seq 1 "${ROUNDS:-4}"); do
    printf '%s %s\n' "$(awk '{print $4}' "$WORK/metrics-on-$round.produce")" \
      "$(awk '{print $4}' "$WORK/metrics-off-$round.produce")"
  done | awk "$AWK_MEDIAN"'
    { printf "round %d: metrics on %s, off %s records/s, on/off %.3f\n", NR, $1, $2, $1 / $2; on = on " " $1; off = off " " $2; r = r " " $1 / $2 }
    END { printf "medians: on %s, off %s records/s; median of the ratios on/off %.3f\n", median(on), median(off), median(r) }'
  awk "$AWK_MEDIAN"'{ t = t " " $1 } END { printf "%d scrapes of /metrics, median %.1f ms\n", NR, median(t) * 1000 }' \
    "$WORK/scrape-times"
  exit 0
fi

# Ledgerstream: the standalone platform, replication factor 2 (two bookies fsync every entry, Qa = 2). Kafka once
# with default flushing and once with an fsync per write. $ROUNDS rounds (default 2), the order reversed in every
# other round so that no broker always runs first on a cold machine.
if [ -n "${DEFERRED:-}" ]; then
  LEDGERSTREAM_ARGS=(--set log.flush.interval.messages=9223372036854775807)
  export SKIP_KAFKA_FSYNC="${SKIP_KAFKA_FSYNC:-1}"
fi
if [ -n "${ONLY_LEDGERSTREAM:-}" ]; then
  start_ledgerstream ${LEDGERSTREAM_ARGS[@]+"${LEDGERSTREAM_ARGS[@]}"}
  measure ledgerstream 127.0.0.1:19092 2
  stop "$LEDGERSTREAM_PID"
  printf '%-26s %s\n' "ledgerstream GC:" "$(gc_summary "$WORK/ledgerstream-gc.log")"
else
  in_rounds measure
fi
