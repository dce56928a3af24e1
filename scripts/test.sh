#!/usr/bin/env bash
# Runs every test against real infrastructure: starts ClickHouse and PostgreSQL as local processes
# (installing them with apt when missing), makes sure Chromium is installed for the operator UI's
# browser tests, runs the Maven build with its tests, stops the servers. The build needs Node and
# npm (the UI is built with `npm ci` from the npm registry).
# Kafka and Flink run inside the test JVMs; flink-cluster's test starts its own session cluster with
# scripts/flink-cluster.sh (free ports, stopped afterwards). Extra arguments go to Maven, e.g.
#   scripts/test.sh -pl dispatch-job -am -Dtest=DispatchSchedulerTest -Dsurefire.failIfNoSpecifiedTests=false
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export SENDFLOWR_RUN_DIR="${SENDFLOWR_RUN_DIR:-$(mktemp -d /tmp/sendflowr-test.XXXXXX)}"
# PostgreSQL runs as its own user, which must be able to enter the run directory.
chmod 755 "$SENDFLOWR_RUN_DIR"
cleanup() {
  scripts/clickhouse.sh stop || true
  scripts/postgres.sh stop || true
}
trap cleanup EXIT

# The browser of config-service's OperatorUiBrowserTest (Debian's chromium, driven by playwright-core).
SENDFLOWR_CHROMIUM="$(scripts/chromium.sh)"
export SENDFLOWR_CHROMIUM

scripts/clickhouse.sh start
scripts/postgres.sh start
set -a
# shellcheck disable=SC1091
. "$SENDFLOWR_RUN_DIR/clickhouse.env"
# shellcheck disable=SC1091
. "$SENDFLOWR_RUN_DIR/postgres.env"
set +a

mvn -B -ntp verify "$@"
