#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the web UI's browser tests (apps/web test:e2e).
# No browser can be downloaded by Playwright here, so playwright-core drives this one through executablePath.
# Idempotent: does nothing when the binary is already there. Prints the browser version.
set -euo pipefail
bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$bin" ]]; then
  sudo=""
  if [[ "$(id -u)" != "0" ]]; then
    command -v sudo >/dev/null || { echo "chromium.sh: $bin is missing and this user cannot run apt-get (no sudo)" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "chromium.sh: installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
fi
"$bin" --version
