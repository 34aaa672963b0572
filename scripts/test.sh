#!/usr/bin/env bash
# Runs every test against real memcached and Redis processes, installing the
# servers first when they are missing. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v memcached >/dev/null 2>&1 || [ -x /usr/bin/memcached ] || missing+=(memcached)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} for the integration tests"
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v brew >/dev/null 2>&1; then
    for package in "${missing[@]}"; do
      if [ "$package" = redis-server ]; then brew install redis; else brew install "$package"; fi
    done
  else
    echo "Please install ${missing[*]} with your package manager: the tests start real servers." >&2
    exit 1
  fi
fi

exec ./mvnw -B verify -Psoak "$@"
