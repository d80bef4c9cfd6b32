#!/usr/bin/env bash
# Entry point of the test Flink image: `jobmanager` (a session cluster's JobManager) or `taskmanager`, configured
# as Flink's own image is: FLINK_PROPERTIES holds config.yaml lines ("key: value", one a line) that win over the
# defaults below, JOB_MANAGER_RPC_ADDRESS names the JobManager (default: this host) and
# TASK_MANAGER_NUMBER_OF_TASK_SLOTS the slots. Like Flink's start scripts, it asks Flink's BashJavaUtils for the
# memory flags the configuration implies, then runs Flink's own entry class in the foreground, logging to the console.
set -euo pipefail

FLINK_HOME="${FLINK_HOME:-/opt/flink}"
CONF_DIR="$FLINK_HOME/conf"
# The module access Flink grants its JVMs on Java 17 (env.java.opts.all of its default configuration).
MODULE_ACCESS=(--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED)

write_config() {
  {
    cat <<CONF
jobmanager.rpc.address: ${JOB_MANAGER_RPC_ADDRESS:-$HOSTNAME}
jobmanager.rpc.port: 6123
jobmanager.bind-host: 0.0.0.0
jobmanager.memory.process.size: 1600m
taskmanager.bind-host: 0.0.0.0
taskmanager.memory.process.size: 1728m
taskmanager.numberOfTaskSlots: ${TASK_MANAGER_NUMBER_OF_TASK_SLOTS:-1}
parallelism.default: 1
rest.address: 0.0.0.0
rest.bind-address: 0.0.0.0
blob.server.port: 6124
query.server.port: 6125
CONF
    printf '%s\n' "${FLINK_PROPERTIES:-}"
  } | awk '
    # Keeps the last value given for each key, in the order keys first appear; YAML refuses a key twice.
    /^[[:space:]]*(#|$)/ { next }
    {
      key = $0; sub(/[[:space:]]*:.*/, "", key)
      if (!(key in value)) order[++n] = key
      value[key] = $0
    }
    END { for (i = 1; i <= n; i++) print value[order[i]] }' >"$CONF_DIR/config.yaml"
  cat >"$CONF_DIR/log4j2-console.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN" monitorInterval="30">
  <Appenders>
    <Console name="console" target="SYSTEM_OUT">
      <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Logger name="org.apache.pekko" level="WARN"/>
    <Logger name="org.apache.kafka" level="WARN"/>
    <Root level="INFO"><AppenderRef ref="console"/></Root>
  </Loggers>
</Configuration>
XML
}

run() {
  local entry_class="$1" resources="$2" classpath results
  classpath="$(sed "s|^|$FLINK_HOME/lib/|" "$FLINK_HOME/lib/classpath" | paste -sd:)"
  results="$(java -cp "$classpath" org.apache.flink.runtime.util.bash.BashJavaUtils "$resources" \
      --configDir "$CONF_DIR" 2>&1 | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p')"
  local jvm_params dynamic_configs
  jvm_params="$(sed -n 1p <<<"$results")"
  dynamic_configs="$(sed -n 2p <<<"$results")"
  if [ -z "$jvm_params" ]; then
    echo "flink-entrypoint: Flink's BashJavaUtils gave no memory settings; check FLINK_PROPERTIES" >&2
    exit 1
  fi
  echo "flink-entrypoint: config.yaml:" >&2
  sed 's/^/  /' "$CONF_DIR/config.yaml" >&2
  # shellcheck disable=SC2086
  exec java $jvm_params "${MODULE_ACCESS[@]}" -Dlog4j.configurationFile="file:$CONF_DIR/log4j2-console.xml" \
    -cp "$classpath" "$entry_class" --configDir "$CONF_DIR" $dynamic_configs
}

case "${1:-help}" in
  jobmanager)
    write_config
    run org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS
    ;;
  taskmanager)
    write_config
    run org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS
    ;;
  help)
    echo "Usage: $(basename "$0") (jobmanager|taskmanager|help)"
    ;;
  *)
    exec "$@"
    ;;
esac
