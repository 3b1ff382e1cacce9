#!/usr/bin/env bash
# Times `jretrieve evaluate` on all JQaRA runs (decode .lz4 + ranx metrics +
# significance tests + table) and, in the same run, the anchor: trec_eval on
# the same runs converted to TREC format (ndcg_cut.10,100 + recip_rank), with
# the ratio between the two. trec_eval is not packaged by the registries this
# project reaches: build it from its source (github.com/usnistgov/trec_eval,
# `make`) and give its path in TREC_EVAL (default: trec_eval on PATH). Without
# it the script reports jretrieve's time only and says the anchor is missing.
#
# Usage: TREC_EVAL=/path/to/trec_eval bench/eval.sh [repeats]   (default 5; needs ../shared)
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
printf 'jretrieve evaluate, %d runs, %s, GOMAXPROCS=%s cores=%s\n' "$n" "$metrics" "${GOMAXPROCS:-default}" "$(nproc)"
printf 'best of %d: %.3f s total, %.1f ms/run; best cpu time %.3f s\n' \
	"$repeats" "$best" "$(echo "$best * 1000 / $n" | bc -l)" "$bestcpu"
te=${TREC_EVAL:-$(command -v trec_eval || true)}
if [ -z "$te" ] || [ ! -x "$te" ]; then
	echo "anchor not measured: set TREC_EVAL to a trec_eval binary built from github.com/usnistgov/trec_eval" >&2
	exit 0
fi
tmp=$(mktemp -d)
for r in "${runs[@]}"; do "$bin" convert "$r" "$tmp/$(basename "$r" .lz4).trec"; done
tbest=
for i in $(seq "$repeats"); do
	start=$(date +%s.%N)
	for f in "$tmp"/*.trec; do "$te" -m ndcg_cut.10,100 -m recip_rank "$ref/qrels.trec" "$f" >/dev/null; done
	end=$(date +%s.%N)
	t=$(echo "$end - $start" | bc -l)
	if [ -z "$tbest" ] || [ "$(echo "$t < $tbest" | bc -l)" = 1 ]; then tbest=$t; fi
done
rm -rf "$tmp"
printf 'anchor %s, same runs, best of %d: %.3f s (%.1f ms/run): jretrieve is %.2fx faster\n' \
	"$te" "$repeats" "$tbest" "$(echo "$tbest * 1000 / $n" | bc -l)" "$(echo "$tbest / $best" | bc -l)"
