#!/usr/bin/env bash
# Client quotas as isolation (QuotaIsolationBenchmark), on our standalone platform (one broker, three bookies) started
# here on loopback: a probe producer without a quota sends 1 KB records one at a time (acks=all) for MEASURE seconds
#  (1) alone;
#  (2) beside a flooder sending 10 KB records at full speed under a produce quota of QUOTA bytes/s (client id
#      flooder, set with AlterClientQuotas), measured after WARMUP seconds, once the flooder's first burst (a new
#      rate counts as spanning ten of its eleven one-second samples) has passed;
#  (3) beside the same flooder with its quota removed, as the control.
# Prints the probe's p50/p99 per phase and the flooder's acknowledged MB/s, per round, then the medians over the
# rounds and the ratio of the probe's p99 beside the throttled flooder to its p99 alone (the issue's bound: 1.5).
# Usage: bench/quota-isolation.sh [measure-s] [quota-bytes/s] [warmup-s]   (defaults 10 1048576 12)
# ROUNDS=N (default 3). SKIP_BUILD=1 runs what bench/target and launcher/target hold. KEEP_LEDGERSTREAM_LOG=FILE
# keeps the broker's log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEASURE="${1:-10}"
QUOTA="${2:-1048576}"
WARMUP="${3:-12}"
ROUNDS="${ROUNDS:-3}"
WORK="$(mktemp -d /tmp/ledgerstream-quota-bench.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$ROOT" && mvn -B -q -DskipTests -pl launcher,bench -am package) >&2
fi
cat > "$WORK/log4j2.xml" <<'XML'
<Configuration status="WARN"><Appenders><Console name="c" target="SYSTEM_ERR"><PatternLayout pattern="%d{HH:mm:ss} %-5level %c{1} - %msg%n"/></Console></Appenders>
<Loggers><Root level="ERROR"><AppenderRef ref="c"/></Root></Loggers></Configuration>
XML
BENCH_CP="$ROOT/bench/target/ledgerstream-bench.jar:$(cat "$ROOT/bench/target/classpath.txt")"

echo "Quota isolation: probe alone, beside a flooder with a quota of $QUOTA B/s, beside it without; measured" \
  "$MEASURE s after a $WARMUP s warm-up, $ROUNDS rounds"
for round in $(seq 1 "$ROUNDS"); do
  echo "--- round $round"
  start_ledgerstream
  java "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$BENCH_CP" \
    io.ledgerstream.bench.quota.QuotaIsolationBenchmark 127.0.0.1:19092 "$MEASURE" "$QUOTA" "$WARMUP" \
    > "$WORK/round.out" 2> "$WORK/round.err" || { tail -15 "$WORK/round.err" >&2; exit 1; }
  grep -v '^RESULT ' "$WORK/round.out"
  grep '^RESULT ' "$WORK/round.out" | sed "s/^RESULT /$round /" >> "$WORK/results.txt"
  stop "$LEDGERSTREAM_PID"
  rm -rf "$WORK/ledgerstream"
done

echo
awk "$AWK_MEDIAN"'
  { alone = alone " " $2; quota = quota " " $3; noquota = noquota " " $4; fq = fq " " $5; fn = fn " " $6
    ratios = ratios " " ($2 > 0 ? sprintf("%.2f", $3 / $2) : "n/a") }
  END {
    printf "probe p99 (ms, median): alone %.2f, beside the throttled flooder %.2f, beside the unthrottled one %.2f\n",
      median(alone), median(quota), median(noquota)
    printf "flooder MB/s (median): with its quota %.2f, without %.2f\n", median(fq), median(fn)
    printf "p99 beside the throttled flooder / p99 alone: %s (per round:%s); the bound is 1.5\n", fmt(median(ratios)),
      ratios
  }' "$WORK/results.txt"
