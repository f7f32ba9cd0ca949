#!/usr/bin/env bash
# Reproduces the portal's figures of docs/PORTAL.md ("Figures"): the regulator's dashboard's time to first render with
# at least 100,000 export receivables financings in the ledger, and the page weight of the heaviest portal page.
# It starts a fresh, seeded `huilian up --solo` (the demo's 120 financings, bank B's refused double financing, failed
# verifications), loads financings with the load generator's receivables workload (each financing taken through
# publish, verify, apply, accept, review, disburse and repay — seven transactions; repeated until the ledger holds
# FINANCINGS), then measures in Debian's Chromium through Playwright (bench/Huilian.PortalFigures): RUNS cold loads of
# /regulator/dashboard as regulator/analyst (median server time, first contentful paint, load, charts drawn) and
# every request of a fresh load of each portal page (bytes transferred and uncompressed).
# Usage: bench/scripts/portal-figures.sh [OUT_DIR] [FINANCINGS] [RUNS]   (default artifacts/bench/portal, 100000, 7)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/artifacts/bench/portal}"
target="${2:-100000}"
runs="${3:-7}"
mkdir -p "$out"
"$root/huilian" --help >/dev/null   # builds once, before anything is timed
huilian_dll="$root/artifacts/huilian/huilian.dll"
huilian() { dotnet "$huilian_dll" "$@"; }
huilian_bg() { exec dotnet "$huilian_dll" "$@"; }
dotnet build "$root/bench/Huilian.PortalFigures/Huilian.PortalFigures.csproj" -c Release -o "$root/artifacts/portal-figures" -v quiet -nologo >/dev/null

dir="$(mktemp -d /tmp/huilian-portal.XXXXXX)"
port="${PORT:-38950}"
cleanup() {
  [ -n "${node:-}" ] && kill -TERM "$node" 2>/dev/null && wait "$node" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

huilian_bg up --solo --dir "$dir" --port "$port" >"$out/node.out" 2>"$out/node.err" &
node=$!
for _ in $(seq 1 240); do grep -q http "$out/node.out" 2>/dev/null && break; sleep 0.5; done
url="http://127.0.0.1:$port"
grep -q http "$out/node.out" || { echo "The node did not start: $(cat "$out/node.err")" >&2; exit 1; }

# Financings in the ledger: the applications of the enterprise financing statistics, every bank (what the dashboard counts).
financings() {
  huilian receivables statistics --csv --as regulator/analyst --dir "$dir" --node "$url" | awk -F, 'NR > 1 { s += $4 } END { print s + 0 }'
}

start=$SECONDS
round=0
count="$(financings)"
while [ "$count" -lt "$target" ]; do
  round=$((round + 1))
  huilian bench --node "$url" --dir "$dir" --workload receivables --clients 32 --batch 20 --warmup 0 --duration 60 \
      --out "$out/load-$round" >"$out/load-$round.txt" 2>"$out/load-$round.log"
  count="$(financings)"
  echo "load round $round: $count financings after $((SECONDS - start)) s" >&2
done
load_seconds=$((SECONDS - start))
echo "Loaded: $count financings in the ledger after $load_seconds s ($round load rounds)." | tee "$out/load.txt"

dotnet "$root/artifacts/portal-figures/huilian-portal-figures.dll" "$url" --user regulator/analyst --runs "$runs" --out "$out" 2>"$out/figures.log" | tee "$out/figures.txt"
