#!/usr/bin/env bash
# Start, stop or use a standalone Flink 2.2 session cluster (one JobManager, one TaskManager) run as
# plain processes on 127.0.0.1, assembled from Maven artifacts (no Flink distribution needed).
#
#   scripts/flink-cluster.sh start|stop|status
#   scripts/flink-cluster.sh submit JAR [JOB ARGS...]   same as: flink run -d JAR [JOB ARGS...]
#   scripts/flink-cluster.sh flink ARGS...              the flink CLI against this cluster
#                                                       (list, cancel, stop --savepointPath, run -s)
#
# The cluster runs with the project's flink-conf/config.yaml, overriding only what one machine
# needs: ports, local checkpoint/savepoint directories, the number of slots.
#
# Environment (all optional):
#   SENDFLOWR_RUN_DIR                base directory (default /tmp/sendflowr-services)
#   SENDFLOWR_FLINK_DIR              this cluster's directory (default $SENDFLOWR_RUN_DIR/flink)
#   SENDFLOWR_FLINK_REST_PORT        REST API and web UI (default 18081)
#   SENDFLOWR_FLINK_RPC_PORT         JobManager RPC (default 16123)
#   SENDFLOWR_FLINK_METRICS_PORTS    Prometheus reporter port range (default 19249-19260)
#   SENDFLOWR_FLINK_SLOTS            TaskManager slots (default 4)
#   SENDFLOWR_FLINK_TM_MEMORY        TaskManager process memory (default 1536m)
#   SENDFLOWR_KEEP_DATA=1            `stop` keeps checkpoints, savepoints and logs
#   SENDFLOWR_STOP_WITH_PID          stop the cluster when that process exits (tests)
#
# `start` builds the cluster's classpath with Maven when it is missing, is idempotent, waits until
# the TaskManager has registered, and writes the REST URL to $SENDFLOWR_RUN_DIR/flink-cluster.env.
set -euo pipefail

SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
ROOT="$(cd "$(dirname "$SCRIPT")/.." && pwd)"
# shellcheck source=lib.sh
. "$(dirname "$SCRIPT")/lib.sh"

DIR="${SENDFLOWR_FLINK_DIR:-$SF_RUN_DIR/flink}"
CONF="$DIR/conf"
REST_PORT="${SENDFLOWR_FLINK_REST_PORT:-18081}"
RPC_PORT="${SENDFLOWR_FLINK_RPC_PORT:-16123}"
METRICS_PORTS="${SENDFLOWR_FLINK_METRICS_PORTS:-19249-19260}"
SLOTS="${SENDFLOWR_FLINK_SLOTS:-4}"
TM_MEMORY="${SENDFLOWR_FLINK_TM_MEMORY:-1536m}"
ENV_FILE="$SF_RUN_DIR/flink-cluster.env"
CLASSPATH_FILE="$ROOT/flink-cluster/target/cluster-classpath.txt"

# What Flink's own scripts pass on Java 17 (Kryo, RocksDB and the network stack use reflection).
JAVA_OPENS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.sql/java.sql=ALL-UNNAMED
)

classpath() {
  if [[ ! -f $CLASSPATH_FILE ]]; then
    sf_log "building the cluster classpath and the job jars (mvn package -pl flink-cluster -am)"
    (cd "$ROOT" && mvn -B -q -ntp -DskipTests -Dspotless.check.skip=true -pl flink-cluster -am package >&2)
  fi
  cat "$CLASSPATH_FILE"
}

rest_ok() {
  curl -sf --max-time 2 "http://127.0.0.1:$REST_PORT/overview" >/dev/null 2>&1
}

taskmanager_registered() {
  curl -sf --max-time 2 "http://127.0.0.1:$REST_PORT/taskmanagers" 2>/dev/null | grep -q '"id"'
}

# config.yaml plus flat keys appended at its end: Flink reads the file top to bottom, so these win
# over the nested values above them (the cluster test checks the REST port and checkpoint dir).
write_conf() {
  mkdir -p "$CONF" "$DIR/log" "$DIR/tmp" "$DIR/checkpoints" "$DIR/savepoints"
  cp "$ROOT/flink-conf/config.yaml" "$CONF/config.yaml"
  cat >>"$CONF/config.yaml" <<YAML

# --- single-machine overrides written by scripts/flink-cluster.sh ---
rest.port: $REST_PORT
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $RPC_PORT
jobmanager.bind-host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.host: 127.0.0.1
taskmanager.numberOfTaskSlots: $SLOTS
taskmanager.memory.process.size: $TM_MEMORY
jobmanager.memory.process.size: 1024m
execution.checkpointing.dir: file://$DIR/checkpoints
execution.checkpointing.savepoint-dir: file://$DIR/savepoints
metrics.reporter.prom.port: $METRICS_PORTS
io.tmp.dirs: $DIR/tmp
YAML
  cat >"$CONF/log4j.properties" <<'LOG'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FileAppender
appender.file.name = FileAppender
appender.file.type = FILE
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
LOG
}

