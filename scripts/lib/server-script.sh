# What the scripts that run a throwaway server (postgres.sh, postgres-replica.sh, pgbouncer.sh) do the same way:
# their directory and their commands. Sourced after server-user.sh, never run.

# server_dir OWNER: makes the server's directory $dir, owned by OWNER (the user that runs the server, run_user).
# The directory's parents in the checkout must be reachable by the owner.
server_dir() {
  mkdir -p "$dir"
  chmod o+x "$root" "$root/.data" 2>/dev/null || true
  chown "$1" "$dir"
}

# server_commands VAR LAST [COMMAND [ARG]]: runs COMMAND (default start) with the script's own functions start,
# stop, is_running and url. VAR names the address line that `start` and `status` print (VAR=...); LAST is the last
# line of the script's header comment that a wrong command prints as its usage.
server_commands() {
  local var="$1" last="$2"; shift 2
  case "${1:-start}" in
    start) start ;;
    stop) shift; stop "${1:-}" ;;
    status) if is_running; then echo "$var=$(url)"; else echo "not running" >&2; exit 1; fi ;;
    url) start | sed -n "s/^$var=//p" ;;
    *) sed -n "2,${last}p" "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
}
