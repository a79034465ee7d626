#!/usr/bin/env bash
# Scale-out tier: the realtime example built with the redis feature, two node processes
# and a real redis-server, driven in headless Chromium (tests/redis/two_nodes.test.mjs).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --features redis --example realtime
dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
export VANGO_REALTIME_REDIS_BIN="$dir/debug/examples/realtime"
[ -d client/node_modules/playwright-core ] || (cd client && npm ci --no-audit --no-fund)
node --test --test-concurrency=1 tests/redis/*.test.mjs
