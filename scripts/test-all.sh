#!/usr/bin/env bash
# Every check the project has, fastest failures first. Called by `./pt test` and by .ci/run.
# Starts one throwaway PostgreSQL and one Kafka broker for the whole run (unless DATABASE_URL /
# KAFKA_BOOTSTRAP_SERVERS point at existing ones) and stops them afterwards. In CI a service that cannot
# start fails the run: integration tests never skip.
set -euo pipefail
cd "$(dirname "$0")/.."
# A CI log is not a terminal: without colour codes its lines read (and grep) as plain text. CI=true alone
# makes Vitest and picocolors colour their output, so NO_COLOR is set there.
[[ -n "${CI:-}" ]] && export NO_COLOR=1
bold() { if [[ -n "${NO_COLOR:-}" ]]; then printf '%s' "$*"; else printf '\033[1m%s\033[0m' "$*"; fi; }
# Everything printed is also kept in a log, so the run can end with one tally of the tests it ran.
run_log="$(mktemp)"
exec > >(tee -a "$run_log") 2> >(tee -a "$run_log" >&2)
# Each step's duration is printed when the next one starts and in a summary at the end, so a slow step shows.
timings=()
step_name="" step_start=$SECONDS
end_step() { [[ -n "$step_name" ]] && timings+=("$(printf '%5ss  %s' $((SECONDS - step_start)) "$step_name")"); return 0; }
step() {
  end_step
  step_name="$*" step_start=$SECONDS
  printf '\n%s (at %dm%02ds)\n' "$(bold "== $* ==")" $((SECONDS / 60)) $((SECONDS % 60)) >&2
}
started=()
cleanup() {
  local rc=$?
  end_step
  for svc in "${started[@]}"; do bash "scripts/$svc.sh" stop >/dev/null 2>&1 || true; done
  printf '\n%s\n' "$(bold "== step durations ($((SECONDS / 60))m$((SECONDS % 60))s in all) ==")" >&2
  printf '%s\n' "${timings[@]}" >&2
  bash scripts/lib/test-tally.sh "$run_log" >&2
  rm -f "$run_log"
  return $rc
}
trap cleanup EXIT

# Both Kafka lines' jars (the broker, 4.x, and the 3.9 compatibility check) are fetched from Maven Central once;
# on a fresh machine that is network time, so it runs beside the typecheck and is awaited before the broker starts.
kafka_jars_log="$(mktemp)"
(bash scripts/kafka.sh install && KAFKA_VERSION=3.9.2 bash scripts/kafka.sh install) >"$kafka_jars_log" 2>&1 &
kafka_jars=$!

step "typecheck and lint"
turbo run typecheck lint --continue --output-logs=errors-only
tsc -p . && biome check scripts *.json
bash scripts/check-dockerfile.sh

step "alerting rules (promtool; installs Debian's prometheus, which the consumer's scrape test also runs)"
bash scripts/test-alert-rules.sh

step "services: PostgreSQL and Kafka"
wait "$kafka_jars" || { cat "$kafka_jars_log" >&2; echo "fetching the Kafka jars failed (see above)" >&2; exit 1; }
if [[ -z "${DATABASE_URL:-}" && -z "${DB_HOST:-}" ]]; then
  eval "$(bash scripts/postgres.sh start)"
  export DATABASE_URL
  started+=(postgres)
fi
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
  eval "$(bash scripts/kafka.sh start)"
  export KAFKA_BOOTSTRAP_SERVERS
  started+=(kafka)
fi
echo "DATABASE_URL=${DATABASE_URL:-<DB_* settings>}  KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS" >&2

step "unit and integration tests (the consumer's fault tests beside them)"
# The fault tests (kills, a database outage, broker restarts) bring a broker and a cluster of their own and spend
# their ≈3 minutes mostly waiting for restarts, so they run beside the other tests instead of after them; their
# output is printed when both are done. The rest go one package at a time: two cores, and they share the servers.
faults_log="$(mktemp)"
pnpm --filter @pt/consumer test:faults >"$faults_log" 2>&1 &
faults=$!
tests_rc=0 faults_rc=0
turbo run test --concurrency=1 --output-logs=new-only || tests_rc=$?
wait "$faults" || faults_rc=$?
printf '\n%s\n' "$(bold "-- the consumer's fault tests (@pt/consumer test:faults) --")"
cat "$faults_log"
rm -f "$faults_log"
((faults_rc == 0)) || echo "the consumer's fault tests failed (above); their consumers' logs: test-artifacts/consumer-faults/" >&2
((tests_rc == 0 && faults_rc == 0)) || exit 1

step "Kafka 3.9 compatibility (the Kafka adapter's consumer test file on a 3.9.2 broker of its own)"
bash scripts/test-kafka-compat.sh

step "the suites that need no broker, with the clock 90 days ahead (libfaketime)"
# Catches fixtures dated from a fixed instant before retention or "stalled" reach them (see the script).
bash scripts/test-clock-ahead.sh

step "the generated OpenAPI against the running API (schemathesis, both prefixes)"
bash scripts/schemathesis.sh

step "web UI in a real browser (headless Chromium)"
bash scripts/chromium.sh >&2
pnpm --filter @pt/web test:e2e