# BashJavaUtils prints lines prefixed BASH_JAVA_UTILS_EXEC_RESULT: the JVM flags, then the
# dynamic -D settings the process must be started with (what Flink's own scripts do).
resource_params() {
  java -cp "$1" org.apache.flink.runtime.util.bash.BashJavaUtils "$2" --configDir "$CONF" 2>/dev/null \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

start_process() {
  local name=$1 cp=$2 main=$3; shift 3
  local params jvm dynamic
  params=$(resource_params "$cp" "$([[ $name == jobmanager ]] && echo GET_JM_RESOURCE_PARAMS || echo GET_TM_RESOURCE_PARAMS)")
  jvm=$(sed -n 1p <<<"$params")
  dynamic=$(sed -n 2p <<<"$params")
  [[ -n $jvm ]] || sf_die "could not compute the $name's memory settings from $CONF/config.yaml"
  # shellcheck disable=SC2086 # the flags are space-separated words by design
  setsid java $jvm "${JAVA_OPENS[@]}" \
    -Dlog.file="$DIR/log/$name.log" -Dlog4j.configurationFile="$CONF/log4j.properties" \
    -cp "$cp" "$main" --configDir "$CONF" $dynamic "$@" \
    </dev/null >"$DIR/log/$name.out" 2>&1 &
  echo $! >"$DIR/$name.pid"
}

start() {
  if sf_pid_alive "$DIR/jobmanager.pid" && rest_ok; then
    sf_log "already running at http://127.0.0.1:$REST_PORT"
  else
    sf_port_in_use "$REST_PORT" && sf_die "port $REST_PORT is taken (set SENDFLOWR_FLINK_REST_PORT)"
    local cp
    cp=$(classpath)
    write_conf
    start_process jobmanager "$cp" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
    sf_wait_until 60 rest_ok || { tail -50 "$DIR/log/jobmanager.log" >&2 || true; sf_die "the JobManager did not come up"; }
    start_process taskmanager "$cp" org.apache.flink.runtime.taskexecutor.TaskManagerRunner
    sf_wait_until 60 taskmanager_registered \
      || { tail -50 "$DIR/log/taskmanager.log" >&2 || true; sf_die "the TaskManager did not register"; }
    sf_watch_parent "$SCRIPT" "$DIR"
  fi
  mkdir -p "$SF_RUN_DIR"
  cat >"$ENV_FILE" <<ENV
SENDFLOWR_FLINK_REST_URL=http://127.0.0.1:$REST_PORT
SENDFLOWR_FLINK_CONF_DIR=$CONF
SENDFLOWR_FLINK_SAVEPOINT_DIR=file://$DIR/savepoints
SENDFLOWR_FLINK_DIR=$DIR
ENV
  sf_log "Flink session cluster at http://127.0.0.1:$REST_PORT (logs in $DIR/log)"
}

stop() {
  sf_stop_watcher "$DIR"
  sf_kill_pidfile "$DIR/taskmanager.pid" 30
  sf_kill_pidfile "$DIR/jobmanager.pid" 30
  sf_forget_server "$DIR" "$ENV_FILE" SENDFLOWR_FLINK_DIR
  sf_log "stopped"
}

flink_cli() {
  [[ -f $CONF/config.yaml ]] || sf_die "no cluster configured in $DIR: run start first"
  FLINK_CONF_DIR="$CONF" exec java "${JAVA_OPENS[@]}" -Dlog.file="$DIR/log/client.log" \
    -Dlog4j.configurationFile="$CONF/log4j.properties" \
    -cp "$(classpath)" org.apache.flink.client.cli.CliFrontend "$@"
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  start) start ;;
  stop) stop ;;
  status)
    if rest_ok; then curl -s "http://127.0.0.1:$REST_PORT/overview"; echo; else echo "not running"; exit 1; fi
    ;;
  submit) flink_cli run -d "$@" ;;
  flink) flink_cli "$@" ;;
  *) sed -n '2,8p' "$SCRIPT" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
