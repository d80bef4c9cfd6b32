#!/usr/bin/env bash
# Partition log appends vs raw BookKeeper appends on the same in-process bookies, in one run.
# Usage: bench/log-append.sh [batches-per-round] [in-flight-per-partition] [partitions] [rounds] [records-per-batch] [record-bytes]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bin/lib/java-options.sh"
(cd "$ROOT" && mvn -B -q -DskipTests -pl bench -am package)
exec java "${LEDGERSTREAM_OPENS[@]}" -Xmx4g ${BENCH_JAVA_OPTS:-} \
  -cp "$ROOT/bench/target/ledgerstream-bench.jar:$(cat "$ROOT/bench/target/classpath.txt")" \
  io.ledgerstream.bench.LogAppendBenchmark "$@"
