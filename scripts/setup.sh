#!/usr/bin/env bash
# Installs whatever is missing, at the versions pinned in scripts/versions.env, package-lock.json
# and Cargo.lock. Idempotent: a second run checks versions and installs nothing.
#   scripts/setup.sh            build and run tools
#   scripts/setup.sh --browser  plus Chromium and chromedriver for the browser tests
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

have_version() { # command, expected version substring
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

rustup target list --installed | grep -qx "$RUST_TARGET" || rustup target add "$RUST_TARGET"

# npm: reinstall only when package-lock.json changed since the last install.
stamp=node_modules/.lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # `npm install`, not `npm ci`: the registry here serves only this platform's builds of workerd's
  # optional packages, which npm leaves out of the lock file and `npm ci` then refuses. The lock
  # file still pins every version; install does not change it.
  npm install --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

# The three build tools are compiled here once. Their own release profiles (Trunk's is fat LTO
# with one codegen unit) make that the slowest part of a cold set-up on 2 cores; a profile that
# compiles fast (no LTO, parallel codegen, -O1) cuts it to a few minutes, and the tools only
# orchestrate and rewrite a few megabytes, so they stay quick (measured: Trunk 4 min to install).
tool_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false \
    cargo install "$@"
}
have_version worker-build "$WORKER_BUILD_VERSION" || tool_install --locked "worker-build@$WORKER_BUILD_VERSION"
wbg=$(lockver wasm-bindgen)
# Without --locked: the CLI's own lock file names a crate version the registry lacks.
have_version wasm-bindgen "$wbg" || tool_install "wasm-bindgen-cli@$wbg"
have_version trunk "$TRUNK_VERSION" || tool_install --locked "trunk@$TRUNK_VERSION"

if [ "${1:-}" = "--browser" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq $APT_PACKAGES >/dev/null
  fi
  # The OpenAPI fuzzer (schemathesis, from PyPI) in its own virtual environment, every package
  # pinned; reinstalled only when the pins change.
  venv=.cache/schemathesis
  want=$(sha256sum scripts/schemathesis-requirements.txt | cut -d' ' -f1)
  if [ "$(cat "$venv/.pins" 2>/dev/null)" != "$want" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/schemathesis-requirements.txt
    echo "$want" > "$venv/.pins"
  fi
fi
echo "tools: node $(node --version), $(wrangler --version 2>/dev/null | head -1 | tr -d '\n'), worker-build $(worker-build --version | tr -d "\n"), $(wasm-bindgen --version), $(trunk --version), wasm-opt $(wasm-opt --version | awk '{print $3}')"
