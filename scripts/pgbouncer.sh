#!/usr/bin/env bash
# A throwaway PgBouncer in TRANSACTION pooling mode in front of a PostgreSQL, for tests and benchmarks.
#   DATABASE_URL=postgres://... scripts/pgbouncer.sh start   start it (idempotent), print PGBOUNCER_URL=...
#   scripts/pgbouncer.sh status  print PGBOUNCER_URL=... when it runs, exit 1 otherwise
#   scripts/pgbouncer.sh stop    stop it (idempotent); `stop --wipe` also deletes its directory
#   DATABASE_URL=... scripts/pgbouncer.sh url   print only the URL (starting it when needed)
# The URL printed is DATABASE_URL with host and port replaced by PgBouncer's: every database name is forwarded
# to the same-named database upstream, so per-test databases work through it unchanged. Installs Debian's
# `pgbouncer` with apt-get when missing. PgBouncer refuses to run as root, so it runs as an unprivileged user.
# $PT_PGB_DIR holds its config, log and pid (default .data/pgbouncer-test); PT_PGB_PORT picks the port (default:
# a free one, remembered there). Clients authenticate by user name only (auth_type trust, the user in a
# userlist): a test cluster's setting, never a production one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${PT_PGB_DIR:-$root/.data/pgbouncer-test}"
ini="$dir/pgbouncer.ini"
pidfile="$dir/pgbouncer.pid"
log="$dir/pgbouncer.log"

say() { printf '[pgbouncer.sh] %s\n' "$*" >&2; }

ensure_binary() {
  if command -v pgbouncer >/dev/null || [[ -x /usr/sbin/pgbouncer ]]; then return; fi
  say "no pgbouncer found: installing Debian's pgbouncer with apt-get"
  if [[ "$(id -u)" != 0 ]]; then say "need root to apt-get install pgbouncer"; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer >&2
  # The package enables a system service on its default port; this script runs its own instance instead.
  command -v pgbouncer >/dev/null || [[ -x /usr/sbin/pgbouncer ]] || { say "pgbouncer not found after install"; exit 1; }
}

bin() { command -v pgbouncer 2>/dev/null || echo /usr/sbin/pgbouncer; }

source "$root/scripts/lib/server-user.sh"
source "$root/scripts/lib/server-script.sh"

is_running() {
  [[ -f "$pidfile" && -f "$dir/port" ]] || return 1
  kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# DATABASE_URL with PgBouncer's address: postgres://user[:password]@host:port/db[?query]
url() {
  local upstream; upstream="$(cat "$dir/upstream")"
  echo "$upstream" | sed -E "s#^(postgres(ql)?://([^@/]*@)?)[^/?]*#\\1127.0.0.1:$(cat "$dir/port")#"
}

# "a%40b" -> "a@b" ('+' stays '+': it means a space only in form data, not in a URL's user or password).
percent_decode() {
  local v="${1//\\/\\\\}"
  printf '%b' "${v//%/\\x}"
}

# A value of PgBouncer's [databases] connection string: in single quotes, a quote inside doubled (its own parser,
# not libpq's: a backslash is an ordinary character there).
conninfo_quote() { printf "'%s'" "${1//\'/\'\'}"; }

start() {
  if is_running; then echo "PGBOUNCER_URL=$(url)"; return; fi
  local upstream="${DATABASE_URL:-}"
  [[ -n "$upstream" ]] || { say "DATABASE_URL (the PostgreSQL to pool) is not set"; exit 1; }
  ensure_binary
  # host, port and user of the upstream URL (user[:password]@host[:port])
  local rest="${upstream#*://}"; rest="${rest%%[/?]*}"
  local auth="" hostport="$rest"
  if [[ "$rest" == *@* ]]; then auth="${rest%@*}"; hostport="${rest##*@}"; fi
  # The URL's user and password are percent-encoded (RFC 3986); PgBouncer wants them as they are.
  local user password=""
  user="$(percent_decode "${auth%%:*}")"
  [[ "$auth" == *:* ]] && password="$(percent_decode "${auth#*:}")"
  local host="${hostport%:*}" port="5432"
  [[ "$hostport" == *:* ]] && port="${hostport##*:}"
  [[ -n "$user" ]] || { say "DATABASE_URL names no user"; exit 1; }

  local owner; owner="$(run_user)"
  server_dir "$owner"
  echo "$upstream" >"$dir/upstream"
  local listen="${PT_PGB_PORT:-}"
  if [[ -z "$listen" ]]; then
    listen="$(cat "$dir/port" 2>/dev/null || true)"
    if [[ -z "$listen" ]] || (echo >"/dev/tcp/127.0.0.1/$listen") 2>/dev/null; then listen="$(free_port 56432 56532)"; fi
  fi
  echo "$listen" >"$dir/port"
  # trust: the user name must still be in the userlist; the upstream password (if any) goes on the server
  # connection string so PgBouncer can log in upstream.
  printf '"%s" ""\n' "${user//\"/\"\"}" >"$dir/userlist.txt"
  local server="host=$host port=$port user=$(conninfo_quote "$user")"
  [[ -n "$password" ]] && server="$server password=$(conninfo_quote "$password")"
  cat >"$ini" <<EOF
[databases]
* = $server

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $listen
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
logfile = $log
pidfile = $pidfile
admin_users = $user
EOF
  chown "$owner" "$ini" "$dir/userlist.txt"
  chmod 600 "$ini" "$dir/userlist.txt"
  as_owner "$owner" "$(bin)" -d "$ini" || { tail -n 30 "$log" >&2 || true; exit 1; }
  local i
  for i in $(seq 1 50); do
    if (echo >"/dev/tcp/127.0.0.1/$listen") 2>/dev/null; then
      say "PgBouncer $("$(bin)" --version | head -n 1 | awk '{print $2}') (transaction pooling) on port $listen in front of $host:$port"
      echo "PGBOUNCER_URL=$(url)"
      return
    fi
    sleep 0.1
  done
  say "PgBouncer did not listen on $listen"; tail -n 30 "$log" >&2 || true; exit 1
}

stop() {
  if is_running; then
    local pid; pid="$(cat "$pidfile")"
    kill -INT "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    say "stopped"
  fi
  if [[ "${1:-}" == "--wipe" ]]; then rm -rf "$dir"; say "wiped $dir"; fi
}

server_commands PGBOUNCER_URL 12 "$@"
