#!/usr/bin/env bash
# The suites that need no Kafka broker, run again with the clock moved ahead (default 90 days), so a fixture
# dated from a fixed instant — which retention, "stalled" or "now" reach a few days later — fails today
# instead of on the day it goes stale. Node and a PostgreSQL of its own both run under Debian's libfaketime:
# the database's now() (a status's created_at) must agree with the clock the tests read.
#   scripts/test-clock-ahead.sh            run them (called by scripts/test-all.sh)
#   PT_CLOCK_AHEAD_DAYS=400 scripts/test-clock-ahead.sh
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[test-clock-ahead] %s\n' "$*" >&2; }
days="${PT_CLOCK_AHEAD_DAYS:-90}"

# Prints the library's path, or nothing when it is not installed (a glob, not `ls`: under `set -eo pipefail` a
# failing `ls` in "$(…)" ended the script with status 2 and no word on a machine without faketime).
find_lib() {
  local f
  for f in /usr/lib/*/faketime/libfaketimeMT.so.1; do
    if [[ -e "$f" ]]; then echo "$f"; return 0; fi
  done
  return 0
}
lib="$(find_lib)"
if [[ -z "$lib" ]]; then
  if [[ "$(id -u)" != 0 ]]; then say "libfaketime is missing: install Debian's faketime package (apt-get install faketime)"; exit 1; fi
  say "installing Debian's faketime with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends faketime >&2 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends faketime >&2; }
  lib="$(find_lib)"
  [[ -n "$lib" ]] || { say "faketime installed but libfaketimeMT.so.1 not found"; exit 1; }
fi

# Offset mode: time runs normally, shifted. Monotonic clocks stay real so timers and timeouts behave.
export FAKETIME="+${days}d" FAKETIME_DONT_FAKE_MONOTONIC=1
ahead() { LD_PRELOAD="$lib" "$@"; }

pg_dir="$PWD/.data/pg-ahead"
stop_pg() { PT_PG_DIR="$pg_dir" bash scripts/postgres.sh stop --wipe >/dev/null 2>&1 || true; }
trap stop_pg EXIT
stop_pg
eval "$(PT_PG_DIR="$pg_dir" ahead bash scripts/postgres.sh start)"
export DATABASE_URL
say "clock: $(ahead date -u +%FT%TZ) (+$days days); PostgreSQL on that clock: $DATABASE_URL"

# PostgreSQL's statement_timeout never fires under libfaketime (its interval timer is not faked consistently),
# so the timeout tests, which make no dates, run only in the normal pass.
ahead pnpm --workspace-concurrency=1 \
  --filter @pt/domain --filter @pt/adapters-memory --filter @pt/web run test
# The replica test makes no dates (its statuses are dated from the clock) and spends its ≈25 s on initdb and
# pg_basebackup, so it runs only in the normal pass.
ahead pnpm --filter @pt/api exec vitest run --exclude test/ReadReplica.test.ts
# The PGlite runs (the embedded store: the same contract suite and SQL as on PostgreSQL, which runs ahead here)
# take ≈35 s and add no date case the PostgreSQL run lacks, so they too run only in the normal pass.
ahead pnpm --filter @pt/adapters-postgres exec vitest run --exclude test/Timeouts.test.ts \
  --exclude test/EmbeddedStoreContract.test.ts --exclude test/Embedded.test.ts
ahead pnpm --filter @pt/mock-producer exec vitest run --project unit
