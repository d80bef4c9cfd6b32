#!/usr/bin/env bash
# Entry point of the Ledgerstream image. The first argument names a role; the environment configures it.
#
#   zookeeper   ZooKeeper's own server (QuorumPeerMain), data in /var/lib/ledgerstream/zookeeper.
#               ZOO_CLIENT_PORT (2181), ZOO_TICK_TIME (2000), ZOO_INIT_LIMIT (10), ZOO_SYNC_LIMIT (5); for an
#               ensemble ZOO_MY_ID and ZOO_SERVERS ("server.1=zk-1:2888:3888;2181 server.2=zk-2:2888:3888;2181 ...").
#   bookie      `ledgerstream bookie`: BOOKIE_<OPTION> sets --<option>, lower-cased with '_' as '-'
#               (BOOKIE_ZOOKEEPER=zookeeper:2181 is --zookeeper zookeeper:2181). Defaults here: --data-dir
#               /var/lib/ledgerstream/bookie, --advertised-address the container's host name.
#   broker      `ledgerstream broker`: KAFKA_<KEY> sets a broker key as Kafka's images do: KAFKA_ dropped,
#               lower-cased, '___' read as '-', '__' as '_' and '_' as '.' (KAFKA_ZOOKEEPER_CONNECT is
#               zookeeper.connect). KAFKA_*_OPTS are not keys (Kafka's images read them as JVM options) and are
#               ignored. Defaults here: listeners PLAINTEXT://0.0.0.0:9092; advertised listeners the listeners
#               with an empty or 0.0.0.0 host replaced by the host name; metrics.http.host 0.0.0.0.
#   standalone  `ledgerstream standalone`, data in /var/lib/ledgerstream/standalone; KAFKA_<KEY> as for broker.
#               Defaults as for broker, but a listener on every interface is advertised as localhost (publish
#               its port: PLAINTEXT://localhost:9092 by default).
# Arguments after the role are passed on (e.g. `broker --set log.retention.ms=60000`, which wins over KAFKA_*);
# the defaults above and the healthcheck see a --set too, not the keys of a --config file.
# Anything else runs as given when it is a program (sh, healthcheck, ...), otherwise as a ledgerstream command
# (create-topics, submit, --help, ...).
#
# LEDGERSTREAM_JAVA_OPTS   JVM options such as the heap size.
# LEDGERSTREAM_WAIT_FOR    addresses to wait for before starting: groups separated by spaces, each a comma-separated
#                          list of host:port of which one must answer ("broker-1:9092,broker-2:9092 jobmanager:8081").
#                          The roles wait for their ZooKeeper the same way.
# LEDGERSTREAM_WAIT_SECONDS   how long all waiting may take (120); then the command starts anyway and reports
#                          what it cannot reach. An address may end in a ZooKeeper chroot (zk:2181/ledgerstream).
#
# Sourced rather than run (tests), it only defines its functions.
set -euo pipefail

HOME_DIR="${LEDGERSTREAM_HOME:-/opt/ledgerstream}"
DATA_DIR=/var/lib/ledgerstream
# What the healthcheck probes, written once the role is known.
HEALTH_FILE=/tmp/ledgerstream-health

log() {
  echo "ledgerstream-entrypoint: $*" >&2
}

# Waits until one address of each group answers, within LEDGERSTREAM_WAIT_SECONDS in all.
wait_for() {
  local deadline=$((SECONDS + ${LEDGERSTREAM_WAIT_SECONDS:-120}))
  local groups group
  read -ra groups <<<"${1//;/ }"
  for group in "${groups[@]}"; do
    until reachable "$group"; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        log "none of $group answered within ${LEDGERSTREAM_WAIT_SECONDS:-120} s; starting anyway"
        return 0
      fi
      sleep 1
    done
    log "reached $group"
  done
}

