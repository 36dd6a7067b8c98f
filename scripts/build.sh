#!/usr/bin/env bash
# Builds the portal (Trunk, release) into dist/ and the worker (worker-build) into worker/build/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
step "portal: trunk build --release" trunk build --release --dist dist
step "worker: worker-build --release" sh scripts/build-worker.sh
