#!/usr/bin/env bash
# Runs every test against real memcached and Redis processes, installing the
# servers first when they are missing. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

# the sample app's demo page is tested in headless Chromium
scripts/install-missing.sh memcached=/usr/bin/memcached redis-server=/usr/bin/redis-server \
  chromium="${CHROMIUM_BIN:-/usr/bin/chromium}" chromium-driver="${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}"

exec ./mvnw -B verify -Psoak "$@"
