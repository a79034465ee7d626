#!/usr/bin/env bash
# End-to-end tier: builds the examples, then drives them in real headless Chromium
# (playwright-core from client/node_modules, installed by client/test/run.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --example counter --example realtime --example routes --example randiff --example todo_keys --example todo --example signup
dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
export VANGO_COUNTER_BIN="$dir/release/examples/counter"
export VANGO_REALTIME_BIN="$dir/release/examples/realtime"
export VANGO_ROUTES_BIN="$dir/release/examples/routes"
export VANGO_RANDIFF_BIN="$dir/release/examples/randiff"
export VANGO_TODO_KEYS_BIN="$dir/release/examples/todo_keys"
export VANGO_TODO_BIN="$dir/release/examples/todo"
export VANGO_SIGNUP_BIN="$dir/release/examples/signup"
[ -d client/node_modules/playwright-core ] || (cd client && npm ci --no-audit --no-fund)
# The randomized differential test lives with the client's browser tests but needs the
# example server built above.
node --test --test-concurrency=1 tests/e2e/*.test.mjs client/test/randiff.test.mjs
