#!/usr/bin/env bash
# The payments job (local Flink cluster, parallelism 2, RocksDB, checkpoint every 10 s) fed by our standalone
# platform and by Apache Kafka (single node, KRaft, default flushing and fsync on every write), in one run:
# throughput catching up a backlog, and end-to-end latency from produce to the upsert seen on the output topic.
# Usage: bench/payments-job.sh [backlog] [rate] [seconds]   (default 300000 payments; 2000/s for 20 s)
# ROUNDS=N (default 2) repeats the three runs, alternating their order (see in_rounds in lib/brokers.sh).
# DELIVERY_GUARANTEE=at-least-once runs the job with at-least-once output (default exactly-once, the job's own).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARGS=("${1:-300000}" "${2:-2000}" "${3:-20}")
WORK="$(mktemp -d /tmp/ledgerstream-payments-bench.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
build_all
# shellcheck source=../bin/lib/java-options.sh
. "$ROOT/bin/lib/java-options.sh"

# run NAME BOOTSTRAP REPLICATION_FACTOR
run() {
  java "${LEDGERSTREAM_OPENS[@]}" "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$BENCH_CP" \
    io.ledgerstream.bench.PaymentsJobBenchmark "$2" "$3" "$1" "${ARGS[@]}" \
    "${DELIVERY_GUARANTEE:-exactly-once}" 2>"$WORK/$1.err" | tail -1 \
    || { tail -20 "$WORK/$1.err" >&2; return 1; }
}

in_rounds run