# Whether one of a comma-separated list of host:port answers (a ZooKeeper chroot after the port is left out).
reachable() {
  local addresses address host port
  IFS=, read -ra addresses <<<"$1"
  for address in "${addresses[@]}"; do
    address="${address%%/*}"
    host="$(unbracketed "${address%:*}")"
    port="${address##*:}"
    if timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; then
      return 0
    fi
  done
  return 1
}

# A host as bash's /dev/tcp takes it: an IPv6 address without its brackets.
unbracketed() {
  local host="${1#\[}"
  echo "${host%\]}"
}

# The environment variables with this prefix, as NAME=VALUE lines (empty values left out).
prefixed() {
  local name
  for name in $(compgen -e); do
    if [[ "$name" == "$1"* && -n "${!name}" ]]; then
      printf '%s\n' "$name"
    fi
  done
}

# KAFKA_<KEY> variables as --set arguments, into the array named by $1.
kafka_settings() {
  local -n out="$1"
  local name key
  for name in $(prefixed KAFKA_); do
    [[ "$name" == *_OPTS ]] && continue
    key="${name#KAFKA_}"
    key="${key,,}"
    key="${key//___/-}"
    key="${key//__/$'\x01'}"
    key="${key//_/.}"
    key="${key//$'\x01'/_}"
    out+=(--set "$key=${!name}")
  done
}

# The value broker key $1 gets: the last `--set $1=VALUE` (or `--set=$1=VALUE`) among the arguments after $2,
# else the environment variable named by $2.
setting() {
  local key="$1" value="${!2:-}" arg after_set=""
  shift 2
  for arg in "$@"; do
    if [ -n "$after_set" ]; then
      after_set=""
      [[ "$arg" == "$key="* ]] && value="${arg#"$key="}"
    elif [ "$arg" = --set ]; then
      after_set=1
    elif [[ "$arg" == "--set=$key="* ]]; then
      value="${arg#"--set=$key="}"
    fi
  done
  printf '%s' "$value"
}

# Advertised listeners for the listeners $1: each as it is, with an empty or 0.0.0.0 host replaced by $2.
advertised_from() {
  local entries entry name address host advertised=()
  IFS=, read -ra entries <<<"$1"
  for entry in "${entries[@]}"; do
    entry="${entry//[[:space:]]/}"
    [ -z "$entry" ] && continue
    name="${entry%%://*}"
    address="${entry#*://}"
    host="${address%:*}"
    if [ -z "$host" ] || [ "$host" = 0.0.0.0 ]; then
      host="$2"
    fi
    advertised+=("$name://$host:${address##*:}")
  done
  local IFS=,
  echo "${advertised[*]}"
}

# The defaults of the broker and standalone roles (see the top), for the role's arguments after $1, the host a
# listener on every interface is advertised as.
kafka_defaults() {
  local everywhere="$1" listeners advertised
  shift
  listeners="$(setting listeners KAFKA_LISTENERS "$@")"
  if [ -z "$listeners" ]; then
    listeners=PLAINTEXT://0.0.0.0:9092
    export KAFKA_LISTENERS="$listeners"
  fi
  if [ -z "$(setting advertised.listeners KAFKA_ADVERTISED_LISTENERS "$@")" ]; then
    advertised="$(advertised_from "$listeners" "$everywhere")"
    export KAFKA_ADVERTISED_LISTENERS="$advertised"
  fi
  export KAFKA_METRICS_HTTP_HOST="${KAFKA_METRICS_HTTP_HOST:-0.0.0.0}"
}

# The address the healthcheck reaches a server bound to host $1 at: loopback for every interface.
probe_host() {
  case "$1" in
    "" | 0.0.0.0 | "[::]" | "::") echo 127.0.0.1 ;;
    *) unbracketed "$1" ;;
  esac
}

