#!/usr/bin/env bash
# A throwaway real PostgreSQL for tests and benchmarks (never for production data).
#   scripts/postgres.sh start   start it (idempotent) and print DATABASE_URL=...
#   scripts/postgres.sh status  print DATABASE_URL=... when it runs, exit 1 otherwise
#   scripts/postgres.sh stop    stop it (idempotent); `stop --wipe` also deletes the cluster
#   scripts/postgres.sh url     print only the URL (for `export DATABASE_URL=$(scripts/postgres.sh url)`)
# Installs Debian's `postgresql` with apt-get when no server binaries exist. The cluster lives in
# $PT_PG_DIR (default .data/pg-test), owned by an unprivileged user because postgres refuses to run as root.
# PT_PG_PORT picks the port (default: a free one, remembered in the cluster directory).
# The server accepts streaming replication from 127.0.0.1 (wal_level=replica, max_wal_senders, initdb's trust
# `host replication` line): scripts/postgres-replica.sh starts a hot standby of it. That script sources this
# one for its helpers, so the commands below run only when this file is executed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${PT_PG_DIR:-$root/.data/pg-test}"
db="${PT_PG_DB:-payload_tracker}"
user=pt
data="$dir/data"
log="$dir/server.log"

say() { printf '[postgres.sh] %s\n' "$*" >&2; }

find_bin() {
  local candidate
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$candidate/pg_ctl" && -x "$candidate/initdb" && -x "$candidate/postgres" ]]; then
      echo "$candidate"
      return
    fi
  done
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null && command -v postgres >/dev/null; then
    dirname "$(command -v pg_ctl)"
  fi
}

ensure_server_binaries() {
  bin="$(find_bin)"
  if [[ -n "$bin" ]]; then return; fi
  say "no PostgreSQL server found: installing Debian's postgresql with apt-get"
  if [[ "$(id -u)" != 0 ]]; then say "need root to apt-get install postgresql"; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
  bin="$(find_bin)"
  [[ -n "$bin" ]] || { say "postgresql installed but pg_ctl/initdb not found"; exit 1; }
}

source "$root/scripts/lib/server-user.sh"
source "$root/scripts/lib/server-script.sh"

url() { echo "postgres://$user@127.0.0.1:$(cat "$dir/port")/$db"; }

# PT_PG_PORT, else the port remembered in $dir when it is still free, else a free one; remembered in $dir.
pick_port() {
  local port="${PT_PG_PORT:-}"
  if [[ -z "$port" ]]; then
    port="$(cat "$dir/port" 2>/dev/null || true)"
    if [[ -z "$port" ]] || (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then port="$(free_port 55432 55532)"; fi
  fi
  echo "$port" >"$dir/port"
  echo "$port"
}

# Throwaway settings: durability traded for speed is NOT used, so benchmarks reflect a real server; only the
# socket directory and listen address are changed. wal_level and max_wal_senders are PostgreSQL's defaults,
# spelled out because a standby needs them; a standby needs max_connections at least the primary's, so both
# get the same.
server_options() {
  echo "-p $1 -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=200 -c wal_level=replica -c max_wal_senders=10"
}

# pg_ctl start as $1 on pick_port's port and print the port. Another server may take a free port between the
# check and the bind (several clusters start at once on a shared machine): then once more on another port.
launch() {
  local owner="$1" attempt port before
  for attempt in 1 2 3; do
    port="$(pick_port)"
    before="$(stat -c %s "$log" 2>/dev/null || echo 0)"
    if as_owner "$owner" "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start -o "$(server_options "$port")" >/dev/null; then
      echo "$port"
      return
    fi
    [[ -z "${PT_PG_PORT:-}" ]] && tail -c +"$((before + 1))" "$log" | grep -q "Address already in use" || break
    say "port $port was taken meanwhile, trying another"
    rm -f "$dir/port"
  done
  tail -n 30 "$log" >&2
  exit 1
}

is_running() {
  [[ -f "$dir/port" && -f "$data/postmaster.pid" ]] || return 1
  local bin; bin="$(find_bin)"; [[ -n "$bin" ]] || return 1
  as_owner "$(stat -c %U "$data")" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
  if is_running; then echo "DATABASE_URL=$(url)"; return; fi
  ensure_server_binaries
  local owner; owner="$(run_user)"
  server_dir "$owner"
  if [[ ! -f "$data/PG_VERSION" ]]; then
    say "initdb $data (owner $owner)"
    as_owner "$owner" "$bin/initdb" -D "$data" -U "$user" --auth=trust --locale=C --encoding=UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  local port; port="$(launch "$owner")"
  if ! psql -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U "$user" -d postgres -qc "create database $db" >&2
  fi
  say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on port $port (cluster $data)"
  echo "DATABASE_URL=$(url)"
}

stop() {
  if [[ -f "$data/postmaster.pid" ]]; then
    local bin; bin="$(find_bin)"
    as_owner "$(stat -c %U "$data")" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    say "stopped"
  fi
  if [[ "${1:-}" == "--wipe" ]]; then rm -rf "$dir"; say "wiped $dir"; fi
}

[[ "${BASH_SOURCE[0]}" == "$0" ]] || return 0
server_commands DATABASE_URL 9 "$@"
