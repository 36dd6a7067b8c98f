#!/usr/bin/env bash
# Builds the portal (Trunk, release) into dist/ and the worker (worker-build) into worker/build/.
# Skips a part whose sources did not change since its last successful build (wasm-opt would
# otherwise rerun every time).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
stamps=.cache/build-stamps
mkdir -p "$stamps"

# True when an output exists and no input is newer than the part's stamp.
fresh() { # part, output, inputs...
  local part=$1 output=$2; shift 2
  [ -e "$output" ] && [ -f "$stamps/$part" ] || return 1
  [ -z "$(find "$@" -newer "$stamps/$part" -type f -print -quit 2>/dev/null)" ]
}

common=(shared Cargo.toml Cargo.lock .cargo scripts/versions.env)
if fresh portal dist/index.html frontend index.html Trunk.toml scripts/minify-assets.mjs package-lock.json "${common[@]}"; then
  echo "portal: up to date"
else
  touch "$stamps/portal.next"   # taken before building: an edit made meanwhile is seen next time
  step "portal: trunk build --release" trunk build --release --dist dist
  mv "$stamps/portal.next" "$stamps/portal"
fi
if fresh worker worker/build/index.js worker/src worker/Cargo.toml worker/openapi.json "${common[@]}"; then
  echo "worker: up to date"
else
  touch "$stamps/worker.next"
  step "worker: worker-build --release" sh scripts/build-worker.sh
  mv "$stamps/worker.next" "$stamps/worker"
fi
