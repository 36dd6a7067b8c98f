#!/usr/bin/env bash
# The API benchmark against the platform's floor (issue 13; docs/PERFORMANCE.md has the method
# and the figures). Not a test: timed runs. Builds the worker (scripts/build.sh) and the load
# generator, then one run starts the product on `wrangler dev` and a floor worker (bench/floor/:
# one KV get answered as JSON) side by side, and measures route by route against the floor:
# requests/s, p50, p99 and workerd's CPU per request, each with its ratio to the floor's.
#
#   scripts/bench-api.sh                 the full run (1,000 requests per route, 16 at a time, 60 s at most each)
#   BENCH_SHORT=1 scripts/bench-api.sh   200 per route (3 s at most each), no calibration: 70-90 s
#                                        on a shared 2-core machine (BENCH_CALIBRATE=1 adds it)
#   NO_BUILD=1 ...                       skip scripts/build.sh (the worker is already built)
#
# BENCH_COUNT, BENCH_WARMUP, BENCH_THREADS and BENCH_SECONDS (per run) override the load.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
[ -n "${NO_BUILD:-}" ] || step "build" scripts/build.sh
# BENCH_PROFILE=dev: the test command's smoke run builds the load generator with the test
# build's dependencies instead of a profile of its own (its figures are then not for reading).
profile=${BENCH_PROFILE:-loadgen}
step "load generator: cargo build --profile $profile" \
  cargo build --quiet --profile "$profile" -p tests --bin bench_api
[ "$profile" = dev ] && exec target/debug/bench_api
exec "target/$profile/bench_api"
