#!/usr/bin/env bash
# Client test tier for the repo-level runner: installs pinned npm packages and Debian's
# Chromium when missing, then runs the node tests and the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
npm ci --no-audit --no-fund
npm test
npm run test:browser
