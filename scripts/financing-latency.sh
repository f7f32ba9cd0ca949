#!/usr/bin/env bash
# The time from proxy application to registered disbursement (docs/PERFORMANCE.md, issue 5): a fresh, seeded
# `huilian up` network (4 validators by default; 1 runs `--solo`), then RUNS financings of unfinanced seeded
# declarations (demo/documents.csv), each as four CLI commands by the bank's clerks —
# `receivables apply` (proxy) → `accept` (acceptor) → `review --decision approve` (reviewer) → `disburse` (disburser) —
# each waiting for its transaction to commit. Machine time only: the commands run back to back, no human between them.
# Prints each run's steps in ms and the median total. Build first: dotnet build Huilian.slnx -c Release.
# Usage: scripts/financing-latency.sh [RUNS=7] [VALIDATORS=4]
set -euo pipefail
RUNS=${1:-7}
VALIDATORS=${2:-4}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DLL="$ROOT/src/Huilian.Cli/bin/Release/net10.0/huilian.dll"
WORK=$(mktemp -d /tmp/huilian-latency.XXXXXX)
DIR="$WORK/net"
huilian() { dotnet "$DLL" "$@"; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }

if [ "$VALIDATORS" = 1 ]; then SHAPE=(--solo); else SHAPE=(--validators "$VALIDATORS"); fi
huilian up "${SHAPE[@]}" --dir "$DIR" --port 0 > "$WORK/url" 2> "$WORK/up.log" &
UP=$!
cleanup() {
  kill -TERM "$UP" 2>/dev/null || true  # a background job ignores SIGINT; huilian up stops its nodes on SIGTERM too
  wait "$UP" 2>/dev/null || true
  huilian network down --dir "$DIR" > /dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 1 300); do [ -s "$WORK/url" ] && break; sleep 1; done
[ -s "$WORK/url" ] || { echo "huilian up did not serve; see $WORK/up.log" >&2; cat "$WORK/up.log" >&2; exit 1; }
grep -q "Seeded the demo" "$WORK/up.log" || { echo "the demo was not seeded" >&2; cat "$WORK/up.log" >&2; exit 1; }
echo "network: $VALIDATORS validator(s), $(grep -o 'Seeded the demo in [0-9]* ms' "$WORK/up.log")" >&2

# Unfinanced USD declarations: the last column (seededFinancing) is empty.
mapfile -t FREE < <(grep '^customs-declaration,' "$DIR/demo/documents.csv" | grep ',USD,' | grep ',$' | head -n "$RUNS")
BANKS=(bank-a bank-b bank-c)
TOTALS=()
echo "run bank apply accept review disburse total(ms)"
for i in $(seq 0 $((RUNS - 1))); do
  IFS=, read -r TYPE NUMBER SECRET OWNER VALUE CURRENCY _ <<< "${FREE[$i]}"
  BANK=${BANKS[$((i % 3))]}
  CLAIM=$((VALUE / 100 * 80))
  t0=$(ms)
  OUT=$(huilian receivables apply --as "$BANK/proxy" --dir "$DIR" --enterprise "$OWNER" --currency "$CURRENCY" --document "$TYPE:$NUMBER:$SECRET:$CLAIM")
  ID=${OUT%% *}
  t1=$(ms)
  huilian receivables accept --as "$BANK/acceptor" --dir "$DIR" --financing "$ID" > /dev/null
  t2=$(ms)
  huilian receivables review --as "$BANK/reviewer" --dir "$DIR" --financing "$ID" --decision approve > /dev/null
  t3=$(ms)
  DONE=$(huilian receivables disburse --as "$BANK/disburser" --dir "$DIR" --financing "$ID" --amount "$CLAIM" --value-date 2026-12-01 --rate-bp 400 --term-days 90)
  t4=$(ms)
  case "$DONE" in "$ID is disbursed"*) ;; *) echo "run $i: $DONE" >&2; exit 1 ;; esac
  echo "$ID $BANK $((t1 - t0)) $((t2 - t1)) $((t3 - t2)) $((t4 - t3)) $((t4 - t0))"
  TOTALS+=($((t4 - t0)))
done
MEDIAN=$(printf '%s\n' "${TOTALS[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "median proxy application → registered disbursement: $MEDIAN ms over $RUNS runs ($VALIDATORS validator(s))"
