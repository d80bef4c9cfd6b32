#!/usr/bin/env bash
# A bounded fault run of our cluster: three brokers (each its own JVM) and four bookies under an idempotent acks=all
# producer and a consumer, a broker killed (SIGKILL) or a bookie stopped every INTERVAL seconds and started again
# 10 s later; prints records acknowledged, read, lost and duplicated. Not part of the test command.
# Usage: bench/fault-run.sh [seconds] [interval]   (default 600 and 30)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/ledgerstream-fault-run.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
build_all
# shellcheck source=../bin/lib/java-options.sh
. "$ROOT/bin/lib/java-options.sh"
java "${LEDGERSTREAM_OPENS[@]}" "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$BENCH_CP" \
  io.ledgerstream.bench.failover.FaultRun "$WORK/run" "${1:-600}" "${2:-30}" 2>"$WORK/run.err" | tail -1 \
  || { tail -20 "$WORK/run.err" >&2; exit 1; }
