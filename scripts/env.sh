# Sourced by the other scripts: shared settings, and the wasm32 toolchain environment.
# shellcheck shell=bash

# tools/ holds tools installed for this checkout (wasm-opt from npm); cargo's bin dir holds
# wasm-bindgen and trunk.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
TRUNK_VERSION=0.21.14
export WASM_BINDGEN_VERSION TRUNK_VERSION

# Runs a command with the wasm32 toolchain: rustup's target when it has one, otherwise
# Debian's rustc-web with -Zbuild-std (see ../shared/TOOLCHAIN.md). Its own target dir keeps
# the two compilers from invalidating each other's native build artefacts (WASM_TARGET_DIR
# overrides it: release-mode tests need their own, their std is built with another panic strategy).
with_wasm() {
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    CARGO_TARGET_DIR="${WASM_TARGET_DIR:-$PWD/target/wasm}" "$@"
  else
    RUSTUP_TOOLCHAIN=debian-web RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
      CARGO_TARGET_DIR="${WASM_TARGET_DIR:-$PWD/target/wasm}" "$@"
  fi
}
