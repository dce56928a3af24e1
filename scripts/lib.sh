#!/usr/bin/env bash
# Shared helpers for the service scripts (clickhouse.sh, postgres.sh). Source it; do not run it.
#
# Common environment:
#   SENDFLOWR_RUN_DIR        where services keep data, logs and env files
#                            (default /tmp/sendflowr-services: readable by the postgres user, and
#                            outside the source tree so `mvn clean` never deletes a live database)
#   SENDFLOWR_STOP_WITH_PID  if set, the service is stopped when that process exits (used by the
#                            test extensions so a killed test JVM does not leave servers behind)

SF_RUN_DIR="${SENDFLOWR_RUN_DIR:-/tmp/sendflowr-services}"

sf_log() { echo "[$(basename "$0")] $*" >&2; }
sf_die() { sf_log "ERROR: $*"; exit 1; }

# sf_port_in_use PORT -> 0 if something listens on 127.0.0.1:PORT
sf_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# sf_wait_until SECONDS COMMAND... -> 0 once COMMAND succeeds, 1 after SECONDS
sf_wait_until() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.2
  done
}

# sf_apt_install PACKAGE... installs Debian packages, running `apt-get update` at most once a day.
sf_apt_install() {
  command -v apt-get >/dev/null 2>&1 || sf_die "apt-get is not available; install $* yourself"
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || sf_die "need root (or sudo) to install $*"
    sudo="sudo"
  fi
  local marker=/tmp/.sendflowr-apt-updated
  if [[ ! -f $marker ]] || [[ -n $(find "$marker" -mmin +1440 2>/dev/null) ]]; then
    sf_log "apt-get update"
    $sudo apt-get update -qq >&2 || sf_die "apt-get update failed"
    touch "$marker"
  fi
  sf_log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2 \
    || sf_die "apt-get install $* failed"
}

# sf_pid_alive PIDFILE -> 0 if the pid in PIDFILE is a running process
sf_pid_alive() {
  [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

# sf_kill_pidfile PIDFILE SECONDS: TERM, wait, then KILL.
sf_kill_pidfile() {
  local pidfile=$1 seconds=${2:-20} pid
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! sf_wait_until "$seconds" bash -c "! kill -0 $pid 2>/dev/null"; then
      sf_log "process $pid did not stop after ${seconds}s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

# sf_watch_parent SCRIPT DIR: when SENDFLOWR_STOP_WITH_PID is set, run `SCRIPT stop` once that
# process is gone. The watcher's pid goes to DIR/watcher.pid.
sf_watch_parent() {
  local script=$1 dir=$2 parent=${SENDFLOWR_STOP_WITH_PID:-}
  [[ -n $parent ]] || return 0
  setsid bash -c '
    while kill -0 "$0" 2>/dev/null && [[ -d "$2" ]]; do sleep 2; done
    [[ -d "$2" ]] && "$1" stop >/dev/null 2>&1
  ' "$parent" "$script" "$dir" </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/watcher.pid"
}

# sf_stop_watcher DIR
sf_stop_watcher() {
  if [[ -f $1/watcher.pid ]]; then
    kill "$(cat "$1/watcher.pid")" 2>/dev/null || true
    rm -f "$1/watcher.pid"
  fi
}

# Removes a stopped server's run directory (unless SENDFLOWR_KEEP_DATA=1) and its env file, but
# only if the env file still describes this server (MARKER_VAR=DIR), not a newer one.
sf_forget_server() {
  local dir=$1 env_file=$2 marker=$3
  if [[ ${SENDFLOWR_KEEP_DATA:-0} != 1 ]]; then
    rm -rf "$dir"
  fi
  if [[ -f $env_file ]] && grep -q "^$marker=$dir\$" "$env_file"; then
    rm -f "$env_file"
  fi
}
