#!/usr/bin/env bash
# Go tools, each pinned, built from its Go module into .tools/go (once per
# machine: ~10 minutes on 2 cores with a cold Go build cache, then reused):
#   .tools/go/temporal/server   Temporal's server         go.temporal.io/server/cmd/server
#   .tools/go/temporal/sql      temporal-sql-tool         go.temporal.io/server/cmd/tools/sql
#   .tools/go/temporal/schema   the PostgreSQL schemas that sql applies, from the same module
#   .tools/go/toxiproxy/{server,cli}                      github.com/Shopify/toxiproxy/v2
# Temporal's module needs Go >= 1.26.10; the machine's Go fetches the pinned
# toolchain (GOTOOLCHAIN=go1.27.3) from the Go module proxy like any module.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_SERVER=v1.32.2
TOXIPROXY=v2.5.0
export GOTOOLCHAIN=go1.27.3
export GOFLAGS=-mod=mod

# `--version` prints e.g. "temporal version 1.32.2".
has_version() {
  local out
  [ -x "$1" ] && out=$("$1" --version 2>/dev/null) && [[ "$out" == *" ${2#v}" ]]
}

build() {
  local dir=$1
  shift
  echo "install-gotools: go install $* into $dir"
  mkdir -p "$dir"
  GOBIN="$PWD/$dir" go install "$@"
}

temporal=.tools/go/temporal
if ! has_version "$temporal/server" "$TEMPORAL_SERVER" || ! has_version "$temporal/sql" "$TEMPORAL_SERVER"; then
  build "$temporal" "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER" "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER"
fi
# The schema files live in the module's source, which `go install` left in the module cache.
stamp="$temporal/schema/VERSION"
if [ "$(cat "$stamp" 2>/dev/null)" != "$TEMPORAL_SERVER" ]; then
  src=$(go mod download -json "go.temporal.io/server@$TEMPORAL_SERVER" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src/schema/postgresql/v12" ] || { echo "install-gotools: no schema/postgresql/v12 in ${src:-the module}" >&2; exit 1; }
  rm -rf "$temporal/schema"
  mkdir -p "$temporal/schema"
  cp -R "$src/schema/postgresql" "$temporal/schema/"
  chmod -R u+w "$temporal/schema"
  echo "$TEMPORAL_SERVER" >"$stamp"
fi

# toxiproxy built by `go install` says "version git": a stamp file holds the pinned version.
toxiproxy=.tools/go/toxiproxy
if [ ! -x "$toxiproxy/server" ] || [ ! -x "$toxiproxy/cli" ] || [ "$(cat "$toxiproxy/VERSION" 2>/dev/null)" != "$TOXIPROXY" ]; then
  build "$toxiproxy" "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY" "github.com/Shopify/toxiproxy/v2/cmd/cli@$TOXIPROXY"
  echo "$TOXIPROXY" >"$toxiproxy/VERSION"
fi
