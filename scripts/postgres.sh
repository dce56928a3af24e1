#!/usr/bin/env bash
# Start, stop or inspect a throwaway PostgreSQL 15 cluster running as a plain process on 127.0.0.1.
#
#   scripts/postgres.sh start|stop|status
#
# Environment (all optional):
#   SENDFLOWR_RUN_DIR          base directory (default /tmp/sendflowr-services)
#   SENDFLOWR_POSTGRES_DIR     this cluster's directory (default $SENDFLOWR_RUN_DIR/postgres)
#   SENDFLOWR_POSTGRES_PORT    port (default 15432)
#   SENDFLOWR_POSTGRES_BIN     directory with initdb/pg_ctl (default: PostgreSQL 15's, else newest)
#   SENDFLOWR_KEEP_DATA=1      `stop` keeps the data directory
#
# `start` is idempotent, waits until the server accepts connections, prints the connection details
# and writes them to $SENDFLOWR_RUN_DIR/postgres.env (KEY=value lines). As root the cluster runs as
# the `postgres` user (PostgreSQL refuses to run as root). Authentication is `trust` on 127.0.0.1:
# this is a disposable development database, never a shared one.
set -euo pipefail

SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
# shellcheck source=lib.sh
. "$(dirname "$SCRIPT")/lib.sh"

DIR="${SENDFLOWR_POSTGRES_DIR:-$SF_RUN_DIR/postgres}"
PORT="${SENDFLOWR_POSTGRES_PORT:-15432}"
ENV_FILE="$SF_RUN_DIR/postgres.env"
DB_USER=postgres
DB_PASSWORD=postgres

find_bin() {
  if [[ -n ${SENDFLOWR_POSTGRES_BIN:-} ]]; then
    [[ -x $SENDFLOWR_POSTGRES_BIN/initdb ]] && { echo "$SENDFLOWR_POSTGRES_BIN"; return 0; }
    return 1
  fi
  [[ -x /usr/lib/postgresql/15/bin/initdb ]] && { echo /usr/lib/postgresql/15/bin; return 0; }
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n $newest && -x $newest/initdb ]] && { echo "$newest"; return 0; }
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

# as_pg COMMAND...: run as the postgres user when we are root, as ourselves otherwise.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running_port() {
  sed -n 's/^port = \([0-9]*\).*/\1/p' "$DIR/data/postgresql.auto.conf" 2>/dev/null | tail -n 1
}

is_running() {
  [[ -f $DIR/data/postmaster.pid ]] && as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

ready() {
  "$BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -U "$DB_USER" 2>/dev/null
}

write_env() {
  local port=$1
  mkdir -p "$SF_RUN_DIR"
  cat >"$ENV_FILE.tmp" <<ENV
SENDFLOWR_POSTGRES_JDBC_URL=jdbc:postgresql://127.0.0.1:$port/postgres
SENDFLOWR_POSTGRES_HOST=127.0.0.1
SENDFLOWR_POSTGRES_PORT=$port
SENDFLOWR_POSTGRES_USER=$DB_USER
SENDFLOWR_POSTGRES_PASSWORD=$DB_PASSWORD
SENDFLOWR_POSTGRES_DIR=$DIR
ENV
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  cat "$ENV_FILE"
}

start() {
  if is_running; then
    local port; port=$(running_port)
    if sf_wait_until 30 ready "$port"; then
      sf_log "already running in $DIR"
      write_env "$port"
      return 0
    fi
    sf_die "a cluster is running in $DIR but does not accept connections on port $port;" \
      "see $DIR/postgres.log, or run '$0 stop' first"
  fi

  if sf_port_in_use "$PORT"; then
    sf_die "port $PORT is already in use by another process; choose a free one with" \
      "SENDFLOWR_POSTGRES_PORT"
  fi

  mkdir -p "$DIR"
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres: "$DIR"
    # The postgres user must be able to reach the directory through all its parents.
    as_pg test -w "$DIR" || sf_die "user postgres cannot write $DIR; set SENDFLOWR_RUN_DIR to a" \
      "directory all users can traverse (e.g. under /tmp)"
  fi

  if [[ ! -f $DIR/data/PG_VERSION ]]; then
    rm -rf "$DIR/data"
    printf '%s\n' "$DB_PASSWORD" >"$DIR/pwfile"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$DIR/pwfile"
    as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U "$DB_USER" --pwfile="$DIR/pwfile" -E UTF8 \
      --no-locale --no-sync >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; sf_die "initdb failed"; }
    rm -f "$DIR/pwfile"
  fi
  # The port lives in the cluster's own config so `status` and `start` find it again later.
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PORT"
    echo "unix_socket_directories = '$DIR'"
    # Throwaway data: durability is not worth the I/O on a shared CI machine.
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "max_connections = 200"
  } | as_pg tee "$DIR/data/postgresql.auto.conf" >/dev/null

  as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 60 start >/dev/null \
    || { tail -n 30 "$DIR/postgres.log" >&2 || true; sf_die "pg_ctl start failed"; }
  sf_wait_until 60 ready "$PORT" || sf_die "PostgreSQL did not accept connections on $PORT"
  head -n 1 "$DIR/data/postmaster.pid" >"$DIR/postgres.pid"
  sf_watch_parent "$SCRIPT" "$DIR"
  sf_log "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') running on port $PORT," \
    "data in $DIR, env in $ENV_FILE"
  write_env "$PORT"
}

stop() {
  sf_stop_watcher "$DIR"
  if is_running; then
    sf_log "stopping PostgreSQL in $DIR"
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || sf_kill_pidfile "$DIR/postgres.pid" 10
  fi
  sf_forget_server "$DIR" "$ENV_FILE" SENDFLOWR_POSTGRES_DIR
  sf_log "stopped"
}

status() {
  if is_running && ready "$(running_port)"; then
    echo "running in $DIR"
    write_env "$(running_port)"
    return 0
  fi
  echo "not running ($DIR)"
  return 3
}

if ! BIN=$(find_bin); then
  if [[ ${1:-} == start ]]; then
    sf_apt_install postgresql
    BIN=$(find_bin) || sf_die "initdb is still missing after apt-get install postgresql"
  else
    BIN=/usr/lib/postgresql/15/bin
  fi
fi

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
