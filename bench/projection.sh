#!/usr/bin/env bash
# A Flink SQL projection (GROUP BY key, upsert output) over a backlog of events, fed by our standalone platform and
# by Apache Kafka (single node, KRaft, default flushing and fsync on every write), in one run: events/s and the time
# until the projection is current.
# Usage: bench/projection.sh [events] [keys]   (default 1000000 events over 100000 keys)
# ROUNDS=N (default 2) repeats the three runs, alternating their order (see in_rounds in lib/brokers.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARGS=("${1:-1000000}" "${2:-100000}")
WORK="$(mktemp -d /tmp/ledgerstream-projection-bench.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
build_all
# shellcheck source=../bin/lib/java-options.sh
. "$ROOT/bin/lib/java-options.sh"

# run NAME BOOTSTRAP REPLICATION_FACTOR
run() {
  java "${LEDGERSTREAM_OPENS[@]}" --add-opens=java.base/java.util=ALL-UNNAMED \
    "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$BENCH_CP" \
    io.ledgerstream.bench.ProjectionBenchmark "$2" "$3" "$1" "${ARGS[@]}" 2>"$WORK/$1.err" | tail -1 \
    || { tail -20 "$WORK/$1.err" >&2; return 1; }
}

in_rounds run
