#!/usr/bin/env bash
# Fetch sessions (KIP-227) on our standalone broker against an Apache Kafka 4.1.1 broker (single node, KRaft) started
# here on loopback, each with sessions on (the default) and off (max.incremental.fetch.session.cache.slots=0), every
# broker fresh for its run, in rounds of alternating order. Each run (FetchSessionsBenchmark): one consumer
# (kafka-clients 4.1.1, no group) assigned 10 topics of 100 partitions, a producer writing RATE records of 100 bytes
# a second (acks=all) to partitions drawn at random (the same seeded sequence in every run); after WARMUP seconds,
# over MEASURE seconds:
#  - fetches/s: fetch responses the consumer received (its fetch-total), per second;
#  - bytes per fetch request and per response: the consumer's bytes sent and received over its broker connections
#    per request and per response (its node metrics outgoing-byte-total / request-total and incoming-byte-total /
#    response-total; in the window the consumer sends nothing but fetches), frames and headers included; and both
#    together per record delivered (an incremental request carries the partitions whose offsets moved, a response
#    the partitions with records, so their sizes grow with the records each fetch brings);
#  - records/s delivered, with their end-to-end latency (poll time minus the producer's timestamp), p50 and p99;
#  - broker CPU: user plus system time of the broker's whole JVM over the window (/proc/PID/stat), in ms per
#    second and per fetch. Both are one process with their storage in it: Kafka's includes its log writes and
#    flushes and its KRaft controller; ours its ZooKeeper and its three bookies (journals, fsyncs, ledger storage).
#    The busiest thread groups are printed per run, to tell the broker's share from the storage's.
# After the window the producer stops and the run checks that every acknowledged record arrived exactly once.
# Kafka writes with an fsync per write (log.flush.interval.messages=1, the durability of our bookie journals; our
# topics have replication factor 2) unless KAFKA_FLUSH=default.
# Ratios are written so that >= 1.0 means as good as Kafka: fetches/s and records/s ours/Kafka (fetches/s only
# counts when both delivered every record at the same rate; the table flags it otherwise); bytes (per request, per
# response, per record) and CPU (per second and per fetch) Kafka/ours.
# Usage: bench/fetch-sessions.sh [warmup-s] [measure-s] [records/s]   (defaults 10 15 300)
# ROUNDS=N (default 3). STEP_TIMEOUT (default 300 s) bounds each run. KEEP_LEDGERSTREAM_LOG=FILE keeps our log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WARMUP="${1:-10}"
MEASURE="${2:-15}"
RATE="${3:-300}"
ROUNDS="${ROUNDS:-3}"
STEP_TIMEOUT="${STEP_TIMEOUT:-300}"
KAFKA_FLUSH="${KAFKA_FLUSH:-fsync}"
SESSIONS_OFF="max.incremental.fetch.session.cache.slots=0"
WORK="$(mktemp -d /tmp/ledgerstream-fetch-bench.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
build_all
CLK_TCK="$(getconf CLK_TCK)"
KAFKA_FLUSH_PROPERTY=""
[ "$KAFKA_FLUSH" = default ] || KAFKA_FLUSH_PROPERTY="log.flush.interval.messages=1"

# measure LABEL BOOTSTRAP REPLICATION_FACTOR BROKER_PID: one run; its figures go to results.txt as
# "ROUND LABEL fetches/s request-bytes response-bytes bytes/record records/s cpu-ms/s cpu-us/fetch p50 p99 complete".
measure() {
  local rc=0
  timeout "$STEP_TIMEOUT" java "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$BENCH_CP" \
    io.ledgerstream.bench.fetch.FetchSessionsBenchmark "$2" "$3" "$1" "$4" "$WARMUP" "$MEASURE" "$RATE" "$CLK_TCK" \
    > "$WORK/$1.out" 2> "$WORK/$1.err" || rc=$?
  grep -v '^RESULT ' "$WORK/$1.out" || true
  if [ "$rc" -eq 0 ] && grep -q '^RESULT ' "$WORK/$1.out"; then
    grep '^RESULT ' "$WORK/$1.out" | sed "s/^RESULT /$round /" >> "$WORK/results.txt"
  else
    echo "$1 FAILED (exit $rc$([ "$rc" -eq 124 ] && echo ", timed out after ${STEP_TIMEOUT} s")):" >&2
    tail -15 "$WORK/$1.err" >&2
    echo "$round $1 n/a n/a n/a n/a n/a n/a n/a n/a n/a 0" >> "$WORK/results.txt"
  fi
}

