#!/usr/bin/env bash
# A long run of the property-based fuzz tests against a real broker on real bookies: record batches of every codec,
# damaged as a buggy producer damages them, and request frames for every API, damaged too. The suite runs them with
# a bounded number of tries; this runs TRIES of each (default 5000). A failure prints the shrunk example and the seed
# to replay it with (-Djqwik.seeds.whenfixed / jqwik.database).
# Usage: bench/fuzz.sh [tries]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRIES="${1:-5000}"
cd "$ROOT"
mvn -B -q -pl log-service -am -DskipTests install >&2
mvn -B -pl log-service surefire:test -Dtest='RecordBatchFuzzITCase,RequestFrameFuzzITCase' \
  -Djqwik.tries.default="$TRIES" -Dsurefire.failIfNoSpecifiedTests=false -DtrimStackTrace=false
echo "Fuzzed $TRIES record batches and $TRIES request frames: no property failed."
