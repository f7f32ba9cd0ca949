#!/usr/bin/env bash
# Reproduces the four-validator figures of docs/PERFORMANCE.md on this machine, all nodes on loopback:
#   1. the maximum committed rate (closed loop) and latency there;
#   2. latency in open loop at 80% of that maximum;
#   3. the time a validator killed with SIGKILL takes to rejoin (start to caught up, process start included);
#   4. the catch-up rate of a validator that was down while the others committed RECORDS transactions.
# Usage: bench/scripts/network-figures.sh [RECORDS] [OUT_DIR]          (default 100000, artifacts/bench/network)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
records="${1:-100000}"
out="${2:-$root/artifacts/bench/network}"
mkdir -p "$out"
"$root/huilian" --help >/dev/null   # builds once, before anything is timed
huilian_dll="$root/artifacts/huilian/huilian.dll"
huilian() { dotnet "$huilian_dll" "$@"; }
dir="$(mktemp -d /tmp/huilian-network-figures.XXXXXX)"
trap 'huilian network down --dir "$dir" >/dev/null 2>&1 || true' EXIT

height_of() {  # height_of NODE
  huilian network status --dir "$dir" --json | python3 -c "import json,sys; print(next((n['height'] or 0) for n in json.load(sys.stdin)['nodes'] if n['name']=='$1'))"
}
now_ms() { date +%s%3N; }

huilian network up --validators 4 --dir "$dir" | tee "$out/network.txt"
sleep 3

# 1. Closed loop: 32 clients × 50 transactions per request, each client's first 80 batches signed before warm-up
#    (the generator shares the two cores with the four nodes; signing during the window would take from them).
huilian bench --network "$dir" --dir "$dir" --clients 32 --batch 50 --presign 80 --warmup 5 --duration 30 \
    --out "$out/closed" 2>"$out/closed.log" | tee "$out/closed.txt"
max_rate="$(python3 -c "import json; print(json.load(open('$out/closed.json'))['committedPerSecond'])")"
rate="$(python3 -c "print(int($max_rate * 0.8))")"

# 2. Open loop at 80% of the maximum.
# Presigned too: enough for the whole run at that rate (rate × 40 s ÷ 64 clients ÷ 10 per batch, rounded up).
presign_open="$(python3 -c "import math; print(math.ceil($rate * 40 / 64 / 10))")"
huilian bench --network "$dir" --dir "$dir" --clients 64 --batch 10 --rate "$rate" --presign "$presign_open" --warmup 5 --duration 30 \
    --out "$out/open80" 2>"$out/open80.log" | tee "$out/open80.txt"

# 3. Rejoin: SIGKILL node3 while the chain runs, wait 10 s, start it, time until it has the others' height.
huilian network kill node3 --dir "$dir"
sleep 10
target="$(height_of node0)"
start="$(now_ms)"
huilian network start node3 --dir "$dir" >/dev/null
until [ "$(height_of node3)" -ge "$target" ]; do sleep 0.1; done
echo "rejoin: node3 reached height $target (10 s of blocks behind) $(( $(now_ms) - start )) ms after 'network start'" | tee "$out/rejoin.txt"

# 4. Catch-up: node3 down while the others commit RECORDS transactions; then time its sync.
tx_of() {  # tx_of NODE: transactions on its chain
  curl -s "$(python3 -c "import json; print(next(n['url'] for n in json.load(open('$dir/network.json'))['nodes'] if n['name']=='$1'))")/v1/status" \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['transactions'])"
}
huilian network stop node3 --dir "$dir"
before="$(height_of node0)"
before_tx="$(tx_of node0)"
# The load generator's preload can fall short of its target on a network (a client stops at a refused batch), so
# preload again until the others are RECORDS transactions ahead.
# Only the running nodes receive it (a preload that cannot reach a node fails rather than fall short).
running_nodes=()
for name in node0 node1 node2; do
  running_nodes+=(--node "$(python3 -c "import json; print(next(n['url'] for n in json.load(open('$dir/network.json'))['nodes'] if n['name']=='$name'))")")
done
while [ "$(( $(tx_of node0) - before_tx ))" -lt "$records" ]; do
  huilian bench "${running_nodes[@]}" --dir "$dir" --clients 32 --batch 50 --preload "$(( records - ($(tx_of node0) - before_tx) ))" \
      --warmup 0 --duration 1 --ceiling-seconds 0.1 --out "$out/preload" 2>>"$out/preload.log" >>"$out/preload.txt"
done
sleep 2
target="$(height_of node0)"
target_tx="$(tx_of node0)"
start="$(now_ms)"
huilian network start node3 --dir "$dir" >/dev/null
serving="$(( $(now_ms) - start ))"
until [ "$(height_of node3)" -ge "$target" ]; do sleep 0.2; done
elapsed="$(( $(now_ms) - start ))"
behind="$(( target_tx - before_tx ))"
echo "catch-up: node3 was $(( target - before )) blocks and $behind transactions behind; serving after $serving ms (process start and chain check), caught up after $elapsed ms: $(( behind * 1000 / (elapsed - serving) )) tx/s while syncing, $(( behind * 1000 / elapsed )) tx/s from start" | tee "$out/catchup.txt"
huilian network status --dir "$dir" | tee "$out/status.txt"
