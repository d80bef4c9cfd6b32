#!/usr/bin/env bash
# Consumer groups on our standalone broker against an Apache Kafka 4.1.1 broker (single node, KRaft) started here on
# loopback, with both group protocols, classic (JoinGroup/SyncGroup, the client's default assignors: range, eager)
# and consumer (KIP-848 ConsumerGroupHeartbeat, the broker's default assignor: uniform), every broker fresh for its
# run, in rounds that alternate the order of the brokers and of the protocols. Each run (GroupBenchmark, one JVM,
# kafka-clients 4.1.1, a topic of 30 partitions with 10 records in each) first warms the broker's commit path
# (10 s of synchronous commits by 10 consumers with partitions assigned; a fresh broker's first commits ran at a
# third of the later ones), then measures per protocol, in a new group:
#  - start-up: 10 consumers, built beforehand, subscribe at once; time until every one has received records (and,
#    printed per run, until the group settled: every partition owned by exactly one member, evenly, and no change of
#    ownership for a quiet period of one heartbeat interval and a second: 4 s classic, 6 s consumer);
#  - commits/s with 10 committing consumers: the 10 settled members each commit one partition they own, synchronous
#    commits in a loop, for COMMIT_SECONDS;
#  - 11th member in: from the 11th consumer's subscribe until it has received records and every partition is owned
#    by exactly one of the 11 again (ownership as the members' rebalance listeners report it: assigned adds,
#    revoked and lost remove); the time of the last change of ownership or of the 11th's first records, whichever
#    came later, once ownership has not changed for the quiet period (which also rules out a state that looks
#    complete while a partition is still on its way to the 11th); the 11 then own 2 or 3 partitions each.
#    Members hear of a rebalance at their next heartbeat, so this time depends on where in the heartbeat cycle the
#    11th joins: it subscribes at a set phase of the cycle after the group settled (whole intervals past the commit
#    window, plus a fraction), the same on both brokers within a round and (r - 0.5) / ROUNDS in round r (0.17,
#    0.50, 0.83 of the cycle with 3 rounds), so that the rounds cover the cycle and the median is mid-cycle;
#  - commits/s with 1 committing consumer: a group of one member owning every partition.
# Group settings are both brokers' defaults (group.consumer.heartbeat.interval.ms 5000, session timeouts 45 s, the
# client's heartbeat.interval.ms 3000 for classic), but for group.initial.rebalance.delay.ms=0 on both (as every
# comparison script here sets it; it only delays a new classic group's first rebalance). Kafka writes with an fsync
# per write (log.flush.interval.messages=1, the durability of our bookie journals; our topics and __consumer_offsets
# have replication factor 2) unless KAFKA_FLUSH=default.
# Ratios are written so that >= 1.0 means as good as Kafka: times Kafka/ours, commits/s ours/Kafka; medians over the
# rounds, each round's ratio in brackets.
# Usage: bench/groups.sh [commit-seconds]   (default 5). ROUNDS=N (default 3). STEP_TIMEOUT (default 300 s) bounds
# each run. KEEP_LEDGERSTREAM_LOG=FILE keeps our broker's log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COMMIT_SECONDS="${1:-5}"
ROUNDS="${ROUNDS:-3}"
STEP_TIMEOUT="${STEP_TIMEOUT:-300}"
KAFKA_FLUSH="${KAFKA_FLUSH:-fsync}"
WORK="$(mktemp -d /tmp/ledgerstream-group-bench.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
build_all
KAFKA_FLUSH_PROPERTY=""
[ "$KAFKA_FLUSH" = default ] || KAFKA_FLUSH_PROPERTY="log.flush.interval.messages=1"

