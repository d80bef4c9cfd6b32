#!/usr/bin/env bash
# Each connector against PostgreSQL's own ceiling, in one run (ConnectorsBenchmark): our standalone platform (one
# broker, three bookies) and a Flink MiniCluster (RocksDB, checkpoints every 1 s) in the benchmark's JVM, and a
# PostgreSQL 15 made by initdb in a temporary folder, default durability (fsync, synchronous_commit and
# full_page_writes on; wal_level=logical). In ROUNDS rounds, odd rounds the connector first, even rounds its ceiling:
#  (1) postgres-cdc (snapshot: never, resumed from a savepoint) against pg_recvlogical (pgoutput, a slot of its own)
#      reading the same CDC_ROWS rows, committed beforehand in transactions of ROWS_PER_TRANSACTION rows made by
#      INSERT ... SELECT generate_series: rows/s until a read_committed reader has every record, or until
#      pg_recvlogical reaches the end LSN;
#  (2) the jdbc sink against one JDBC client's batched INSERT ... ON CONFLICT DO UPDATE, BATCH_SIZE rows a
#      transaction, SINK_ROWS rows with distinct keys: rows/s by the rows' own insert stamps;
#  (3) postgres-cdc (envelope: row) -> topic -> jdbc sink into a second database: latency from each commit (one row
#      a transaction, LATENCY_ROWS_PER_SECOND for LATENCY_SECONDS) to its insert in the copy, p50 / p99 / max.
# Prints each round as it ends, then a table of all rounds with the ratios ours/ceiling.
# Usage: bench/connectors.sh [CDC_ROWS=200000] [ROWS_PER_TRANSACTION=100] [SINK_ROWS=200000] [BATCH_SIZE=500]
#        [LATENCY_ROWS_PER_SECOND=50] [LATENCY_SECONDS=20] [ROUNDS=4] ["FLUSH_INTERVAL=1 s": the sink's flush-interval in (3)]
#        Every round comes after a warm-up round of a tenth of the rows (and 5 s of latency), printed apart.
# Needs Debian's PostgreSQL 15 (/usr/lib/postgresql/15/bin); run as root, the server runs as the postgres user.
# SKIP_BUILD=1 runs what bench/target holds. The benchmark's log (WARN and up) goes to bench/target/connectors.log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../bin/lib/java-options.sh
. "$ROOT/bin/lib/java-options.sh"
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$ROOT" && mvn -B -q -DskipTests -pl bench -am package) >&2
fi
LOG4J="$(mktemp /tmp/ledgerstream-connectors-bench-log4j.XXXXXX.xml)"
trap 'rm -f "$LOG4J"' EXIT
cat > "$LOG4J" <<'XML'
<Configuration status="WARN"><Appenders><Console name="c" target="SYSTEM_ERR"><PatternLayout pattern="%d{HH:mm:ss} %-5level %c{1} - %msg%n"/></Console></Appenders>
<Loggers><Root level="WARN"><AppenderRef ref="c"/></Root></Loggers></Configuration>
XML
java "${LEDGERSTREAM_OPENS[@]}" --add-opens=java.base/java.util=ALL-UNNAMED -Xmx3g ${BENCH_JAVA_OPTS:-} \
  "-Dlog4j2.configurationFile=$LOG4J" \
  -cp "${BENCH_EXTRA_CP:+$BENCH_EXTRA_CP:}$ROOT/bench/target/ledgerstream-bench.jar:$(cat "$ROOT/bench/target/classpath.txt")" \
  io.ledgerstream.bench.connectors.ConnectorsBenchmark "$@" 2> "$ROOT/bench/target/connectors.log" \
  || { tail -30 "$ROOT/bench/target/connectors.log" >&2; exit 1; }