# What the healthcheck probes on a broker: /ready on the metrics port when there is one (not off, not a free
# port), else the first listener's port. $1 is the metrics port when none is set; then the role's arguments.
broker_health() {
  local metrics_port first
  metrics_port="$(setting metrics.http.port KAFKA_METRICS_HTTP_PORT "${@:2}")"
  metrics_port="${metrics_port:-$1}"
  if [[ "$metrics_port" =~ ^[0-9]+$ ]] && [ "$metrics_port" -gt 0 ]; then
    echo "http $(probe_host "$(setting metrics.http.host KAFKA_METRICS_HTTP_HOST "${@:2}")") $metrics_port /ready"
  else
    first="$(setting listeners KAFKA_LISTENERS "${@:2}")"
    first="${first%%,*}"
    first="${first#*://}"
    echo "tcp $(probe_host "${first%:*}") ${first##*:}"
  fi
}

run_zookeeper() {
  local conf=/tmp/zoo.cfg port="${ZOO_CLIENT_PORT:-2181}" server
  {
    echo "dataDir=$DATA_DIR/zookeeper"
    echo "clientPort=$port"
    echo "tickTime=${ZOO_TICK_TIME:-2000}"
    echo "initLimit=${ZOO_INIT_LIMIT:-10}"
    echo "syncLimit=${ZOO_SYNC_LIMIT:-5}"
    echo "autopurge.snapRetainCount=3"
    echo "autopurge.purgeInterval=24"
    echo "4lw.commands.whitelist=ruok,srvr,mntr"
    echo "admin.enableServer=false"
    for server in ${ZOO_SERVERS:-}; do
      echo "$server"
    done
  } >"$conf"
  if [ -n "${ZOO_MY_ID:-}" ]; then
    echo "$ZOO_MY_ID" >"$DATA_DIR/zookeeper/myid"
  fi
  echo "zookeeper 127.0.0.1 $port" >"$HEALTH_FILE"
  exec "$HOME_DIR/bin/ledgerstream-java" org.apache.zookeeper.server.quorum.QuorumPeerMain "$conf"
}

run_bookie() {
  local args=() name option
  for name in $(prefixed BOOKIE_); do
    option="${name#BOOKIE_}"
    option="${option,,}"
    args+=("--${option//_/-}" "${!name}")
  done
  [ -z "${BOOKIE_DATA_DIR:-}" ] && args+=(--data-dir "$DATA_DIR/bookie")
  [ -z "${BOOKIE_ADVERTISED_ADDRESS:-}" ] && args+=(--advertised-address "$HOSTNAME")
  echo "tcp 127.0.0.1 ${BOOKIE_PORT:-3181}" >"$HEALTH_FILE"
  wait_for "${BOOKIE_ZOOKEEPER:-127.0.0.1:2181}"
  exec "$HOME_DIR/bin/ledgerstream" bookie "${args[@]}" "$@"
}

run_broker() {
  kafka_defaults "$HOSTNAME" "$@"
  local args=()
  kafka_settings args
  broker_health -1 "$@" >"$HEALTH_FILE"
  wait_for "${KAFKA_ZOOKEEPER_CONNECT:-127.0.0.1:2181}"
  exec "$HOME_DIR/bin/ledgerstream" broker "${args[@]}" "$@"
}

run_standalone() {
  kafka_defaults localhost "$@"
  local args=()
  kafka_settings args
  # The standalone command serves its first broker's metrics on 9404 unless told otherwise.
  broker_health 9404 "$@" >"$HEALTH_FILE"
  exec "$HOME_DIR/bin/ledgerstream" standalone --data-dir "$DATA_DIR/standalone" "${args[@]}" "$@"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  return 0
fi

if [ -n "${LEDGERSTREAM_WAIT_FOR:-}" ]; then
  wait_for "$LEDGERSTREAM_WAIT_FOR"
fi

role="${1:---help}"
case "$role" in
  zookeeper) shift; run_zookeeper ;;
  bookie) shift; run_bookie "$@" ;;
  broker) shift; run_broker "$@" ;;
  standalone) shift; run_standalone "$@" ;;
  *)
    if [[ "$role" != -* ]] && command -v "$role" >/dev/null 2>&1; then
      exec "$@"
    fi
    exec "$HOME_DIR/bin/ledgerstream" "$@"
    ;;
esac
