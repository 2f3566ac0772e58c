#!/usr/bin/env bash
# The README's first command: install what is missing, then start Vesemir on
# its embedded default (Temporal dev server + UI, PGlite) with a local fake
# fleet and a Proctor-compatible job runner, on a fresh data folder (.data/demo,
# wiped unless --keep), and run a real deploy on it. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# node itself (not npx or the tsx CLI, which would stand between): a signal sent
# to this pid reaches the process that stops the fleet and removes its keys.
# The service's node flags: src/node-options.ts.
exec node --max-semi-space-size=2 --heap-growing-percent=30 --import tsx demo/main.ts "$@"
