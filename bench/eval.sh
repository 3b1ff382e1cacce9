#!/usr/bin/env bash
# Times `jretrieve evaluate` on all JQaRA runs (decode .lz4 + ranx metrics +
# significance tests + table) and prints the ratio against the anchor:
# trec_eval takes about 10.5 s for the 39 runs in TREC format on the
# reference machine (about 270 ms per run).
#
# Usage: bench/eval.sh [repeats]   (default 5; needs ../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
ref=../shared/reference/jqara
if [ ! -f "$ref/qrels.trec" ]; then
	echo "skipping: $ref not available (../shared relative to the repository root)" >&2
	exit 0
fi
repeats=${1:-5}
bin=$(mktemp -d)/jretrieve
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/jretrieve
runs=("$ref"/runs/*.lz4)
n=${#runs[@]}
metrics=ndcg@10,mrr@10,ndcg@100,mrr@100
"$bin" evaluate --qrels "$ref/qrels.trec" --metrics "$metrics" "${runs[@]}" >/dev/null # warm the page cache
best=
bestcpu=
TIMEFORMAT='%R %U %S'
for i in $(seq "$repeats"); do
	read -r t u s < <({ time "$bin" evaluate --qrels "$ref/qrels.trec" --metrics "$metrics" "${runs[@]}" >/dev/null; } 2>&1)
	cpu=$(echo "$u + $s" | bc -l)
	echo "run $i: wall $t s, cpu (user+sys) $cpu s"
	if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	if [ -z "$bestcpu" ] || [ "$(echo "$cpu < $bestcpu" | bc -l)" = 1 ]; then bestcpu=$cpu; fi
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (wall times are only meaningful on an idle machine)"
anchor=10.5
printf 'jretrieve evaluate, %d runs, %s, GOMAXPROCS=%s cores=%s\n' "$n" "$metrics" "${GOMAXPROCS:-default}" "$(nproc)"
printf 'best of %d: %.3f s total, %.1f ms/run; anchor trec_eval %.1f s (270 ms/run): %.1fx faster\n' \
	"$repeats" "$best" "$(echo "$best * 1000 / $n" | bc -l)" "$anchor" "$(echo "$anchor / $best" | bc -l)"
printf 'best cpu time: %.3f s (%.1f ms/run cpu)\n' "$bestcpu" "$(echo "$bestcpu * 1000 / $n" | bc -l)"
if command -v trec_eval >/dev/null; then
	tmp=$(mktemp -d)
	for r in "${runs[@]}"; do "$bin" convert "$r" "$tmp/$(basename "$r" .lz4).trec"; done
	start=$(date +%s.%N)
	for f in "$tmp"/*.trec; do trec_eval -m ndcg_cut.10,100 -m recip_rank "$ref/qrels.trec" "$f" >/dev/null; done
	end=$(date +%s.%N)
	printf 'trec_eval on this machine: %.3f s\n' "$(echo "$end - $start" | bc -l)"
	rm -rf "$tmp"
fi
