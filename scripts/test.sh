#!/usr/bin/env bash
# Runs every test against real memcached and Redis processes, installing the
# servers first when they are missing. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v memcached >/dev/null 2>&1 || [ -x /usr/bin/memcached ] || missing+=(memcached)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
# the sample app's demo page is tested in headless Chromium
[ -x "${CHROMIUM_BIN:-/usr/bin/chromium}" ] || missing+=(chromium)
[ -x "${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}" ] || missing+=(chromium-driver)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} for the integration tests"
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v brew >/dev/null 2>&1; then
    for package in "${missing[@]}"; do
      case "$package" in
        redis-server) brew install redis ;;
        chromium) brew install --cask chromium ;;
        chromium-driver) brew install --cask chromedriver ;;
        *) brew install "$package" ;;
      esac
    done
    echo "On macOS, point CHROMIUM_BIN and CHROMEDRIVER_BIN at the installed browser and driver." >&2
  else
    echo "Please install ${missing[*]} with your package manager: the tests start real servers." >&2
    exit 1
  fi
fi

exec ./mvnw -B verify -Psoak "$@"
