#!/usr/bin/env bash
# Property-based check of the API against its own openapi.json (schemathesis, from PyPI), on both prefixes.
#
#   scripts/schemathesis.sh                 start an API on the memory store, test it, stop it
#   PT_API_URL=http://host:8080 scripts/schemathesis.sh    test a running API instead
#
# Installs schemathesis into .tools/schemathesis (a venv) when missing. ST_MAX_EXAMPLES (default 15) bounds the
# examples per operation so a run stays well under 90 s. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

ST_VERSION=4.32.5
VENV=.tools/schemathesis
if [[ ! -x "$VENV/bin/schemathesis" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$ST_VERSION"
fi

export PATH="$PWD/.tools/node_modules/.bin:$PWD/node_modules/.bin:$PATH"

api_pid=""
cleanup() { if [[ -n "$api_pid" ]]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})'; }

url="${PT_API_URL:-}"
if [[ -z "$url" ]]; then
  port=$(free_port)
  metrics=$(free_port)
  log=$(mktemp)
  # No database settings: the memory store.
  env -u DATABASE_URL -u DB_HOST -u ACG_CONFIG PUBLICPORT="$port" METRICSPORT="$metrics" LOGLEVEL=warn \
    node apps/api/src/main.ts >"$log" 2>&1 &
  api_pid=$!
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    curl -fs "$url/live" >/dev/null 2>&1 && break
    if ! kill -0 "$api_pid" 2>/dev/null; then cat "$log" >&2; exit 1; fi
    sleep 0.2
  done
fi

# Schemathesis closes with pytest-style banners ("==== 3 warnings in 13.35s ===="). A CI log reader that knows
# pytest takes such a line for pytest's own closing line and, finding no "passed" in it, for a run of no test. The
# banners are reprinted as "-- ... --"; what they say is kept.
pytest_banners_to_plain() { sed -u -E 's/^=+ (.*[^ =]) =+$/-- \1 --/'; }

status=0
# The document lists /api/v1/... paths; --url sets what they are appended to, so the second run goes through
# the UI's prefix (/app/payload-tracker/api/v1/...).
# The probes (/, /health, /live, /ready) are served at the root only, so the UI prefix run leaves them out.
for base in "" "/app/payload-tracker"; do
  echo "== schemathesis on ${base}/api/v1"
  only=()
  [[ -n "$base" ]] && only=(--include-path-regex '^/api/v1/')
  "$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run "$url$base/api/v1/openapi.json" \
    --url "$url$base" "${only[@]}" --checks all --max-examples "${ST_MAX_EXAMPLES:-15}" --workers 1 \
    --no-color | pytest_banners_to_plain || status=1
done
exit "$status"
