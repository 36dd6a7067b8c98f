#!/usr/bin/env bash
# Prints the shipped artefacts' sizes (raw and gzip -9) and fails when a budget is passed.
# Budgets: the worker as uploaded to the edge, and everything a phone downloads on the first load
# of the buyer portal and of the seller admin (each its own app).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
WORKER_BUDGET_GZIP=$((1024 * 1024))   # 1 MiB: the edge's free-plan limit for a compressed worker
PORTAL_BUDGET_GZIP=$((250 * 1000))    # 250 KB first load (the goal is 200 KB)
PORTAL_GOAL_GZIP=$((200 * 1000))
ADMIN_BUDGET_GZIP=$((250 * 1000))     # the seller admin's first load (the goal is 150 KB)
ADMIN_GOAL_GZIP=$((150 * 1000))
# The owner's desk (analytics, settings, team, replies) loads when one of its screens opens,
# after the daily admin: its own budget (300 KB: a deferred load that holds every owner screen),
# so its weight never reaches the queue's first load.
DESK_BUDGET_GZIP=$((300 * 1000))

gz() { gzip -9c "$1" | wc -c; }
row() { printf '%-44s %10d %10d\n' "$1" "$(stat -c %s "$2")" "$(gz "$2")"; }
# Everything a first load of the app in $1 fetches: its page, wasm, JS glue and stylesheet.
first_load() { # dir, label
  local total=0 f
  for f in "$1"/index.html "$1"/*.wasm "$1"/*.js "$1"/*.css; do
    [ -f "$f" ] || continue
    # The service workers (the admin's, the portal's push one) are fetched by the browser after
    # the page, not by the page (the push one only once a buyer turns notifications on).
    case "${f##*/}" in sw.js | push-sw.js) continue ;; esac
    row "$2 ${f#"$1"/}" "$f" >&2
    total=$((total + $(gz "$f")))
  done
  echo "$total"
}

printf '%-44s %10s %10s\n' artefact raw gzip
worker_wasm=worker/build/index_bg.wasm
[ -f "$worker_wasm" ] || worker_wasm=$(ls worker/build/*.wasm | head -1)
row "worker wasm ($worker_wasm)" "$worker_wasm"
worker_gz=$(gz "$worker_wasm")
for f in worker/build/*.js; do row "worker glue ($f)" "$f"; worker_gz=$((worker_gz + $(gz "$f"))); done

# The portal's three pages are three bundles (shared::api::routes::PortalPage): a buyer's first
# load is any one of them (the lookup, or an order or case link from an e-mail), so each is held
# to the portal's budget, and the line below names the heaviest.
portal_gz=0
for page in lookup order case; do
  dir=dist; [ "$page" = lookup ] || dir=dist/p/$page
  [ -f "$dir/index.html" ] || { echo "FAIL: no portal $page page in $dir" >&2; exit 1; }
  page_gz=$(first_load "$dir" "portal $page")
  printf '%-44s %21d\n' "portal $page page first load gzip" "$page_gz"
  [ "$page_gz" -le "$portal_gz" ] || portal_gz=$page_gz
done
admin_gz=$(first_load dist/admin admin)
desk_gz=$(first_load dist/admin/desk desk)
[ -f dist/admin/desk/index.html ] || { echo "FAIL: no owner's desk build in dist/admin/desk" >&2; exit 1; }
[ -f dist/admin/index.html ] || { echo "FAIL: no admin build in dist/admin" >&2; exit 1; }
[ -f dist/admin/sw.js ] || { echo "FAIL: no service worker in dist/admin" >&2; exit 1; }
row "admin service worker (after the first load)" dist/admin/sw.js
printf '%-44s %21d (budget %d)\n' "worker total gzip" "$worker_gz" "$WORKER_BUDGET_GZIP"
printf '%-44s %21d (budget %d, goal %d)\n' "portal first load gzip (heaviest page)" "$portal_gz" \
  "$PORTAL_BUDGET_GZIP" "$PORTAL_GOAL_GZIP"
printf '%-44s %21d (budget %d, goal %d)\n' "admin first load gzip" "$admin_gz" \
  "$ADMIN_BUDGET_GZIP" "$ADMIN_GOAL_GZIP"
printf '%-44s %21d (budget %d)\n' "owner's desk load gzip" "$desk_gz" "$DESK_BUDGET_GZIP"
fail=0
[ "$desk_gz" -le "$DESK_BUDGET_GZIP" ] || {
  echo "FAIL: the owner's desk is $((desk_gz - DESK_BUDGET_GZIP)) bytes over its budget" >&2; fail=1; }
[ "$admin_gz" -le "$ADMIN_BUDGET_GZIP" ] || {
  echo "FAIL: the admin's first load is $((admin_gz - ADMIN_BUDGET_GZIP)) bytes over its budget" >&2; fail=1; }
[ "$worker_gz" -le "$WORKER_BUDGET_GZIP" ] || { echo "FAIL: the worker is over its budget" >&2; fail=1; }
[ "$portal_gz" -le "$PORTAL_BUDGET_GZIP" ] || {
  echo "FAIL: the portal's first load is $((portal_gz - PORTAL_BUDGET_GZIP)) bytes over its budget" >&2; fail=1; }
if [ "$portal_gz" -le "$PORTAL_BUDGET_GZIP" ] && [ "$portal_gz" -gt "$PORTAL_GOAL_GZIP" ]; then
  echo "note: the portal is within its budget but over the 200 KB goal"
fi
exit $fail
