#!/usr/bin/env bash
# Micro-benchmarks of the hot paths (bench/Huilian.Benchmarks, BenchmarkDotNet with [MemoryDiagnoser]): canonical
# encoding, SHA-256 and SM3, signatures and key wrapping in both suites, X.509 verification, Merkle proofs, state
# writes and block building. Exports GitHub Markdown and JSON to OUT_DIR/results and copies the Markdown reports to
# docs/benchmarks/2026-11-28-micro/ (or DOCS_DIR).
#
# Job: BenchmarkDotNet's `--job short` (1 launch, 3 warm-up iterations, each iteration about 500 ms, every benchmark
# case in its own process) with 8 measured iterations instead of short's 3: with 3, the 99.9% confidence interval
# ("Error") is about 18 standard deviations wide; with 8, about 2. The whole run (32 cases) takes about 6 minutes
# on 2 cores. Extra arguments after OUT_DIR override these, e.g. `--iterationCount 15` or `--job default`.
#
# Usage: bench/scripts/micro-benchmarks.sh [OUT_DIR] [extra BenchmarkDotNet arguments...]
#        (default OUT_DIR artifacts/bench/micro; FILTER='*Hash*' to run a subset, default '*')
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/artifacts/bench/micro}"
shift || true
docs="${DOCS_DIR:-$root/docs/benchmarks/2026-11-28-micro}"
project="$root/bench/Huilian.Benchmarks"

mkdir -p "$out" "$docs"
out="$(cd "$out" && pwd)"
rm -rf "$out/results"
dotnet build "$project/Huilian.Benchmarks.csproj" -c Release --nologo -v quiet
# BenchmarkDotNet's default configuration already exports GitHub Markdown (and CSV and HTML); JSON is added here.
# It finds the project to generate its runners from by walking up from the working directory.
cd "$root"
dotnet "$project/bin/Release/net10.0/Huilian.Benchmarks.dll" \
    --filter "${FILTER:-*}" --job short --iterationCount 8 --memory --exporters json --artifacts "$out" "$@" \
    | tee "$out/run.log"
cp "$out"/results/*-report-github.md "$docs"/
echo "Reports: $out/results (Markdown and JSON); Markdown copied to $docs"
