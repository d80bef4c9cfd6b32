#!/usr/bin/env bash
# Catch-up reads: a consumer reading a whole topic from its beginning, long after it was written, from our bookies
# against Apache Kafka 4.1.1 (single node, KRaft) from its disk. Each run, on a fresh broker: ProducerPerformance
# writes RECORDS (default 100,000) records of 1 KiB (some 100 MB) to a topic of 3 partitions (ours replication
# factor 2, every entry on two bookies; Kafka with default flushing); then, where this user may (root), the page cache
# is dropped (sync; echo 3 > /proc/sys/vm/drop_caches) so that both read from the disk; then ConsumerPerformance
# reads the topic from the beginning. Our broker runs with a tail cache of 1 MiB (log.cache.bytes), so nearly every
# batch comes from the bookies (read-ahead, DbLedgerStorage's read path, loopback TCP), as for a consumer far behind.
# In rounds of alternating order (ROUNDS, default 2). Prints each run's MB/s over the whole run and over the fetching
# alone, then per round the ratios ours/Kafka (above 1: ours faster) and their medians.
# Usage: bench/catch-up.sh [records]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RECORDS="${1:-100000}"
WORK="$(mktemp -d /tmp/ledgerstream-catch-up.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
build_all

# drop_page_cache: writes everything out and drops the page cache, when this user may; says which.
drop_page_cache() {
  sync
  if [ -w /proc/sys/vm/drop_caches ]; then
    echo 3 > /proc/sys/vm/drop_caches
    echo dropped
  else
    echo kept
  fi
}

# catch_up NAME BOOTSTRAP REPLICATION_FACTOR: one run; its line appended to $WORK/NAME.catchup.
catch_up() {
  "${KJAVA[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$2" --create --topic perf \
    --partitions 3 --replication-factor "$3" > "$WORK/topic.out" 2>&1 || { cat "$WORK/topic.out" >&2; return 1; }
  "${KJAVA[@]}" org.apache.kafka.tools.ProducerPerformance --topic perf --num-records "$RECORDS" --record-size 1024 \
    --throughput -1 --producer-props "bootstrap.servers=$2" acks=all > /dev/null
  local cache line
  cache="$(drop_page_cache)"
  # ConsumerPerformance's line: start, end, MB, MB/s, records, records/s, rebalance ms, fetch ms, fetch MB/s, ...
  line="$("${KJAVA[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$2" --topic perf \
    --messages "$RECORDS" --timeout 120000 | tail -1)"
  echo "$line" >> "$WORK/$1.catchup"
  printf '%-14s catch-up (page cache %s): %s MB/s, fetching alone %s MB/s\n' "$1" "$cache" \
    "$(echo "$line" | awk -F', ' '{print $4}')" "$(echo "$line" | awk -F', ' '{print $9}')"
}

LEDGERSTREAM_ARGS=(--set log.cache.bytes=1048576)
# shellcheck disable=SC2034
SKIP_KAFKA_FSYNC=1
in_rounds catch_up

echo
echo "Catch-up of $RECORDS records of 1 KiB from the beginning, ratios ours/Kafka (above 1: ours faster):"
paste -d ' ' <(awk -F', ' '{print $4, $9}' "$WORK/ledgerstream.catchup") \
  <(awk -F', ' '{print $4, $9}' "$WORK/kafka-default.catchup") | awk "$AWK_MEDIAN"'
  { r = $1 / $3; f = $2 / $4
    printf "round %d: whole run %.2f (%s vs %s MB/s), fetching alone %.2f (%s vs %s MB/s)\n", NR, r, $1, $3, f, $2, $4
    R = R " " r; F = F " " f }
  END { printf "medians of the ratios: whole run %s, fetching alone %s\n", fmt(median(R)), fmt(median(F)) }'
