#!/usr/bin/env bash
# Markdown table for the README's "Throughput" section from the outputs of
# bench/speed.sh: bench/speed_results.txt (fused fp32) and, when present,
# bench/speed_int8_results.txt (fused int8). Models whose shape another row
# already measured are marked with "=".
# Usage: bench/speed_table.sh > table.md
set -euo pipefail
cd "$(dirname "$0")/.."
FP=${1:-bench/speed_results.txt}
I8=${2:-bench/speed_int8_results.txt}
[ -f "$I8" ] || I8=/dev/null
awk -F'  +' '
  function row(file, line) { return (file == FNR) }
  FNR == 1 { f++ }
  /^[a-zA-Z][^ ]*\/[^ ]+  / {
    id = $1
    if (f == 1 && !(id in kind)) { order[++n] = id }
    kind[id] = $2; params[id] = $3
    if ($4 == "-") { skip[id] = $NF; next }
    if (f == 1) { fp[id] = $6; jq[id] = $8; jc[id] = $9; shared[id] = ($10 ~ /same shape/) ? "=" : "" }
    else { i8[id] = $6; jq8[id] = $8 }
  }
  END {
    print "| model | kind | params | fp32 /s | JQaRA fp32 | JaCWIR fp32 | int8 /s | JQaRA int8 |"
    print "|---|---|---:|---:|---:|---:|---:|---:|"
    for (k = 1; k <= n; k++) {
      id = order[k]
      if (id in skip) continue
      printf "| %s%s | %s | %s | %s | %s | %s | %s | %s |\n", shared[id], id, kind[id], params[id], fp[id], jq[id], jc[id], (id in i8) ? i8[id] : "-", (id in jq8) ? jq8[id] : "-"
    }
  }' "$FP" "$I8"
