#!/usr/bin/env bash
# Where a produce acknowledgement's time and the broker's CPU go, on our standalone platform (3 bookies, a topic of 3
# partitions with replication factor 2, every entry fsynced by two bookie journals): ProducerPerformance (1 KiB
# records, acks=all, --throughput -1) runs WARMUP_RECORDS (default 200000) to compile the hot paths, then [records]
# (default 500000) measured. Over the measured run it prints, from the broker's metrics and BookKeeper's own bookie
# stats (standalone --bookie-metrics-port), the mean time of each step of an acknowledgement: the produce request in
# the broker, the BookKeeper append to the ack quorum within it, the bookie's handling of one add (its write-thread
# queue and its journal: queue, fsync) and what lies between; the fsyncs and entries per fsync; the collector's
# pauses (count, max, p99, from the collector's log); and the CPU by thread and the hottest frames, from async-profiler
# (tools.profiler:async-profiler from Maven, attached to the broker for the measured run only by ProfilerControl).
# PROFILE=cpu (default), alloc or none. The collapsed stacks stay in $KEEP (default /tmp/ack-timing) for flame graphs.
# Note: BookKeeper's stats sum each event in whole milliseconds, so the bookie means are floors (marked >=).
# Usage: bench/ack-timing.sh [records]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RECORDS="${1:-500000}"
WARMUP_RECORDS="${WARMUP_RECORDS:-200000}"
PROFILE="${PROFILE:-cpu}"
KEEP="${KEEP:-/tmp/ack-timing}"
WORK="$(mktemp -d /tmp/ledgerstream-ack-timing.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
build_all
mkdir -p "$KEEP"

BOOKIE_METRICS=19500
BROKER_METRICS=19404
# scrape FILE: every bookie's stats and the broker's metrics, each line prefixed with its source.
scrape() {
  local port
  : > "$1"
  for port in $BOOKIE_METRICS $((BOOKIE_METRICS + 1)) $((BOOKIE_METRICS + 2)); do
    curl -sf "http://127.0.0.1:$port/metrics" | sed 's/^/bookie /' >> "$1"
  done
  curl -sf "http://127.0.0.1:$BROKER_METRICS/metrics" | sed 's/^/broker /' >> "$1"
}

# perf RECORDS: ProducerPerformance against the platform; its summary line.
perf() {
  "${KJAVA[@]}" org.apache.kafka.tools.ProducerPerformance --topic perf --num-records "$1" --record-size 1024 \
    --throughput -1 --producer-props bootstrap.servers=127.0.0.1:19092 acks=all | tail -1
}

start_ledgerstream --bookie-metrics-port "$BOOKIE_METRICS" --set "metrics.http.port=$BROKER_METRICS"
"${KJAVA[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:19092 --create --topic perf \
  --partitions 3 --replication-factor 2 > "$WORK/topic.out" 2>&1 || { cat "$WORK/topic.out" >&2; exit 1; }
perf "$WARMUP_RECORDS" > /dev/null
scrape "$WORK/before"
gc_from=$(wc -l < "$WORK/ledgerstream-gc.log")
LIB="$WORK/libasyncProfiler.so"
if [ "$PROFILE" != none ]; then
  java -cp "$BENCH_CP" io.ledgerstream.bench.profile.ProfilerControl "$LEDGERSTREAM_PID" "$LIB" \
    "start,event=$PROFILE,interval=${PROFILE_INTERVAL:-5ms},threads"
fi
echo "produce: $(perf "$RECORDS")"
if [ "$PROFILE" != none ]; then
  java -cp "$BENCH_CP" io.ledgerstream.bench.profile.ProfilerControl "$LEDGERSTREAM_PID" "$LIB" \
    "stop,file=$KEEP/$PROFILE.collapsed,collapsed"
fi
scrape "$WORK/after"
tail -n "+$((gc_from + 1))" "$WORK/ledgerstream-gc.log" > "$WORK/gc-measured.log"
stop "$LEDGERSTREAM_PID"

