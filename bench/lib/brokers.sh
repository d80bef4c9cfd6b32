# Sourced by the comparison scripts in bench/: builds what they run, and starts our standalone platform or an
# Apache Kafka 4.1.1 broker (single node, KRaft) on loopback. The caller sets ROOT and WORK and traps cleanup.
# Our broker's log of every run goes to $WORK/ledgerstream.log, each start appended under a line of its own;
# KEEP_LEDGERSTREAM_LOG=FILE keeps a copy of it when the script ends.
# awk functions the scripts' summaries share: median(list of space-separated numbers) and fmt(ratio to 2 places).
# shellcheck disable=SC2016
AWK_MEDIAN='
  function median(list,   n, s, i, j, t) {
    n = split(list, s, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && s[j - 1] + 0 > s[j] + 0; j--) { t = s[j]; s[j] = s[j - 1]; s[j - 1] = t }
    if (n == 0) return "n/a"
    return (n % 2) ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
  }
  function fmt(x) { return x == "n/a" ? x : sprintf("%.2f", x) }
'
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${KEEP_LEDGERSTREAM_LOG:-}" ] && [ -f "$WORK/ledgerstream.log" ]; then
    cp "$WORK/ledgerstream.log" "$KEEP_LEDGERSTREAM_LOG"
  fi
  rm -rf "$WORK"
}

build_all() {
  echo "Building Ledgerstream and resolving Apache Kafka 4.1.1 ..." >&2
  (cd "$ROOT" && mvn -B -q -DskipTests -pl launcher,bench -am package) >&2
  (cd "$ROOT/bench/kafka" && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$WORK/kafka-cp.txt") >&2
  KCP="$(cat "$WORK/kafka-cp.txt")"
  cat > "$WORK/log4j2.xml" <<'XML'
<Configuration status="WARN"><Appenders><Console name="c" target="SYSTEM_ERR"><PatternLayout pattern="%d{HH:mm:ss} %-5level %c{1} - %msg%n"/></Console></Appenders>
<Loggers><Root level="ERROR"><AppenderRef ref="c"/></Root></Loggers></Configuration>
XML
  KJAVA=(java -Xmx1g "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$KCP")
  BENCH_CP="$ROOT/bench/target/ledgerstream-bench.jar:$(cat "$ROOT/bench/target/classpath.txt")"
}

wait_port() {
  for _ in $(seq 1 240); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.5
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# start_ledgerstream [ARGUMENT...]: the standalone platform on 127.0.0.1:19092, the arguments added to its command
# line (e.g. --set KEY=VALUE); sets LEDGERSTREAM_PID (the platform's JVM: bin/ledgerstream execs java). Its collector
# logs every pause to $WORK/ledgerstream-gc.log (made anew at each start; see gc_summary).
start_ledgerstream() {
  echo "--- $(date '+%F %T') start_ledgerstream $*" >> "$WORK/ledgerstream.log"
  LEDGERSTREAM_JAVA_OPTS="${LEDGERSTREAM_JAVA_OPTS:-} -Xlog:gc,gc+phases:file=$WORK/ledgerstream-gc.log" "$ROOT/bin/ledgerstream" standalone --data-dir "$WORK/ledgerstream" --kafka-port 19092 --zookeeper-port 12181 \
    --bookie-port 13181 --set group.initial.rebalance.delay.ms=0 "$@" >> "$WORK/ledgerstream.log" 2>&1 &
  LEDGERSTREAM_PID=$!
  PIDS+=("$LEDGERSTREAM_PID")
  wait_port 19092
}

# start_kafka NAME EXTRA_PROPERTIES: a fresh Kafka broker on 127.0.0.1:29092 (properties one a line); sets KAFKA_PID
# (the broker's JVM).
start_kafka() {
  local dir="$WORK/$1"
  mkdir -p "$dir"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:29093
listeners=PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093
advertised.listeners=PLAINTEXT://127.0.0.1:29092
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
$2
PROPS
  "${KJAVA[@]}" kafka.tools.StorageTool format -t "$("${KJAVA[@]}" kafka.tools.StorageTool random-uuid)" \
    -c "$dir/server.properties" >/dev/null
  "${KJAVA[@]}" kafka.Kafka "$dir/server.properties" > "$dir/kafka.log" 2>&1 &
  KAFKA_PID=$!
  PIDS+=("$KAFKA_PID")
  wait_port 29092
}

# stop PID: stops a broker started above and waits for it.
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# cpu_snapshot NAME: saves the CPU used so far by the broker of run NAME (ours for names starting with
# "ledgerstream", Kafka's otherwise), for cpu_report.
cpu_snapshot() {
  java -cp "$BENCH_CP" io.ledgerstream.bench.CpuByThread snapshot "$(broker_pid "$1")" "$WORK/$1.cpu-snapshot"
}

# cpu_report NAME RECORDS PRODUCER_CPU_FILE: one line, the broker's CPU a record since cpu_snapshot NAME (in all and
# by thread group), then the producer's (user and system seconds, from timed_cpu).
cpu_report() {
  local broker producer
  broker="$(CLK_TCK="$(getconf CLK_TCK)" java -cp "$BENCH_CP" io.ledgerstream.bench.CpuByThread report \
    "$WORK/$1.cpu-snapshot" "$(broker_pid "$1")" "$2" broker)"
  producer="$(awk -v n="$2" '{ printf "producer CPU: %.1f µs a record (%.1f s)", ($1 + $2) * 1e6 / n, $1 + $2 }' "$3")"
  echo "$producer; $broker"
}

# broker_pid NAME: the process of the broker that run NAME measures.
broker_pid() {
  case "$1" in ledgerstream*) echo "$LEDGERSTREAM_PID" ;; *) echo "$KAFKA_PID" ;; esac
}

