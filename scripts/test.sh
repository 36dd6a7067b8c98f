#!/usr/bin/env bash
# The test command: sets up what is missing (with Chromium), builds, then runs every check. A
# failing check does not hide the others: all run, the failures are listed, and the command exits
# non-zero. The API and browser tests run last, so the test runner's summary line ends the output.
# No process is left behind: wrangler and chromedriver run in process groups that die with the
# test binary.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
started=$SECONDS
failed=()
check() { # name, command...
  local name=$1; shift
  step "$name" "$@" || { failed+=("$name"); printf '\033[31m   FAILED: %s\033[0m\n' "$name"; }
}

# Without the tools and the build nothing else can run: these stop the command.
step "setup" scripts/setup.sh --browser || exit 1
check "format: cargo fmt --check" cargo fmt --all -- --check
step "build" scripts/build.sh || exit 1
check "size budgets" scripts/sizes.sh
check "edge bundle: wrangler deploy --dry-run" \
  env AFTERSALES_PREBUILT=1 wrangler deploy --dry-run --outdir .cache/deploy-dry-run
check "lint: cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
check "lint: cargo clippy (end-to-end tests)" cargo clippy -p tests --all-targets --features e2e -- -D warnings
check "unit and property tests: cargo test --workspace" cargo test --workspace --quiet
# The JSON reader (frontend/src/de.rs) where it runs: in wasm, on JSON.parse's values, beside
# serde_json (in Node, by the wasm-bindgen-test-runner that setup installs with wasm-bindgen).
check "JSON reader: cargo test -p frontend --lib (wasm32)" \
  env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p frontend --lib --target wasm32-unknown-unknown
# Hostile input on the worker's 32-bit arithmetic: every request decoder and the photo validator,
# driven with mutated inputs on wasm32 in Node (fuzz/, docs/RELIABILITY.md). The short mode: a
# fixed seed and 1,500 cases per decoder; FUZZ_CASES=100000 at build time for a long run.
check "hostile input: cargo test -p fuzz --lib (wasm32)" \
  env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p fuzz --lib --target wasm32-unknown-unknown

# The API benchmark's short run (docs/PERFORMANCE.md): the product and the floor worker side by
# side, every route measured; it fails if any request fails. Its figures are not judged here
# (timings on a shared CI machine are noise): the KV operations per route are, in the e2e tests.
check "API benchmark, short run: scripts/bench-api.sh" \
  env NO_BUILD=1 BENCH_SHORT=1 BENCH_COUNT=100 BENCH_PROFILE=dev scripts/bench-api.sh

mkdir -p test-artifacts/screenshots
if [ ${#failed[@]} -gt 0 ]; then
  printf '\n\033[31mFailed before the end-to-end tests: %s\033[0m\n' "${failed[*]}"
else
  echo "(every check before the end-to-end tests passed, $((SECONDS - started)) s)"
fi
printf '\n\033[1m== integration and browser tests against wrangler dev (screenshots: test-artifacts/screenshots/)\033[0m\n'
cargo test -p tests --features e2e --test e2e -- --test-threads 2
e2e=$?
# The test binary's watchdogs stop its servers and browsers when it exits; this only catches
# anything that outlived them (a test binary killed with SIGKILL, say).
sleep 4
pkill -KILL -f "$ROOT/test-artifacts/(state|chrome)" 2>/dev/null
[ ${#failed[@]} -eq 0 ] && exit $e2e
exit 1
