#!/usr/bin/env bash
# End-to-end tier: builds the examples, then drives them in real headless Chromium
# (playwright-core from client/node_modules, installed by client/test/run.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
# Each example below is built in release and handed to the tests as VANGO_<NAME>_BIN.
examples=(counter realtime routes randiff todo_keys todo todomvc islands hooks uploads signup devtools jsfb)
cargo build --release -p vango-loadgen
cargo build --release $(printf -- '--example %s ' "${examples[@]}")
dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
for e in "${examples[@]}"; do
  export "VANGO_${e^^}_BIN=$dir/release/examples/$e"
done
# Dev mode exists only in debug builds: the hot-reload example is built in debug.
cargo build --example devreload
export VANGO_DEVRELOAD_BIN="$dir/debug/examples/devreload"
export VANGO_LOADGEN_BIN="$dir/release/vango-loadgen"
# The dev tools exist only in debug builds: devtools.test.mjs also runs this one.
cargo build --example devtools && export VANGO_DEVTOOLS_DEBUG_BIN="$dir/debug/examples/devtools"
[ -d client/node_modules/playwright-core ] || (cd client && npm ci --no-audit --no-fund)
# The randomized differential test lives with the client's browser tests but needs the
# example server built above.
node --test --test-concurrency=1 tests/e2e/*.test.mjs client/test/randiff.test.mjs
