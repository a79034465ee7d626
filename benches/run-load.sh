#!/usr/bin/env bash
# Runs the load generator against the echo floor, the counter, the list workload, the
# counter's reconnect + resume, and the GlobalSignal fan-out back
# to back (same build, same machine state), appends one JSON line per run to
# benches/results/loadgen.jsonl, and regenerates BENCHMARKS.md.
# Usage: bash benches/run-load.sh [sessions-checkpoints] [rate] [seconds] [closed-sessions] [reconnect-sessions]
set -euo pipefail
cd "$(dirname "$0")/.."
sessions=${1:-1000,5000,10000,19000}
rate=${2:-2000}
secs=${3:-10}
closed=${4:-1000}
reconnect=${5:-1000}
mkdir -p benches/results
cargo build --release --examples
port=18400
for w in echo counter list; do
  cargo run --release -p vango-loadgen -- --workload "$w" --sessions "$sessions" --rate "$rate" \
    --seconds "$secs" --closed "$closed" --port "$port" --json benches/results/loadgen.jsonl
  port=$((port + 1))
  sleep 2
done
# Reconnect + resume of every session: one at a time, 16 at once, then all at once (a storm).
for k in 1 16 "$reconnect"; do
  cargo run --release -p vango-loadgen -- --workload reconnect --sessions "$reconnect" --concurrency "$k" \
    --port "$port" --json benches/results/loadgen.jsonl
  port=$((port + 1))
  sleep 2
done
# One GlobalSignal write → a patch at each of 10,000 sessions over 2 cores.
cargo run --release -p vango-loadgen -- --workload fanout --sessions 10000 --port "$port" \
  | tee benches/results/fanout.txt
python3 benches/report.py --loadgen-cmd "bash benches/run-load.sh $sessions $rate $secs $closed $reconnect" \
  --criterion-cmd "cargo bench --bench <name> -- --warm-up-time 1 --measurement-time 3"
