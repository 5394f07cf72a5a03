# Shell helpers shared by the scripts that run throwaway servers as an unprivileged user (postgres.sh,
# pgbouncer.sh): PostgreSQL refuses to run as root, and PgBouncer is run the same way. Sourced, never run.

# The OS user that owns and runs the server: the current user unless it is root.
run_user() {
  if [[ "$(id -u)" != 0 ]]; then id -un; return; fi
  if id postgres >/dev/null 2>&1; then echo postgres; return; fi
  useradd --system --no-create-home --shell /usr/sbin/nologin pt-postgres >/dev/null 2>&1 || true
  echo pt-postgres
}

as_owner() {
  local owner="$1"; shift
  if [[ "$(id -un)" == "$owner" ]]; then "$@"
  elif command -v runuser >/dev/null; then runuser -u "$owner" -- "$@"
  else su -s /bin/sh "$owner" -c "$(printf '%q ' "$@")"
  fi
}

# free_port FIRST LAST: the first port in the range that nothing listens on and (with ss) no socket holds at all:
# the ranges are inside Linux's ephemeral ports, so an outgoing connection may hold one and a server could not
# bind it.
free_port() {
  local port
  for port in $(seq "$1" "$2"); do
    if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    if command -v ss >/dev/null && [[ -n "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]]; then continue; fi
    echo "$port"
    return
  done
  say "no free port in $1-$2"; exit 1
}
