#!/usr/bin/env bash
# Reproduces the single-node figures of docs/PERFORMANCE.md: committed evidence transactions per second and
# submit-to-commit latency at two state sizes, bytes on disk per transaction, and start-up time at that size.
# Usage: bench/scripts/single-node-figures.sh [RECORDS_LARGE] [OUT_DIR]     (default 1000000, artifacts/bench/single-node)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
large="${1:-1000000}"
out="${2:-$root/artifacts/bench/single-node}"
mkdir -p "$out"
"$root/huilian" --help >/dev/null   # builds once, before anything is timed
huilian_dll="$root/artifacts/huilian/huilian.dll"
huilian() { dotnet "$huilian_dll" "$@"; }   # the built command itself: edits made during the run cannot trigger a rebuild
huilian_bg() { exec dotnet "$huilian_dll" "$@"; }   # for `… &`: the background job's PID is the node's own

run_size() {
  local records="$1" name="$2" port="$3"
  local dir; dir="$(mktemp -d /tmp/huilian-figures.XXXXXX)"
  huilian_bg up --solo --dir "$dir" --port "$port" >"$out/$name-node.out" 2>"$out/$name-node.err" &
  local node=$!
  for _ in $(seq 1 120); do grep -q http "$out/$name-node.out" 2>/dev/null && break; sleep 0.5; done
  local url="http://127.0.0.1:$port"
  # Throughput: 64 clients × 50 transactions per request. The preload brings the state to the size measured.
  huilian bench --node "$url" --dir "$dir" --clients 64 --batch 50 --preload "$records" --warmup 5 --duration 30 \
      --out "$out/$name-throughput" 2>"$out/$name-throughput.log" | tee "$out/$name-throughput.txt"
  # Latency: 256 clients, one transaction per request, each waiting for its commit.
  huilian bench --node "$url" --dir "$dir" --clients 256 --batch 1 --warmup 5 --duration 30 \
      --out "$out/$name-latency" 2>"$out/$name-latency.log" | tee "$out/$name-latency.txt"
  kill -TERM "$node"; wait "$node" || true
  local transactions
  local data="$dir/nodes/node0/data"
  local chain_bytes snapshot_bytes
  chain_bytes=$(du -cb "$data"/chain.db* | tail -1 | cut -f1)
  snapshot_bytes=$(du -cb "$data"/snapshots | tail -1 | cut -f1)
  # Start-up: time from process start to serving (the node prints its URL once the chain is checked).
  local started=$(date +%s.%N)
  huilian_bg node run --dir "$dir/nodes/node0" --port "$port" >"$out/$name-restart.out" 2>"$out/$name-restart.err" &
  node=$!
  for _ in $(seq 1 600); do grep -q http "$out/$name-restart.out" 2>/dev/null && break; sleep 0.1; done
  local served=$(date +%s.%N)
  transactions=$(curl -s "$url/v1/status" | python3 -c "import json,sys;print(json.load(sys.stdin)['transactions'])")
  local rss
  rss=$(curl -s "$url/metrics" | awk '/^huilian_process_working_set_bytes/ {print $2}')
  kill -TERM "$node"; wait "$node" || true
  python3 - "$out/$name-summary.json" <<PY
import json, sys
summary = {
  "records": $records, "transactions": $transactions,
  "chainDbBytes": $chain_bytes, "snapshotBytes": $snapshot_bytes,
  "chainBytesPerTransaction": round($chain_bytes / $transactions, 1),
  "startupSeconds": round($served - $started, 2),
  "workingSetBytesAfterStart": $rss,
  "startupLog": open("$out/$name-restart.err").read().strip().splitlines()[-1],
}
json.dump(summary, open(sys.argv[1], "w"), indent=2)
print(json.dumps(summary, indent=2))
PY
  rm -rf "$dir"
}

run_size 10000 "state-10k" 38910
run_size "$large" "state-large" 38920
