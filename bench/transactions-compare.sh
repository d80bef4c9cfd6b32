#!/usr/bin/env bash
# Kafka transactions on our standalone broker against an Apache Kafka 4.1.1 broker (single node, KRaft) started here
# on loopback, with an fsync per write (log.flush.interval.messages=1, the durability our bookies give) and with
# default flushing, in rounds of alternating order (see in_rounds in lib/brokers.sh), every broker fresh per run:
#  (a) transactional produce throughput: Kafka's ProducerPerformance with --transactional-id bench-txn
#      --transaction-duration-ms 100 (a commit every 100 ms), records of 1 KiB, acks=all, topic of 3 partitions;
#  (b) read_committed end-to-end latency: TransactionLatencyBenchmark, one 1 KiB record per transaction, a
#      transaction started every TXN_INTERVAL_MS (or when the commit before returns, if later), each record timed
#      from its send to its arrival at a read_committed consumer (commit and markers included), p50 and p99. The
#      default 50 ms leaves each transaction's markers time to land before the next begins, on every broker here;
#      at 10 ms the brokers that fsync fall behind (some 30 ms a transaction), so each transaction then also
#      waits for the one before (CONCURRENT_TRANSACTIONS and the client's retry) and latency doubles on both;
#  (c) on our platform only: the payments job (PaymentsJobBenchmark) with exactly-once output against the same job
#      with at-least-once output, throughput catching up a backlog, in rounds of alternating order.
# Prints each run's figures, then per round the ratios ours/Kafka (throughput: above 1 is ours faster; latency:
# below 1 is ours faster) and exactly-once/at-least-once.
# Usage: bench/transactions-compare.sh [records]   (default 300000: the records of (a))
# ROUNDS=N (default 2). TXN_LATENCY_TRANSACTIONS (default 1000) and TXN_INTERVAL_MS (default 50) for (b).
# PAYMENTS_BACKLOG (default 300000; 0 leaves (c) out), PAYMENTS_SECONDS (default 0: no latency run after the
# catch-up; N runs PaymentsJobBenchmark's latency run at 2000 payments/s for N s, its rows read uncommitted).
# KEEP_LEDGERSTREAM_LOG=FILE (default bench/target/transactions-compare-ledgerstream.log): our broker's log of all
# runs, kept after the run; the script counts its WARN and ERROR lines at the end.
# STEP_TIMEOUT (default 900 s): a measurement that takes longer is stopped and reported as failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RECORDS="${1:-300000}"
TXN_LATENCY_TRANSACTIONS="${TXN_LATENCY_TRANSACTIONS:-1000}"
TXN_INTERVAL_MS="${TXN_INTERVAL_MS:-50}"
PAYMENTS_BACKLOG="${PAYMENTS_BACKLOG:-300000}"
PAYMENTS_SECONDS="${PAYMENTS_SECONDS:-0}"
STEP_TIMEOUT="${STEP_TIMEOUT:-900}"
KEEP_LEDGERSTREAM_LOG="${KEEP_LEDGERSTREAM_LOG:-$ROOT/bench/target/transactions-compare-ledgerstream.log}"
WORK="$(mktemp -d /tmp/ledgerstream-txn-bench.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
build_all
# shellcheck source=../bin/lib/java-options.sh
. "$ROOT/bin/lib/java-options.sh"

# step LABEL OUT COMMAND...: runs COMMAND (at most STEP_TIMEOUT seconds), its output's last line in OUT; on failure
# says so with the end of its error output, and OUT holds FAILED, so that the other runs still measure.
step() {
  local label="$1" out="$2" rc=0
  shift 2
  timeout "$STEP_TIMEOUT" "$@" > "$out.all" 2> "$out.err" || rc=$?
  if [ "$rc" -eq 0 ] && [ -s "$out.all" ]; then
    tail -1 "$out.all" > "$out"
  else
    echo FAILED > "$out"
    echo "$label FAILED (exit $rc$([ "$rc" -eq 124 ] && echo ", timed out after ${STEP_TIMEOUT} s")):" >&2
    tail -15 "$out.err" >&2
  fi
}

