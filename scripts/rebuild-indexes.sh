#!/usr/bin/env bash
# Rebuilds every read model (queue, summaries, order and buyer indexes, snapshots) from the case
# logs, through the owner-only API route. Usage: scripts/rebuild-indexes.sh <base-url> <owner-email>
# (asks for the password).
set -euo pipefail
base=${1:?base url, e.g. http://127.0.0.1:8787}; email=${2:?owner e-mail}
read -r -s -p "password for $email: " password; echo
jar=$(mktemp); trap 'rm -f "$jar"' EXIT
csrf=$(curl -sf -c "$jar" -H 'Content-Type: application/json' \
  -d "$(printf '{"email":"%s","password":"%s"}' "$email" "$password")" "$base/api/staff/login" \
  | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
curl -sf -b "$jar" -X POST -H "X-CSRF-Token: $csrf" "$base/api/staff/rebuild-indexes"; echo
