#!/usr/bin/env bash
# Backup and restore of a shop, through its API (the same against `wrangler dev` and a deployed
# worker): every case log, orders, staff, settings, canned replies, the policy's change log, push
# subscriptions and every proof photo, to a file set a shop can keep (README, "Backup").
#
#   scripts/backup.sh export <dir> --url https://shop.example --email owner@shop.example [--password-hashes]
#   scripts/backup.sh restore <dir> --url https://new.shop.example
#
# Export signs in as the owner (password asked for, or AFTERSALES_OWNER_PASSWORD); restore needs
# the shop system's import key (asked for, or AFTERSALES_API_KEY) and a shop with no accounts,
# orders or cases yet (a fresh deployment, not bootstrapped). Options: --jobs N (parallel
# requests, default 4). AFTERSALES_URL / AFTERSALES_OWNER_EMAIL stand in for --url / --email.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
  export)
    if [ -z "${AFTERSALES_OWNER_PASSWORD:-}" ]; then
      read -r -s -p "owner's password: " AFTERSALES_OWNER_PASSWORD; echo >&2
      export AFTERSALES_OWNER_PASSWORD
    fi ;;
  restore)
    if [ -z "${AFTERSALES_API_KEY:-}" ]; then
      read -r -s -p "shop system's import key: " AFTERSALES_API_KEY; echo >&2
      export AFTERSALES_API_KEY
    fi ;;
  *) echo "usage: scripts/backup.sh export|restore <dir> [--url URL] [--email OWNER] [--password-hashes] [--jobs N]" >&2; exit 2 ;;
esac
cd "$ROOT"
exec cargo run -q -p tests --bin backup -- "$@"