# The mean of each step: (sum after - sum before) / (count after - count before) of the series named, successes only.
awk '
  function key(line,   name) { name = $2; sub(/\{.*/, "", name); return $1 " " name }
  /success="false"/ { next }
  $2 ~ /(_sum|_count)(\{.*)?$/ && ($2 !~ /request_duration/ || $2 ~ /api="Produce"/) {
    v = $NF; k = key($0); if (FILENAME ~ /before$/) b[k] += v; else a[k] += v
  }
  function mean(src, name) { c = a[src " " name "_count"] - b[src " " name "_count"]; return c > 0 ? (a[src " " name "_sum"] - b[src " " name "_sum"]) / c : 0 }
  function count(src, name) { return a[src " " name "_count"] - b[src " " name "_count"] }
  END {
    req = 1000 * mean("broker", "ledgerstream_request_duration_seconds")
    app = 1000 * mean("broker", "ledgerstream_bookie_append_duration_seconds")
    add = mean("bookie", "bookkeeper_server_ADD_ENTRY")
    printf "an acknowledgement, mean over the measured run (%d produce requests, %d appends, %d bookie adds, %d fsyncs):\n", count("broker", "ledgerstream_request_duration_seconds"), count("broker", "ledgerstream_bookie_append_duration_seconds"), count("bookie", "bookkeeper_server_ADD_ENTRY"), count("bookie", "bookie_journal_JOURNAL_SYNC")
    printf "  produce request in the broker, dispatch to response          %6.2f ms\n", req
    printf "    the broker'\''s own: decode, validation, queue, ordering, response %6.2f ms\n", req - app
    printf "    BookKeeper append, the client to the ack quorum of two      %6.2f ms\n", app
    printf "      a bookie'\''s add, request in to response out              >= %5.2f ms\n", add
    printf "        write-thread queue                                   >= %5.2f ms\n", mean("bookie", "bookkeeper_server_WRITE_THREAD_QUEUED_LATENCY")
    printf "        journal: queue                                       >= %5.2f ms\n", mean("bookie", "bookie_journal_JOURNAL_QUEUE_LATENCY")
    printf "        journal: fsync (%.2f entries each)                   >= %5.2f ms\n", mean("bookie", "bookie_journal_JOURNAL_FORCE_WRITE_BATCH_ENTRIES"), mean("bookie", "bookie_journal_JOURNAL_SYNC")
    printf "      between client and bookies: network, threads, the slower of two <= %5.2f ms\n", app - add
  }' "$WORK/before" "$WORK/after"

# The collector's pauses over the measured run.
gc_summary "$WORK/gc-measured.log"

if [ "$PROFILE" != none ]; then
  # CPU (or allocation) by thread, the numbers in thread names folded; then the hottest frames, self and inclusive.
  awk '{ n = $NF; $NF = ""; split($0, f, ";"); t = f[1]; gsub(/[0-9]+/, "N", t); sub(/ tid=N\]/, "]", t)
         by[t] += n; total += n }
       END { for (t in by) printf "%6.1f%% %s\n", 100 * by[t] / total, t }' "$KEEP/$PROFILE.collapsed" \
    | sort -rn | head -15 | sed "1i $PROFILE by thread:"
  awk '{ n = $NF; $NF = ""; sub(/ $/, ""); k = split($0, f, ";"); self[f[k]] += n; total += n
         delete seen; for (i = 2; i <= k; i++) if (!(f[i] in seen)) { seen[f[i]] = 1; incl[f[i]] += n } }
       END { for (x in self) printf "self %6.1f%% %s\n", 100 * self[x] / total, x
             for (x in incl) printf "incl %6.1f%% %s\n", 100 * incl[x] / total, x }' "$KEEP/$PROFILE.collapsed" \
    > "$WORK/frames"
  echo "$PROFILE, hottest frames (self):"; grep '^self' "$WORK/frames" | sort -k2 -rn | head -25 | cut -c6-180
  echo "$PROFILE, widest frames (inclusive):"; grep '^incl' "$WORK/frames" | sort -k2 -rn | head -40 | cut -c6-180
  echo "collapsed stacks: $KEEP/$PROFILE.collapsed"
fi
