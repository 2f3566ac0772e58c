#!/usr/bin/env bash
# The README's first command: install what is missing, then start Vesemir on
# its embedded default (Temporal dev server + UI, PGlite) with a local fake
# fleet, and run a real deploy on it. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The service's node flags (src/node-options.ts).
exec npx tsx --max-semi-space-size=2 --heap-growing-percent=30 demo/main.ts "$@"
