#!/usr/bin/env bash
# Prints one tally of the tests a run executed, from its log: the sum of every Vitest summary
# ("Tests  N passed | M failed (T)") and of every schemathesis summary ("N generated, N passed").
# Its last line is the plain closing line a CI log reader recognises in any language: "Tests: N passed, N failed,
# N skipped" (the Vitest tests; the schemathesis cases are on the line before).
# Usage: test-tally.sh <log file>
set -euo pipefail
sed -E 's/\x1b\[[0-9;]*m//g' "$1" | awk '
  /(^|[ >])Tests +[0-9]+ (passed|failed|skipped)/ {
    runs++
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^[0-9]+$/ && $(i + 1) ~ /^passed/) passed += $i
      if ($i ~ /^[0-9]+$/ && $(i + 1) ~ /^failed/) failed += $i
      if ($i ~ /^[0-9]+$/ && $(i + 1) ~ /^skipped/) skipped += $i
    }
  }
  /[0-9]+ generated, [0-9]+ passed/ { api_runs++; for (i = 1; i < NF; i++) if ($(i + 1) ~ /^passed/) cases += $i }
  END {
    printf "Vitest runs  %d\n", runs
    if (api_runs) printf "API cases  %d passed, in %d schemathesis runs\n", cases, api_runs
    printf "Tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped
  }'
