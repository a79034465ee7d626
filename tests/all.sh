#!/usr/bin/env bash
# Runs every test tier: lints, Rust unit/integration/doc tests, loom models, client tests
# (node + real Chromium), end-to-end tests against the real server in Chromium, and the
# systemd unit check, and the aarch64 build under qemu. Installs what a fresh machine lacks
# (Debian packages, npm packages, the aarch64 Rust target).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# Debian packages the tiers need: chromium (browser tests), curl (HTTP tests through a
# real client), systemd-analyze (unit check), systemd-socket-activate (tests/systemd.rs) and
# python3 (tests/e2e/activate.py holds the listening socket across restarts).
# Installed in one go when missing.
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v systemd-analyze >/dev/null 2>&1 && command -v systemd-socket-activate >/dev/null 2>&1 ||
  missing+=(systemd)
# redis-server, nginx and haproxy: the Redis bridge's tests (the `redis` feature) and the
# sticky-session proxies run against real ones.
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The client's npm packages (esbuild, playwright-core): the client and end-to-end tiers
# use them, and so does the CLI's test of `vango test`'s browser step (cargo test below).
if [ ! -d client/node_modules/playwright-core ] || [ ! -d client/node_modules/esbuild ]; then
  step "npm ci (client)"
  (cd client && npm ci --no-audit --no-fund)
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets --all-features -D warnings"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "cargo doc -D warnings (broken or private intra-doc links)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

step "cargo test (unit, integration, doc)"
cargo test --workspace

step "the serde feature: persisting serde types (its test and doctests)"
cargo test --features serde --test global_serde
cargo test --features serde --doc persisted_serde

# Fixed test ports sit below 32768, outside the kernel's ephemeral range (tests/redis/redis.mjs).
step "the redis feature: the bridge against a real redis-server (ports 27379-27391)"
# named nodes (sticky routing): their ids, cookies and resumes, and App::node's example
cargo test --features nodes --test node
cargo test --features nodes --doc App::node
cargo test --features redis --test redis_bridge
cargo test --features redis --test redis_presence
cargo test --features redis --lib features::redis
bash tests/redis/run.sh

step "loom models of the cross-core bus (release, --cfg loom)"
RUSTFLAGS="--cfg loom" cargo test -p vango-loom-tests --release --target-dir target/loom

step "client: codec, shared vectors, bundle staleness and size, patching in Chromium"
bash client/test/run.sh

step "end to end: real server, real Chromium"
bash tests/e2e/run.sh

step "ARM: the counter cross-built for aarch64, its end-to-end test under qemu-user"
bash tests/e2e/arm.sh

step "systemd units: verify, and a security exposure of at most 1.5"
cargo build --release --example counter
tmp=$(mktemp -d)
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
sed "s|/usr/local/bin/vango-app|$target_dir/release/examples/counter|" systemd/vango.service >"$tmp/vango.service"
cp systemd/vango.socket "$tmp/vango.socket"
systemd-analyze verify "$tmp/vango.service" "$tmp/vango.socket"
# --threshold counts tenths: 15 is an exposure of 1.5.
if ! exposure=$(systemd-analyze security --offline=true --threshold=15 "$tmp/vango.service" 2>&1); then
  printf '%s\n' "$exposure"
  echo "systemd/vango.service: exposure above 1.5" >&2
  exit 1
fi
printf '%s\n' "$exposure" | tail -n 1
rm -rf "$tmp"

echo
echo "all tiers passed"
