#!/usr/bin/env bash
# Installs the named Debian packages (or their Homebrew equivalents) that this
# machine lacks. Each argument is package=path: the package is installed when
# the path is not an executable.
set -euo pipefail

missing=()
for wanted in "$@"; do
  package="${wanted%%=*}"
  path="${wanted#*=}"
  [ -x "$path" ] || command -v "$(basename "$path")" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing ${missing[*]}"
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
  echo "Please install ${missing[*]} with your package manager: tests and benchmarks start real servers." >&2
  exit 1
fi