# timed_cpu FILE COMMAND...: runs COMMAND and writes the user and system CPU seconds it used to FILE.
timed_cpu() {
  # The C locale: a decimal point that awk reads, whatever the user's locale.
  local out="$1" TIMEFORMAT='%U %S' LC_ALL=C
  shift
  { time "$@" 2>&3; } 3>&2 2> "$out"
}

# gc_summary GC_LOG: one line on the collector's pauses in a -Xlog:gc,gc+phases log (G1's "Pause Young", ZGC's
# "Pause Mark Start" and the like): count, total, max, p99 and median; then ZGC's allocation stalls (a thread waiting
# for memory the collector has not freed yet), if any: count and max.
gc_summary() {
  { grep -E '\] GC\([0-9]+\) Pause ' "$1" || true; } | grep -oE '[0-9.]+ms$' | tr -d 'ms' | sort -n \
    | awk '{ p[NR] = $1; s += $1 } END { if (NR == 0) { printf "collector: no pause"; exit }
        i = int(NR * 0.99); if (i < 1) i = 1
        printf "collector: %d pauses, total %.1f ms, max %.2f ms, p99 %.2f ms, median %.2f ms", NR, s, p[NR], p[i], p[int((NR + 1) / 2)] }'
  { grep -E 'Allocation Stall' "$1" || true; } | grep -oE '[0-9.]+ms$' | tr -d 'ms' | sort -n \
    | awk '{ m = $1 } END { if (NR > 0) printf "; %d allocation stalls, max %.2f ms", NR, m }'
  echo
}

# in_rounds RUN_FUNCTION: runs RUN_FUNCTION NAME BOOTSTRAP REPLICATION_FACTOR against our platform, Kafka with fsync
# and Kafka with default flushing, $ROUNDS times (default 2), alternating the order so that no broker always runs
# first (on a cold machine) or last. Each broker starts fresh for each run, ours with the arguments in the array
# LEDGERSTREAM_ARGS (if set), Kafka with the properties in KAFKA_PROPS (if set; one a line, after the others, so they
# win). SKIP_KAFKA_DEFAULT=1 leaves Kafka with default flushing out, SKIP_KAFKA_FSYNC=1 Kafka with fsync. After each
# of our runs, the pauses of our broker's collector over the run (gc_summary) are printed and appended to
# $WORK/ledgerstream.gc.
in_rounds() {
  local run_one="$1"
  run_ours() { start_ledgerstream ${LEDGERSTREAM_ARGS[@]+"${LEDGERSTREAM_ARGS[@]}"}; "$run_one" ledgerstream 127.0.0.1:19092 2; stop "$LEDGERSTREAM_PID"; printf '%-26s %s\n' "ledgerstream GC:" "$(gc_summary "$WORK/ledgerstream-gc.log" | tee -a "$WORK/ledgerstream.gc")"; rm -rf "$WORK/ledgerstream"; }
  run_kafka_fsync() { [ "${SKIP_KAFKA_FSYNC:-0}" != 1 ] || return 0; start_kafka kafka-fsync "log.flush.interval.messages=1"$'\n'"${KAFKA_PROPS:-}"; "$run_one" kafka-fsync 127.0.0.1:29092 1; stop "$KAFKA_PID"; rm -rf "$WORK/kafka-fsync"; }
  run_kafka_default() { [ "${SKIP_KAFKA_DEFAULT:-0}" != 1 ] || return 0; start_kafka kafka-default "${KAFKA_PROPS:-}"; "$run_one" kafka-default 127.0.0.1:29092 1; stop "$KAFKA_PID"; rm -rf "$WORK/kafka-default"; }
  for round in $(seq 1 "${ROUNDS:-2}"); do
    if [ $((round % 2)) -eq 1 ]; then
      run_ours; run_kafka_fsync; run_kafka_default
    else
      run_kafka_default; run_kafka_fsync; run_ours
    fi
  done
}
