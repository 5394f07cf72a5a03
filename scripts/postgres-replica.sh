#!/usr/bin/env bash
# A throwaway hot standby of the throwaway primary of scripts/postgres.sh, by PostgreSQL's own streaming
# replication (never for production data).
#   scripts/postgres-replica.sh start   base backup of the running primary and start it (idempotent); print DATABASE_READ_URL=...
#   scripts/postgres-replica.sh status  print DATABASE_READ_URL=... when it runs, exit 1 otherwise
#   scripts/postgres-replica.sh stop    stop it (idempotent); `stop --wipe` also deletes its cluster
#   scripts/postgres-replica.sh url     print only the URL
# The primary is the cluster in $PT_PG_DIR (default .data/pg-test), started first with scripts/postgres.sh. The
# standby lives in $PT_PG_REPLICA_DIR (default: the primary's directory with "-replica" appended) and listens on
# $PT_PG_REPLICA_PORT (default: a free one, remembered there). It is made with `pg_basebackup -R` as the
# replication role pt_replicator (created on the primary when missing), so it streams from the primary and
# answers read-only queries (hot standby); `select pg_wal_replay_pause()` on it holds replay, for lag tests.
set -euo pipefail
primary_dir="$(realpath -m "${PT_PG_DIR:-$(dirname "${BASH_SOURCE[0]}")/../.data/pg-test}")"
# postgres.sh's helpers, with its cluster variables (dir, data, log, url, is_running, stop) on the standby.
PT_PG_DIR="$(realpath -m "${PT_PG_REPLICA_DIR:-$primary_dir-replica}")"
PT_PG_PORT="${PT_PG_REPLICA_PORT:-}"
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"
replicator=pt_replicator

say() { printf '[postgres-replica.sh] %s\n' "$*" >&2; }

primary_port() {
  local port; port="$(cat "$primary_dir/port" 2>/dev/null || true)"
  if [[ -z "$port" || ! -f "$primary_dir/data/postmaster.pid" ]]; then
    say "no primary running in $primary_dir: start it first (PT_PG_DIR=$primary_dir scripts/postgres.sh start)"
    exit 1
  fi
  echo "$port"
}

# What the primary must allow for a standby; initdb's defaults and postgres.sh's options give all of it.
check_primary() {
  local port="$1" settings
  settings="$(psql -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc "select current_setting('wal_level') || ' ' || current_setting('max_wal_senders')")"
  read -r wal_level senders <<<"$settings"
  if [[ "$wal_level" == minimal || "$senders" == 0 ]]; then
    say "the primary on port $port has wal_level=$wal_level max_wal_senders=$senders: a standby needs wal_level=replica and max_wal_senders > 0 (restart it with scripts/postgres.sh)"
    exit 1
  fi
  psql -h 127.0.0.1 -p "$port" -U "$user" -d postgres -qc "do \$\$ begin
    if not exists (select 1 from pg_roles where rolname = '$replicator') then create role $replicator replication login; end if;
  end \$\$" >&2
}

start() {
  if is_running; then echo "DATABASE_READ_URL=$(url)"; return; fi
  ensure_server_binaries
  local owner; owner="$(run_user)"
  local pport; pport="$(primary_port)"
  server_dir "$owner"
  if [[ ! -f "$data/standby.signal" ]]; then
    check_primary "$pport"
    rm -rf "$data"
    say "pg_basebackup from port $pport into $data (owner $owner)"
    # -R writes primary_conninfo and standby.signal; -X stream copies the WAL written during the backup.
    # --checkpoint=fast: the backup starts at once instead of after a spread checkpoint (minutes). A throwaway
    # standby needs no fsync of the copy (--no-sync) nor a manifest for pg_verifybackup: a third less time.
    as_owner "$owner" "$bin/pg_basebackup" -h 127.0.0.1 -p "$pport" -U "$replicator" -D "$data" \
      -R -X stream --checkpoint=fast --no-sync --no-manifest >"$dir/basebackup.log" 2>&1 \
      || { cat "$dir/basebackup.log" >&2; exit 1; }
  fi
  # The primary's options, on the standby's own port and socket directory. pg_ctl -w returns once the standby
  # is consistent and accepts read-only connections.
  local port; port="$(launch "$owner")"
  say "hot standby of port $pport running on port $port (cluster $data)"
  echo "DATABASE_READ_URL=$(url)"
}

server_commands DATABASE_READ_URL 12 "$@"
