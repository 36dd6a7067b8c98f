#!/usr/bin/env bash
# The run command: sets up what is missing, builds, starts `wrangler dev` (portal and API on one
# origin, local KV, R2 and cron), seeds demo data and prints the URL and the demo staff logins.
# Ctrl-C stops everything. Data persists in .state/dev between runs (delete it to start over).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
PORT=${PORT:-8787}
STATE=${STATE:-$ROOT/.state/dev}

step "setup" scripts/setup.sh
step "build" scripts/build.sh

# Local secrets: random per checkout, kept in .dev.vars (git-ignored), read by wrangler dev.
if [ ! -f .dev.vars ]; then
  rand() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
  printf 'SIGNING_KEY=%s\nIMPORT_API_KEY=%s\nWEBHOOK_SECRET=%s\n' "$(rand)" "$(rand)" "$(rand)" > .dev.vars
  echo "wrote .dev.vars (local secrets)"
fi
# A VAPID key pair for Web Push (the case page's "Notify me on this phone"), once per checkout.
if ! grep -q '^VAPID_PRIVATE_KEY=' .dev.vars; then
  node -e 'const k=require("crypto").generateKeyPairSync("ec",{namedCurve:"P-256"}).privateKey.export({format:"jwk"});
    const pub=Buffer.concat([Buffer.from([4]),Buffer.from(k.x,"base64url"),Buffer.from(k.y,"base64url")]);
    console.log("VAPID_PRIVATE_KEY="+k.d+"\nVAPID_PUBLIC_KEY="+pub.toString("base64url")+"\nVAPID_SUBJECT=mailto:dev@example.cn")' >> .dev.vars
  echo "added a VAPID key pair to .dev.vars (Web Push)"
fi
IMPORT_API_KEY=$(sed -n 's/^IMPORT_API_KEY=//p' .dev.vars)

mkdir -p "$STATE"
LOG=$ROOT/.cache/wrangler-dev.log
: > "$LOG"
echo "starting wrangler dev on http://127.0.0.1:$PORT (log: $LOG)"
AFTERSALES_PREBUILT=1 setsid wrangler dev --ip 127.0.0.1 --port "$PORT" --persist-to "$STATE" \
  --test-scheduled --log-level warn --show-interactive-dev-session=false >"$LOG" 2>&1 </dev/null &
WRANGLER=$!
stop() { kill -TERM -- "-$WRANGLER" 2>/dev/null || true; wait "$WRANGLER" 2>/dev/null || true; }
trap stop EXIT INT TERM

for _ in $(seq 1 450); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/health" && break
  kill -0 "$WRANGLER" 2>/dev/null || { tail -40 "$LOG"; exit 1; }
  sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/health" || { tail -40 "$LOG"; echo "wrangler dev did not start" >&2; exit 1; }

step "seed demo data" cargo run -q -p tests --bin seed -- "http://127.0.0.1:$PORT" "$IMPORT_API_KEY"

cat <<MSG

  After-sales is running at http://127.0.0.1:$PORT
    buyer portal:  http://127.0.0.1:$PORT/
    seller admin:  http://127.0.0.1:$PORT/admin   (demo staff sign-ins above; a phone-sized window suits it)
    API:           http://127.0.0.1:$PORT/api/health   (routes: /api/openapi.json)
    run the deadline cron now: curl 'http://127.0.0.1:$PORT/__scheduled?cron=*/5+*+*+*+*'
  Ctrl-C stops it.
MSG
wait "$WRANGLER"
