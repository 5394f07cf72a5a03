#!/usr/bin/env bash
# Unit tests of the Prometheus alerting rules (deploy/prometheus/alerts.yml) with `promtool test rules`, after
# `promtool check rules`. promtool comes with Debian's `prometheus` package: installed with apt-get when missing
# (needs root); otherwise this fails and says what to install.
set -euo pipefail
cd "$(dirname "$0")/../deploy/prometheus"

if ! command -v promtool >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-alert-rules: promtool not found; install Debian's prometheus package (apt-get install prometheus) or run as root" >&2
    exit 1
  fi
  echo "test-alert-rules: installing promtool (Debian package prometheus)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends prometheus >/dev/null; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends prometheus >/dev/null
  fi
  command -v promtool >/dev/null 2>&1 || { echo "test-alert-rules: promtool still missing after apt-get" >&2; exit 1; }
fi

promtool check rules alerts.yml
promtool test rules alerts.test.yml
