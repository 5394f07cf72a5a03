#!/usr/bin/env bash
# Every check the project has, in the order that fails fastest. Called by `./pt test` and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
turbo run typecheck lint --output-logs=errors-only
turbo run test --concurrency=1 --output-logs=new-only
