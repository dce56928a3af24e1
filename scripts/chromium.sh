#!/usr/bin/env bash
# Makes sure a headless-capable Chromium is installed for the operator UI's browser tests
# (config-service's OperatorUiBrowserTest drives it with playwright-core). Debian's `chromium`
# package is the browser; playwright's own browser download is not used. Idempotent: does nothing
# when the browser is already there.
#
#   scripts/chromium.sh            install when missing, print the browser's path
#
# Environment: SENDFLOWR_CHROMIUM  a browser binary to use instead (nothing is installed then)
set -euo pipefail

SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
# shellcheck source=lib.sh
. "$(dirname "$SCRIPT")/lib.sh"

if [[ -n ${SENDFLOWR_CHROMIUM:-} ]]; then
  [[ -x $SENDFLOWR_CHROMIUM ]] || sf_die "SENDFLOWR_CHROMIUM=$SENDFLOWR_CHROMIUM is not executable"
  echo "$SENDFLOWR_CHROMIUM"
  exit 0
fi

if [[ ! -x /usr/bin/chromium ]]; then
  sf_log "installing Debian's chromium for the UI's browser tests"
  sf_apt_install chromium
fi
[[ -x /usr/bin/chromium ]] || sf_die "chromium is still missing after apt-get install"
echo /usr/bin/chromium
