#!/usr/bin/env bash
# The cheap check against the older Kafka line users still run: a broker of that version of its own (default 3.9.2,
# or the version given as $1), the Kafka adapter's consumer test file against it (produce, consume in a group,
# dead-letter, commit, pause/resume through a store outage, leave the group on close), then the broker is stopped.
# The default broker (4.1.1) runs everything else. Jars are fetched once per version (.tools/kafka/<version>).
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-3.9.2}"
# The test file makes its own topics: the broker need not create the default ones.
export KAFKA_VERSION="$version" KAFKA_INSTANCE="compat-$version-$$" KAFKA_CREATE_TOPICS=false
unset KAFKA_BOOTSTRAP_SERVERS
bash scripts/kafka.sh install
started=$SECONDS
trap 'bash scripts/kafka.sh stop >/dev/null 2>&1 || true' EXIT
eval "$(bash scripts/kafka.sh start)"
export KAFKA_BOOTSTRAP_SERVERS
(cd packages/adapters-kafka && pnpm exec vitest run test/KafkaStatusSource.test.ts)
bash scripts/kafka.sh stop
echo "[test-kafka-compat] Kafka $version: broker start, KafkaStatusSource.test.ts and stop in $((SECONDS - started)) s" >&2
