#!/usr/bin/env bash
# Issue 13 throughput table: `jretrieve models --speed` for every catalog
# model that runs, on this machine's cores, fused fp32 graph (and int8 with
# QUANT=int8), written to bench/speed_results.txt (the README's
# "Throughput" table). Self-contained: builds jretrieve, measures into a
# fresh cache directory (nothing is read from an earlier run), needs ONNX
# Runtime ($JRETRIEVE_ORT_LIB or ./scripts/install-onnxruntime.sh) and no
# Hub: models not in the local cache are timed as random-weight checkpoints
# of their exact shape. Models of identical shape share one measurement.
# Prints the total time it took. CALIBRATE (default 3s) caps each model's
# timed batches (at least one batch of 32 runs).
# Usage: bench/speed.sh [THREADS]   (default: all cores)
#   QUANT=int8 OUT=bench/speed_int8_results.txt bench/speed.sh 2   (int8 table)
#   NOTE="..." adds a remark to the header (e.g. that the machine was shared)
set -euo pipefail
cd "$(dirname "$0")/.."
T=${1:-$(nproc)}
CAL=${CALIBRATE:-3s}
Q=${QUANT:-none}
OUT=${OUT:-bench/speed_results.txt}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
go build -o "$tmp/jretrieve" ./cmd/jretrieve
cmd="jretrieve models --speed --graph fused --quantize $Q --threads $T --calibrate $CAL"
{
  echo "# bench/speed.sh: $cmd"
  echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)${NOTE:+; $NOTE}"
  "$tmp/jretrieve" models --speed --graph fused --quantize "$Q" --threads "$T" --calibrate "$CAL" --cache "$tmp/cache" 2> >(grep --line-buffered -v '^  batch' >&2)
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
end=$(date +%s)
echo "# total $((end - start)) s; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT"
