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
#               ignored. Defaults here: listeners PLAINTEXT://0.0.0.0:9092, advertised as the host name.
#   standalone  `ledgerstream standalone`, data in /var/lib/ledgerstream/standalone; KAFKA_<KEY> as for broker.
#               Defaults here: listeners PLAINTEXT://0.0.0.0:9092 advertised as localhost:9092 (publish 9092).
# Arguments after the role are passed on (e.g. `broker --set log.retention.ms=60000`, which wins over KAFKA_*).
# Anything else runs as given when it is a program (sh, healthcheck, ...), otherwise as a ledgerstream command
# (create-topics, submit, --help, ...).
#
# LEDGERSTREAM_JAVA_OPTS   JVM options such as the heap size.
# LEDGERSTREAM_WAIT_FOR    addresses to wait for before starting: groups separated by spaces, each a comma-separated
#                          list of host:port of which one must answer ("broker-1:9092,broker-2:9092 jobmanager:8081").
#                          The roles wait for their ZooKeeper the same way.
# LEDGERSTREAM_WAIT_SECONDS   how long all waiting may take (120); then the command starts anyway and reports
#                          what it cannot reach.
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
  local group address
  for group in ${1//;/ }; do
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

reachable() {
  local address
  for address in ${1//,/ }; do
    if timeout 2 bash -c "exec 3<>/dev/tcp/${address%:*}/${address##*:}" 2>/dev/null; then
      return 0
    fi
  done
  return 1
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

# The port of the first listener in a Kafka listeners list.
first_listener_port() {
  local first="${1%%,*}"
  echo "${first##*:}"
}

broker_health() {
  local metrics_port="${KAFKA_METRICS_HTTP_PORT:-}"
  if [ -n "$metrics_port" ] && [ "$metrics_port" != 0 ]; then
    echo "http $metrics_port /ready" >"$HEALTH_FILE"
  else
    echo "tcp $(first_listener_port "$KAFKA_LISTENERS")" >"$HEALTH_FILE"
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
  echo "zookeeper $port" >"$HEALTH_FILE"
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
  echo "tcp ${BOOKIE_PORT:-3181}" >"$HEALTH_FILE"
  wait_for "${BOOKIE_ZOOKEEPER:-127.0.0.1:2181}"
  exec "$HOME_DIR/bin/ledgerstream" bookie "${args[@]}" "$@"
}

run_broker() {
  export KAFKA_LISTENERS="${KAFKA_LISTENERS:-PLAINTEXT://0.0.0.0:9092}"
  export KAFKA_ADVERTISED_LISTENERS="${KAFKA_ADVERTISED_LISTENERS:-PLAINTEXT://$HOSTNAME:9092}"
  local args=()
  kafka_settings args
  broker_health
  wait_for "${KAFKA_ZOOKEEPER_CONNECT:-127.0.0.1:2181}"
  exec "$HOME_DIR/bin/ledgerstream" broker "${args[@]}" "$@"
}

run_standalone() {
  export KAFKA_LISTENERS="${KAFKA_LISTENERS:-PLAINTEXT://0.0.0.0:9092}"
  export KAFKA_ADVERTISED_LISTENERS="${KAFKA_ADVERTISED_LISTENERS:-PLAINTEXT://localhost:9092}"
  local args=()
  kafka_settings args
  broker_health
  exec "$HOME_DIR/bin/ledgerstream" standalone --data-dir "$DATA_DIR/standalone" "${args[@]}" "$@"
}

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
