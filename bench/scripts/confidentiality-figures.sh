#!/usr/bin/env bash
# The cost of confidentiality (docs/PERFORMANCE.md): committed evidence transactions per second and transaction size
# with and without a confidential section (512 bytes of plaintext wrapped for the regulator and a bank), alternating
# the two workloads on one node so drift affects both; then the time for the regulator's analyst to read a page of
# 100 confidential records through the API (decrypt + access log, one call).
# Usage: bench/scripts/confidentiality-figures.sh [SUITE] [ROUNDS] [OUT_DIR]   (default intl, 2, artifacts/bench/confidentiality)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
suite="${1:-intl}"
rounds="${2:-2}"
out="${3:-$root/artifacts/bench/confidentiality-$suite}"
mkdir -p "$out"
"$root/huilian" --help >/dev/null   # builds once, before anything is timed
huilian_dll="$root/artifacts/huilian/huilian.dll"
huilian() { dotnet "$huilian_dll" "$@"; }
huilian_bg() { exec dotnet "$huilian_dll" "$@"; }

port=38950
dir="$(mktemp -d /tmp/huilian-confidentiality.XXXXXX)"
huilian_bg up --solo --suite "$suite" --dir "$dir" --port "$port" >"$out/node.out" 2>"$out/node.err" &
node=$!
trap 'kill -TERM $node 2>/dev/null; wait $node 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 240); do grep -q http "$out/node.out" 2>/dev/null && break; sleep 0.5; done
url="http://127.0.0.1:$port"
for round in $(seq 1 "$rounds"); do
  for workload in evidence evidence-confidential; do
    huilian bench --node "$url" --dir "$dir" --workload "$workload" --clients 64 --batch 50 --warmup 5 --duration 20 \
        --out "$out/$workload-$round" 2>"$out/$workload-$round.log" | tee "$out/$workload-$round.txt"
  done
done
python3 - "$out" "$rounds" <<'PY'
import json, sys, statistics
out, rounds = sys.argv[1], int(sys.argv[2])
def load(w): return [json.load(open(f"{out}/{w}-{r}.json")) for r in range(1, rounds + 1)]
plain, conf = load("evidence"), load("evidence-confidential")
summary = {
  "suite": plain[0]["suite"],
  "plainTxPerSecond": [round(r["committedPerSecond"]) for r in plain],
  "confidentialTxPerSecond": [round(r["committedPerSecond"]) for r in conf],
  "ratioPerRound": [round(c["committedPerSecond"] / p["committedPerSecond"], 3) for p, c in zip(plain, conf)],
  "plainTransactionBytes": round(statistics.mean(r["transactionBytesMean"] for r in plain)),
  "confidentialTransactionBytes": round(statistics.mean(r["transactionBytesMean"] for r in conf)),
  "plainP99Ms": [round(r["latency"]["p99Ms"]) for r in plain],
  "confidentialP99Ms": [round(r["latency"]["p99Ms"]) for r in conf],
  "pageRead": [r.get("confidentialPageRead") for r in conf],
}
json.dump(summary, open(f"{out}/summary.json", "w"), indent=2)
print(json.dumps(summary, indent=2))
PY
