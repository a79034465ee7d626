#!/usr/bin/env bash
# Scale-out tier: the realtime example built with the redis feature, two node processes
# and a real redis-server, driven in headless Chromium (tests/redis/two_nodes.test.mjs);
# nginx and HAProxy in front of two named nodes, sticky on their cookie, with a socket
# cut and a node killed (failover.test.mjs, sticky.test.mjs; the todo example too).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || { echo "haproxy not installed" >&2; exit 1; }
export PATH="$PATH:/usr/sbin"
cargo build --features redis --example realtime --example todo
dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
export VANGO_REALTIME_REDIS_BIN="$dir/debug/examples/realtime"
export VANGO_TODO_BIN="$dir/debug/examples/todo"
[ -d client/node_modules/playwright-core ] || (cd client && npm ci --no-audit --no-fund)
node --test --test-concurrency=1 tests/redis/*.test.mjs
