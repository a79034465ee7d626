#!/usr/bin/env bash
# ARM tier: cross-builds the counter for aarch64 (ARM boards, Graviton-class VPSes) and runs
# the counter's real-browser end-to-end test against that binary under qemu-user, so a
# change that breaks the ARM build or its behaviour fails here rather than on a board.
# Installs the aarch64 Rust target, Debian's cross gcc (the linker) and qemu-user.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=aarch64-unknown-linux-gnu
missing=()
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || missing+=(gcc-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
rustup target list --installed | grep -qx "$target" || rustup target add "$target"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
cargo build --release --target "$target" --example counter
dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$dir/$target/release/examples/counter"
# ELF e_machine (offset 18) is 0xb7 for AArch64.
[ "$(od -An -tx1 -j18 -N1 "$bin" | tr -d ' ')" = b7 ] || { echo "not an aarch64 binary: $bin" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The harness spawns one executable: a wrapper that runs the ARM binary under emulation
# (exec, so the harness's SIGTERM reaches qemu, which passes it to the server).
printf '#!/bin/sh\nexec qemu-aarch64 -L /usr/aarch64-linux-gnu "%s" "$@"\n' "$bin" >"$tmp/counter"
chmod +x "$tmp/counter"
[ -d client/node_modules/playwright-core ] || (cd client && npm ci --no-audit --no-fund)
VANGO_COUNTER_BIN="$tmp/counter" node --test --test-concurrency=1 tests/e2e/counter.test.mjs
