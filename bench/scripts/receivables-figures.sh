#!/usr/bin/env bash
# Reproduces the receivables figures of docs/PERFORMANCE.md: the export receivables financing lifecycle on one node
# (publish, verify, apply, accept, review, disburse, repay; committed transactions per second and latency) and, in
# the same run, the central-database baseline — the same rules written against PostgreSQL, installed and started
# here (bench/scripts/postgres.sh) — with Huilian's rate as a ratio of PostgreSQL's. Two loads: many financings in
# flight per client (clients × batch), and one at a time (batch 1, the same number of clients as sessions).
# Usage: bench/scripts/receivables-figures.sh [OUT_DIR] [DURATION_S]     (default artifacts/bench/receivables, 30)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/artifacts/bench/receivables}"
duration="${2:-30}"
mkdir -p "$out"
"$root/huilian" --help >/dev/null   # builds once, before anything is timed
huilian_dll="$root/artifacts/huilian/huilian.dll"
huilian() { dotnet "$huilian_dll" "$@"; }
huilian_bg() { exec dotnet "$huilian_dll" "$@"; }

dir="$(mktemp -d /tmp/huilian-receivables.XXXXXX)"
pg="$(mktemp -d /tmp/huilian-pg.XXXXXX)"
port=38930
cleanup() {
  [ -n "${node:-}" ] && kill -TERM "$node" 2>/dev/null && wait "$node" 2>/dev/null || true
  "$root/bench/scripts/postgres.sh" stop "$pg" || true
  rm -rf "$dir"
}
trap cleanup EXIT

connection="$("$root/bench/scripts/postgres.sh" start "$pg" 55441)"
huilian_bg up --solo --dir "$dir" --port "$port" >"$out/node.out" 2>"$out/node.err" &
node=$!
for _ in $(seq 1 120); do grep -q http "$out/node.out" 2>/dev/null && break; sleep 0.5; done
url="http://127.0.0.1:$port"

run() {
  local name="$1" clients="$2" batch="$3"
  huilian bench --node "$url" --dir "$dir" --workload receivables --clients "$clients" --batch "$batch" \
      --warmup 5 --duration "$duration" --postgres "$connection" --out "$out/$name" 2>"$out/$name.log" | tee "$out/$name.txt"
}

run "in-flight-640" 32 20     # 640 financing steps in flight; PostgreSQL gets 256 sessions (its cap here)
run "one-at-a-time-64" 64 1   # 64 clients, one step each in flight; PostgreSQL gets 64 sessions
