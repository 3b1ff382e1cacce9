#!/usr/bin/env bash
# The arithmetic peak of this machine per thread (bench/peak/peak.c):
# AVX-512 fp32 FMA and AVX-512 VNNI int8 dot products, 1..N threads, best
# of 5, each thread timed in its own CPU time (robust to other load). Issue 13's benchmarks state GFLOP/s as a fraction of these.
# AMX tiles (amx_int8/amx_bf16 on Sapphire Rapids) are not probed.
# Usage: bench/peak.sh [max-threads]   (default: nproc)
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -O3 -funroll-loops -mavx512f -mavx512vnni -pthread peak/peak.c -o "$out/peak"
echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$out/peak" "${1:-$(nproc)}"
