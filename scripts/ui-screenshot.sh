#!/usr/bin/env bash
# Run by hand (not in CI) to see the steps in the UI: the demo stack (Temporal dev
# server + UI, a local fleet, Vesemir) runs one deploy, then headless Chromium
# screenshots the Temporal UI pages of one host workflow, where each host step
# should show as its own bar with its duration. PNGs go to .data/ui-screenshots/
# (or $1). Everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-.data/ui-screenshots}")

if ! command -v chromium >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends chromium || { apt-get update && apt-get install -y --no-install-recommends chromium; }
fi

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
work=$(mktemp -d)
temporal_port=$(free_port) ui_port=$(free_port) api_port=$(free_port)
demo_pid=
cleanup() {
  # The demo stops its fleet and the dev server on SIGTERM.
  if [[ -n $demo_pid ]] && kill -0 "$demo_pid" 2>/dev/null; then
    kill -TERM "$demo_pid"
    wait "$demo_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "starting the demo stack (Temporal UI on :$ui_port), log in $work/demo.log"
# node itself, not npx: the SIGTERM above then reaches the process that cleans up.
TEMPORAL_PORT=$temporal_port TEMPORAL_UI_PORT=$ui_port API_PORT=$api_port LOG_LEVEL=warn \
  node --import tsx demo/main.ts --data-dir "$work/data" >"$work/demo.log" 2>&1 &
demo_pid=$!

for _ in $(seq 1 360); do
  grep -qE '^(✓|✗) deployment ' "$work/demo.log" && break
  kill -0 "$demo_pid" 2>/dev/null || { cat "$work/demo.log"; echo "the demo exited early" >&2; exit 1; }
  sleep 0.5
done
grep -E '^(✓|✗) deployment ' "$work/demo.log" || { cat "$work/demo.log"; echo "the demo deploy did not end in 3 minutes" >&2; exit 1; }
node --experimental-websocket --no-warnings=ExperimentalWarning --import tsx scripts/ui-screenshot.ts "127.0.0.1:$temporal_port" "http://127.0.0.1:$ui_port" "http://127.0.0.1:$api_port" "$(sed -n 's/^deployment \(d-[0-9a-f-]*\)$/\1/p' "$work/demo.log")" "$out"