# ours MODE [ARGUMENT...] and kafka MODE [PROPERTY]: a fresh broker, one run, the broker stopped and its data gone.
ours() {
  local mode="$1"
  shift
  start_ledgerstream "$@"
  measure "ours-$mode" 127.0.0.1:19092 2 "$LEDGERSTREAM_PID"
  stop "$LEDGERSTREAM_PID"
  rm -rf "$WORK/ledgerstream"
}
kafka() {
  start_kafka "kafka-$1" "$KAFKA_FLUSH_PROPERTY
${2:-}"
  measure "kafka-$1" 127.0.0.1:29092 1 "$KAFKA_PID"
  stop "$KAFKA_PID"
  rm -rf "$WORK/kafka-$1"
}

echo "Fetch sessions: 1 consumer of 1,000 partitions, $RATE records/s, warm-up $WARMUP s, measured $MEASURE s," \
  "$ROUNDS rounds; Kafka flushing: $KAFKA_FLUSH"
for round in $(seq 1 "$ROUNDS"); do
  echo "--- round $round"
  if [ $((round % 2)) -eq 1 ]; then
    ours sessions; ours no-sessions --set "$SESSIONS_OFF"; kafka sessions; kafka no-sessions "$SESSIONS_OFF"
  else
    kafka no-sessions "$SESSIONS_OFF"; kafka sessions; ours no-sessions --set "$SESSIONS_OFF"; ours sessions
  fi
done

echo
echo "Per run: fetches/s, bytes per fetch request / response / record, records/s, broker CPU ms/s and µs per" \
  "fetch, end-to-end p50 / p99 ms, every record once"
awk '{ printf "round %s  %-18s %9s %8s / %6s / %-6s %8s %8s %10s %6s / %-6s %s\n", $1, $2, $3, $4, $5, $6, $7, $8, \
  $9, $10, $11, ($12 == 1 ? "yes" : "NO") }' "$WORK/results.txt"
echo
echo "Ratios, >= 1.0 means as good as Kafka: fetches/s and records/s ours/Kafka; bytes and CPU Kafka/ours." \
  "Medians over the rounds; per round in brackets."
awk "$AWK_MEDIAN"'
  function ratio(a, b) { return (a == "n/a" || b == "n/a" || b + 0 == 0) ? "n/a" : a / b }
  function value(x) { return x == "n/a" ? x : sprintf("%.1f", x) }
  { for (f = 3; f <= 12; f++) v[$2, $1, f] = $f; if ($1 > rounds) rounds = $1 }
  END {
    split("fetches/s|bytes per request|bytes per response|bytes per record|records/s|CPU ms/s|CPU us per fetch", \
      names, "|")
    split("3 4 5 6 7 8 9", fields, " ")
    split("1 0 0 0 1 0 0", oursOverKafka, " ")
    printf "%-20s %-12s %12s %12s %7s  %s\n", "", "sessions", "ours", "Kafka", "ratio", "per round"
    for (m = 1; m <= 2; m++) {
      mode = (m == 1) ? "sessions" : "no-sessions"
      for (k = 1; k <= 7; k++) {
        f = fields[k]; ours = ""; theirs = ""; ratios = ""; shown = ""
        for (r = 1; r <= rounds; r++) {
          a = v["ours-" mode, r, f]; b = v["kafka-" mode, r, f]
          if (a != "n/a" && a != "") ours = ours " " a
          if (b != "n/a" && b != "") theirs = theirs " " b
          x = oursOverKafka[k] ? ratio(a, b) : ratio(b, a)
          flag = ""
          delivered = ratio(v["ours-" mode, r, 7], v["kafka-" mode, r, 7])
          if (f == 3 && (v["ours-" mode, r, 12] != 1 || v["kafka-" mode, r, 12] != 1 || delivered == "n/a" || \
              delivered < 0.98 || delivered > 1.02)) flag = "*"
          if (x != "n/a") ratios = ratios " " x
          shown = shown (r > 1 ? ", " : "") fmt(x) flag
        }
        printf "%-20s %-12s %12s %12s %7s  [%s]\n", names[k], (m == 1 ? "on" : "off"), value(median(ours)), \
          value(median(theirs)), fmt(median(ratios)), shown
      }
    }
    print "* records delivered differ (more than 2%) or a run missed or repeated a record: fetches/s is no measure then"
  }' "$WORK/results.txt"
if grep -qv ' 1$' "$WORK/results.txt"; then
  echo "Some run did not deliver every acknowledged record exactly once (or failed): see above." >&2
  exit 1
fi