# number TEXT SED_EXPRESSION: the number the expression extracts from TEXT, or n/a.
number() {
  local n
  n="$(sed -nE "s/$2/\\1/p" <<<"$1" | tr -d ,)"
  if [[ "$n" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then echo "$n"; else echo n/a; fi
}

# measure NAME BOOTSTRAP REPLICATION_FACTOR: (a) and (b) against one broker; one line of results.txt per run.
measure() {
  "${KJAVA[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$2" --create --topic txn-perf \
    --partitions 3 --replication-factor "$3" >/dev/null
  step "$1 transactional produce" "$WORK/$1.produce" "${KJAVA[@]}" org.apache.kafka.tools.ProducerPerformance \
    --topic txn-perf --num-records "$RECORDS" --record-size 1024 --throughput -1 \
    --transactional-id bench-txn --transaction-duration-ms 100 --producer-props "bootstrap.servers=$2" acks=all
  step "$1 read_committed latency" "$WORK/$1.latency" java "-Dlog4j2.configurationFile=$WORK/log4j2.xml" \
    -cp "$BENCH_CP" io.ledgerstream.bench.TransactionLatencyBenchmark "$2" "$3" "$1" \
    "$TXN_LATENCY_TRANSACTIONS" "$TXN_INTERVAL_MS" 1024
  local produce latency
  produce="$(cat "$WORK/$1.produce")"
  latency="$(cat "$WORK/$1.latency")"
  printf '%-34s %s\n' "$1 transactional produce:" "$produce"
  printf '%-34s %s\n' "$1 read_committed latency:" "$(sed -E "s/^$1 +//" <<<"$latency")"
  echo "$1 $(number "$produce" '.* records sent, ([0-9.]+) records\/sec.*')" \
    "$(number "$latency" '.*end-to-end: p50 ([0-9.]+) ms.*')" \
    "$(number "$latency" '.*end-to-end: p50 [0-9.]+ ms, p99 ([0-9.]+) ms.*')" >> "$WORK/results.txt"
}

# payments GUARANTEE: (c), the payments job on a fresh platform of ours with the given output guarantee.
payments() {
  start_ledgerstream
  step "ledgerstream payments job, $1" "$WORK/payments.$1" java "${LEDGERSTREAM_OPENS[@]}" \
    "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$BENCH_CP" io.ledgerstream.bench.PaymentsJobBenchmark \
    127.0.0.1:19092 2 ledgerstream "$PAYMENTS_BACKLOG" 2000 "$PAYMENTS_SECONDS" "$1"
  stop "$LEDGERSTREAM_PID"
  rm -rf "$WORK/ledgerstream"
  local line
  line="$(cat "$WORK/payments.$1")"
  printf '%-34s %s\n' "ledgerstream payments, $1:" \
    "$(sed -E 's/^ledgerstream +payments job, [a-z-]+ output: //' <<<"$line")"
  echo "$1 $(number "$line" '.*throughput ([0-9,]+) events\/s.*')" >> "$WORK/payments.txt"
}

in_rounds measure
if [ "$PAYMENTS_BACKLOG" -gt 0 ]; then
  for round in $(seq 1 "${ROUNDS:-2}"); do
    if [ $((round % 2)) -eq 1 ]; then payments exactly-once; payments at-least-once
    else payments at-least-once; payments exactly-once; fi
  done
fi

# The summary: the n-th line of a broker's results is its run in round n.
echo
echo "Per round: transactional produce records/s; read_committed end-to-end p50 / p99 ms"
awk '{ n[$1]++; printf "round %d  %-14s %12s   %8s / %s\n", n[$1], $1, $2, $3, $4 }' "$WORK/results.txt" \
  | sort -s -k2,2n
echo "Ratios ours/Kafka with an fsync per write | with default flushing" \
  "(produce: above 1 is ours faster; latency: below 1 is ours faster)"
awk '
  function ratio(a, b) { return (a == "n/a" || b == "n/a" || b == 0) ? "n/a" : sprintf("%.2f", a / b) }
  function both(r, f) {
    return ratio(v["ledgerstream", r, f], v["kafka-fsync", r, f]) " | " \
      ratio(v["ledgerstream", r, f], v["kafka-default", r, f])
  }
  { n[$1]++; for (f = 2; f <= 4; f++) v[$1, n[$1], f] = $f }
  END {
    for (r = 1; r <= n["ledgerstream"]; r++) {
      printf "round %d  produce %s   end-to-end p50 %s   p99 %s\n", r, both(r, 2), both(r, 3), both(r, 4)
    }
  }' "$WORK/results.txt"
if [ -f "$WORK/payments.txt" ]; then
  echo "Payments job on Ledgerstream, throughput exactly-once / at-least-once output (below 1: exactly-once slower)"
  awk '
    { n[$1]++; v[$1, n[$1]] = $2 }
    END {
      for (r = 1; r <= n["exactly-once"]; r++) {
        a = v["exactly-once", r]; b = v["at-least-once", r]
        printf "round %d  %s / %s events/s = %s\n", r, a, b,
          (a == "n/a" || b == "n/a" || b == 0) ? "n/a" : sprintf("%.2f", a / b)
      }
    }' "$WORK/payments.txt"
fi
echo "Our broker's log over all runs: $(grep -c ' WARN ' "$WORK/ledgerstream.log" || true) WARN and" \
  "$(grep -c ' ERROR ' "$WORK/ledgerstream.log" || true) ERROR lines (kept in $KEEP_LEDGERSTREAM_LOG)"
grep -E ' (WARN|ERROR) ' "$WORK/ledgerstream.log" | sed -E 's/^[0-9:.]+ //' | sort | uniq -c | sort -rn \
  | head -10 || true
