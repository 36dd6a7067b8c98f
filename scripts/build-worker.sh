#!/bin/sh
# worker-build with the project's own tools (wrangler.toml [build] runs this).
# worker-build would otherwise download wasm-bindgen and wasm-opt from GitHub and esbuild from npm;
# it reads only these *_BIN variables, never PATH.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# The test and dev commands build once before starting wrangler; its [build] step then skips.
if [ -n "${AFTERSALES_PREBUILT:-}" ] && [ -f "$ROOT/worker/build/index.js" ]; then exit 0; fi
: "${WASM_BINDGEN_BIN:=$(command -v wasm-bindgen || echo "$HOME/.cargo/bin/wasm-bindgen")}"
: "${WASM_OPT_BIN:=$ROOT/node_modules/binaryen/bin/wasm-opt}"
: "${ESBUILD_BIN:=$ROOT/node_modules/@esbuild/linux-x64/bin/esbuild}"
export WASM_BINDGEN_BIN WASM_OPT_BIN ESBUILD_BIN
want=$(awk '$0=="name = \"wasm-bindgen\"" {getline; gsub(/version = |"/,""); print; exit}' "$ROOT/Cargo.lock")
have=$("$WASM_BINDGEN_BIN" --version 2>/dev/null | awk '{print $2}')
if [ "$want" != "$have" ]; then
  echo "wasm-bindgen CLI is '${have:-missing}' but Cargo.lock has $want: run scripts/setup.sh" >&2
  exit 1
fi
cd "$ROOT/worker"
exec worker-build --release "$@"
