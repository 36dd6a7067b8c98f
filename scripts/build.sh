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
  frontend/src/format.rs frontend/src/core.rs frontend/_headers)
# The portal's own sources are its module and its three bins; the admin's are its directory and
# its two bins (the daily admin and the owner's desk).
portal_sources=(index.html frontend/style.css frontend/src/portal frontend/src/main.rs
  frontend/src/bin/order.rs frontend/src/bin/case.rs)
admin_sources=(admin.html desk.html frontend/admin.css frontend/src/admin frontend/src/bin/admin.rs
  frontend/src/bin/desk.rs frontend/pwa)
# The portal's order and case pages (shared::api::routes::PortalPage): each its own bundle, built
# from index.html (the same shell, styles and loader) with its own bin, served from
# /p/{order,case}/ (the worker answers /order/… and /case/… with their page).
portal_pages=(order case)

if fresh portal dist/index.html "${portal_sources[@]}" "${common[@]}" && [ -f .cache/portal-hashes.txt ] \
  && [ -f .cache/pages/order-dist/index.html ] && [ -f .cache/pages/case-dist/index.html ] \
  && [ -f .cache/portal-style-hashes.txt ]; then
  echo "portal: up to date"
else
  touch "$stamps/portal.next"   # taken before building: an edit made meanwhile is seen next time
  mkdir -p .cache/pages
  for page in "${portal_pages[@]}"; do
    # The page's copy of index.html sits two directories down: its links climb back to the root.
    sed -e "s|data-bin=\"frontend\"|data-bin=\"$page\"|" -e 's|href="frontend/|href="../../frontend/|g' \
      index.html > ".cache/pages/$page.html"
    grep -q "data-bin=\"$page\"" ".cache/pages/$page.html" || { echo "index.html names no data-bin=\"frontend\"" >&2; exit 1; }
    rm -rf ".cache/pages/$page-dist"
    step "portal $page page: trunk build --release" trunk build --release \
      --dist ".cache/pages/$page-dist" --public-url "/p/$page/" ".cache/pages/$page.html"
  done
  step "portal: trunk build --release" trunk build --release --dist dist index.html
  cat dist/inline-script-hashes.txt $(printf '.cache/pages/%s-dist/inline-script-hashes.txt ' "${portal_pages[@]}") \
    > .cache/portal-hashes.txt
  cat dist/inline-style-hashes.txt $(printf '.cache/pages/%s-dist/inline-style-hashes.txt ' "${portal_pages[@]}") \
    | sort -u > .cache/portal-style-hashes.txt
  rm dist/inline-script-hashes.txt dist/inline-style-hashes.txt
  mv "$stamps/portal.next" "$stamps/portal"
fi
# The lookup's build empties dist/: the other pages are copied in after it.
for page in "${portal_pages[@]}"; do
  mkdir -p "dist/p/$page"
  cp -R ".cache/pages/$page-dist"/. "dist/p/$page/"
  rm -f "dist/p/$page/inline-script-hashes.txt" "dist/p/$page/inline-style-hashes.txt"
done
# Each page names the files of the page a buyer goes to next, for its shell's script to fetch
# into the cache once the page has started (index.html says why): the lookup's next is the order
# page, the order's the case page.
next_page() { # page html, next page's directory
  local files
  files=$(cd "$2" && ls -- *.wasm *.js | sed "s|^|/${2#dist/}/|" | paste -sd' ' -)
  grep -q '<meta name="next-page"' "$1" || sed -i "s|</head>|<meta name=\"next-page\" content=\"$files\"></head>|" "$1"
  grep -q "<meta name=\"next-page\" content=\"$files\"" "$1" || { echo "no next-page files in $1" >&2; exit 1; }
}
next_page dist/index.html dist/p/order
next_page dist/p/order/index.html dist/p/case
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
  # (rustfmt may break the declaration over lines: read it as one.)
  desk_screens=$(tr '\n' ' ' < "$ROOT/shared/src/api.rs" | grep -o 'ADMIN_DESK_SCREENS: \[&str; [0-9]*\] = *\[[^]]*\]' | sed 's/.*= *//' | tr -s ' ')
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
