#!/usr/bin/env bash
# The portal's load benchmark (not a test: timed runs): builds, serves the built portal on
# `wrangler dev` behind a gzip proxy (the edge compresses what it serves; wrangler dev does not)
# and measures first paint and "ready" in headless Chromium with Slow 4G / Slow 3G network and
# 4× CPU throttling, three runs each (scripts/bench-portal.mjs says how). README.md "Speed" has
# the numbers. RUNS=5 for more runs; DIST=<dir> measures another build of the portal.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
RUNS=${RUNS:-3}
[ -n "${DIST:-}" ] || step "build" scripts/build.sh
STATE=$(mktemp -d "$TMPDIR/bench-state.XXXXXX")
LOG=$ROOT/.cache/bench-wrangler.log
port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
PORT=$(port)
AFTERSALES_PREBUILT=1 setsid wrangler dev --ip 127.0.0.1 --port "$PORT" --persist-to "$STATE" \
  --inspector-port "$(port)" --log-level warn --show-interactive-dev-session=false \
  ${DIST:+--assets "$DIST"} >"$LOG" 2>&1 </dev/null &
WRANGLER=$!
stop() { kill -TERM -- "-$WRANGLER" 2>/dev/null || true; wait "$WRANGLER" 2>/dev/null || true; rm -rf "$STATE"; }
trap stop EXIT INT TERM
for _ in $(seq 1 450); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/health" && break
  kill -0 "$WRANGLER" 2>/dev/null || { tail -40 "$LOG"; exit 1; }
  sleep 0.2
done
node scripts/bench-portal.mjs "http://127.0.0.1:$PORT/" "$RUNS"
