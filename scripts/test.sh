#!/usr/bin/env bash
# The test command: sets up what is missing (with Chromium), then runs every check. Exits non-zero
# on the first failure; ends with the test runner's summary line; leaves no process behind
# (wrangler and chromedriver run in process groups that die with the test binary).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
started=$SECONDS
step "setup" scripts/setup.sh --browser
step "format: cargo fmt --check" cargo fmt --all -- --check
step "build" scripts/build.sh
step "size budgets" scripts/sizes.sh
step "edge bundle: wrangler deploy --dry-run" \
  env AFTERSALES_PREBUILT=1 wrangler deploy --dry-run --outdir .cache/deploy-dry-run --log-level warn
step "lint: cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
step "lint: cargo clippy (e2e tests)" cargo clippy -p tests --all-targets --features e2e -- -D warnings
step "unit and property tests: cargo test --workspace" cargo test --workspace --quiet
mkdir -p test-artifacts/screenshots
echo "(all checks before the end-to-end tests passed in $((SECONDS - started)) s; screenshots go to test-artifacts/screenshots/)"
# Last, so that its summary line ends the output: the API and browser tests against wrangler dev.
printf '\n\033[1m== integration and browser tests against wrangler dev\033[0m\n'
exec cargo test -p tests --features e2e --test e2e -- --test-threads 2
