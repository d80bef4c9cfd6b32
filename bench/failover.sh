#!/usr/bin/env bash
# Failover time of a three-broker cluster, ours against Apache Kafka 4.1.1 (KRaft, three combined nodes) in one run:
# the broker process leading partition 0 is killed with SIGKILL while an idempotent acks=all producer writes to it;
# the time until the first acknowledged produce of a record sent after the kill, over KILLS kills (the killed broker
# is started again before the next kill). Both sides use their default session timeouts (ours:
# zookeeper.session.timeout.ms, Kafka: broker.session.timeout.ms) and replication factor 3, min.insync.replicas 2.
# Usage: bench/failover.sh [kills]   (default 20)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KILLS="${1:-20}"
WORK="$(mktemp -d /tmp/ledgerstream-failover-bench.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
build_all
# shellcheck source=../bin/lib/java-options.sh
. "$ROOT/bin/lib/java-options.sh"

run() {
  mkdir -p "$WORK/$1"
  java "${LEDGERSTREAM_OPENS[@]}" "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$BENCH_CP" \
    io.ledgerstream.bench.failover.FailoverBenchmark "$1" "$WORK/$1" "$KILLS" "$WORK/kafka-cp.txt" \
    2>"$WORK/$1.err" | tail -1 || { tail -20 "$WORK/$1.err" >&2; return 1; }
}

run ledgerstream
run kafka
