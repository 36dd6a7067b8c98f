#!/usr/bin/env bash
# Builds the buyer portal (Trunk, release) into dist/, the seller admin into dist/admin/, and the
# worker (worker-build) into worker/build/. Skips a part whose sources did not change since its
# last successful build (wasm-opt would otherwise rerun every time).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
stamps=.cache/build-stamps
admin_dist=.cache/admin-dist
desk_dist=.cache/desk-dist
mkdir -p "$stamps"

# The wasm builds name source files in their panic locations; by default those are this machine's
# absolute paths (the cargo registry under the home directory, the checkout). Mapped to short
# relative ones, the bundles name no directory of the machine that built them and weigh the same
# on every machine (a longer CARGO_HOME would otherwise add bytes against the size budgets). The
# flags replace .cargo/config.toml's for this target, so its `erase_components` is repeated.
wasm_flags="--cfg erase_components --remap-path-prefix=$ROOT/="
for registry in "$CARGO_HOME"/registry/src/*/; do
  wasm_flags+=" --remap-path-prefix=$registry="
done
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$wasm_flags"

# True when an output exists and no input is newer than the part's stamp.
fresh() { # part, output, inputs...
  local part=$1 output=$2; shift 2
  [ -e "$output" ] && [ -f "$stamps/$part" ] || return 1
  [ -z "$(find "$@" -newer "$stamps/$part" -type f -print -quit 2>/dev/null)" ]
}

common=(shared Cargo.toml Cargo.lock .cargo scripts/versions.env scripts/minify-assets.mjs
  package-lock.json Trunk.toml frontend/Cargo.toml frontend/src/lib.rs frontend/src/de.rs
  frontend/src/format.rs frontend/_headers)
# The portal's own sources are frontend/src without the admin; the admin's are its directory
# (both of its bundles: the daily admin and the owner's desk).
portal_sources=(index.html frontend/style.css $(find frontend/src \( -path frontend/src/admin -o -path frontend/src/bin \) -prune -o -type f -print))
admin_sources=(admin.html desk.html frontend/admin.css frontend/src/admin frontend/src/bin frontend/pwa)

if fresh portal dist/index.html "${portal_sources[@]}" "${common[@]}" && [ -f .cache/portal-hashes.txt ] \
  && [ -f .cache/portal-style-hashes.txt ]; then
  echo "portal: up to date"
else
  touch "$stamps/portal.next"   # taken before building: an edit made meanwhile is seen next time
  step "portal: trunk build --release" trunk build --release --dist dist index.html
  mv dist/inline-script-hashes.txt .cache/portal-hashes.txt
  mv dist/inline-style-hashes.txt .cache/portal-style-hashes.txt
  mv "$stamps/portal.next" "$stamps/portal"
fi
if [ -f "$desk_dist/index.html" ] && fresh admin "$admin_dist/index.html" "${admin_sources[@]}" "${common[@]}"; then
  echo "admin: up to date"
else
  touch "$stamps/admin.next"
  step "admin: trunk build --release" trunk build --release --dist "$admin_dist" --public-url /admin/ admin.html
  step "owner's desk: trunk build --release" trunk build --release --dist "$desk_dist" --public-url /admin/desk/ desk.html
  mv "$stamps/admin.next" "$stamps/admin"
fi
# The portal's build empties dist/, so the admin is copied in after it every time (a copy of a
# few hundred kilobytes), and the one Content-Security-Policy names both apps' inline loaders.
rm -rf dist/admin
mkdir -p dist/admin
cp -R "$admin_dist"/. dist/admin/
rm -f dist/admin/inline-script-hashes.txt dist/admin/inline-style-hashes.txt
mkdir -p dist/admin/desk
cp -R "$desk_dist"/. dist/admin/desk/
rm -f dist/admin/desk/inline-script-hashes.txt dist/admin/desk/inline-style-hashes.txt
# The portal's push service worker (Web Push on the case page): a static file, copied as is
# (after the portal's build, which empties dist/), never part of the page's first load.
cp frontend/pwa/push-sw.js dist/push-sw.js
# The admin's service worker, written for this build: the files it caches as the shell (every
# file of the admin's build, the page as /admin/) and a version from their contents, so a new
# build is a new worker that replaces the old caches (frontend/pwa/sw.js says how it serves).
(
  cd dist/admin
  files=$(find . -type f ! -name sw.js | sed 's|^\./||' | LC_ALL=C sort)
  version=$({ printf "%s\n" $files | xargs cat; cat "$ROOT/frontend/pwa/sw.js"; } | sha256sum | cut -c1-16)
  list=$(printf '%s\n' $files | grep -vx -e index.html -e desk/index.html | sed 's|.*|"/admin/&"|' | paste -sd, -)
  # The screens the desk's page draws, from the one list (shared::api::routes::ADMIN_DESK_SCREENS).
  desk_screens=$(grep -o 'ADMIN_DESK_SCREENS: \[&str; [0-9]*\] = \[[^]]*\]' "$ROOT/shared/src/api.rs" | sed 's/.*= //')
  [ -n "$desk_screens" ] || { echo "no ADMIN_DESK_SCREENS in shared/src/api.rs" >&2; exit 1; }
  sed -e "s|SHELL_FILES_JSON|[\"/admin/\",\"/admin/desk/\",$list]|" -e "s|BUILD_VERSION|$version|" \
    -e "s|DESK_SCREENS_JSON|$desk_screens|" "$ROOT/frontend/pwa/sw.js" > sw.js
)
hashes="$(cat .cache/portal-hashes.txt "$admin_dist/inline-script-hashes.txt" "$desk_dist/inline-script-hashes.txt" | tr '\n' ' ' | sed 's/ *$//')"
grep -q TRUNK_INLINE_SCRIPT_HASHES frontend/_headers || { echo "no TRUNK_INLINE_SCRIPT_HASHES in frontend/_headers" >&2; exit 1; }
# The portal's inlined stylesheet (index.html), by its hash; the admin's are files.
style_hashes="$(tr '\n' ' ' < .cache/portal-style-hashes.txt | sed 's/ *$//')"
grep -q TRUNK_INLINE_STYLE_HASHES frontend/_headers || { echo "no TRUNK_INLINE_STYLE_HASHES in frontend/_headers" >&2; exit 1; }
sed -e "s|TRUNK_INLINE_SCRIPT_HASHES|$hashes|" -e "s|TRUNK_INLINE_STYLE_HASHES|$style_hashes|" frontend/_headers > dist/_headers

if fresh worker worker/build/index.js worker/src worker/Cargo.toml worker/openapi.json "${common[@]}"; then
  echo "worker: up to date"
else
  touch "$stamps/worker.next"
  step "worker: worker-build --release" sh scripts/build-worker.sh
  mv "$stamps/worker.next" "$stamps/worker"
fi
