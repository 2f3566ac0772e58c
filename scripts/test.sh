#!/usr/bin/env bash
# The README's test command: install what is missing, check types and lint,
# then run the whole suite against real peers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npx tsc --noEmit -p .
npx biome ci
mkdir -p .data
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.data/vitest-report.json "$@" || status=$?
node scripts/test-summary.mjs .data/vitest-report.json || status=1
exit "$status"