# measure BROKER BOOTSTRAP REPLICATION_FACTOR PROTOCOLS: one run, the 11th joining at phase $phase; its figures go
# to results.txt as
# "ROUND BROKER PROTOCOL start-ms settled-ms join-ms commits/s-1 commits/s-10".
measure() {
  local rc=0
  timeout "$STEP_TIMEOUT" java "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$BENCH_CP" \
    io.ledgerstream.bench.GroupBenchmark "$2" "$3" "$1" "$4" "$COMMIT_SECONDS" "$phase" > "$WORK/$1.out" \
    2> "$WORK/$1.err" || rc=$?
  grep -v '^RESULT ' "$WORK/$1.out" || true
  grep '^RESULT ' "$WORK/$1.out" | sed "s/^RESULT /$round /" >> "$WORK/results.txt" || true
  if [ "$rc" -ne 0 ]; then
    echo "$1 FAILED (exit $rc$([ "$rc" -eq 124 ] && echo ", timed out after ${STEP_TIMEOUT} s")):" >&2
    tail -15 "$WORK/$1.err" >&2
    FAILED=1
  fi
}

# ours PROTOCOLS and kafka PROTOCOLS: a fresh broker, one run, the broker stopped and its data gone.
ours() {
  start_ledgerstream
  measure ours 127.0.0.1:19092 2 "$1"
  stop "$LEDGERSTREAM_PID"
  rm -rf "$WORK/ledgerstream"
}
kafka() {
  start_kafka kafka "$KAFKA_FLUSH_PROPERTY"
  measure kafka 127.0.0.1:29092 1 "$1"
  stop "$KAFKA_PID"
  rm -rf "$WORK/kafka"
}

FAILED=""
echo "Consumer groups: 10 consumers on 30 partitions, an 11th joining, commits for $COMMIT_SECONDS s;" \
  "$ROUNDS rounds; Kafka flushing: $KAFKA_FLUSH"
for round in $(seq 1 "$ROUNDS"); do
  phase="$(awk -v r="$round" -v n="$ROUNDS" 'BEGIN { printf "%.2f", (r - 0.5) / n }')"
  echo "--- round $round (the 11th joins at $phase of a heartbeat cycle)"
  if [ $((round % 2)) -eq 1 ]; then
    ours classic,consumer; kafka classic,consumer
  else
    kafka consumer,classic; ours consumer,classic
  fi
done

echo
echo "Medians over the rounds, per round in brackets; ratios >= 1.0 mean as good as Kafka (times Kafka/ours," \
  "commits/s ours/Kafka)."
awk "$AWK_MEDIAN"'
  function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "n/a" : a / b }
  function value(x) { return x == "n/a" ? x : sprintf("%.0f", x) }
  { for (f = 4; f <= 8; f++) v[$2, $3, $1, f] = $f; if ($1 > rounds) rounds = $1 }
  END {
    split("start to all receiving, ms|11th member in, ms|commits/s, 1 consumer|commits/s, 10 consumers", names, "|")
    split("4 6 7 8", fields, " ")
    split("0 0 1 1", oursOverKafka, " ")
    printf "%-9s %-28s %9s %9s %7s  %s\n", "protocol", "", "ours", "Kafka", "ratio", "per round"
    for (p = 1; p <= 2; p++) {
      protocol = (p == 1) ? "classic" : "consumer"
      for (k = 1; k <= 4; k++) {
        f = fields[k]; ours = ""; theirs = ""; ratios = ""; shown = ""
        for (r = 1; r <= rounds; r++) {
          a = v["ours", protocol, r, f]; b = v["kafka", protocol, r, f]
          if (a != "") ours = ours " " a
          if (b != "") theirs = theirs " " b
          x = oursOverKafka[k] ? ratio(a, b) : ratio(b, a)
          if (x != "n/a") ratios = ratios " " x
          shown = shown (r > 1 ? ", " : "") fmt(x)
        }
        printf "%-9s %-28s %9s %9s %7s  [%s]\n", protocol, names[k], value(median(ours)), value(median(theirs)), \
          fmt(median(ratios)), shown
      }
    }
  }' "$WORK/results.txt"
if [ -n "$FAILED" ]; then
  echo "Some run failed: see above." >&2
  exit 1
fi
