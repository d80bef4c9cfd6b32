#!/usr/bin/env bash
# What validating every record costs per produced batch, by codec: header checks alone against header checks plus
# record validation, in alternating rounds.
# Usage: bench/validation-cost.sh [batches-per-measurement] [rounds]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$ROOT" && mvn -B -q -DskipTests -pl bench -am package)
exec java -Xmx1g -cp "$ROOT/bench/target/ledgerstream-bench.jar:$(cat "$ROOT/bench/target/classpath.txt")" \
  io.ledgerstream.bench.ValidationCostBenchmark "$@"
