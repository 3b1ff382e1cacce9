#!/bin/sh
# The full JQaRA protocol offline (issue 7): a synthetic dataset of JQaRA's
# shape (1,667 questions x 100 distinct ~300-character Japanese passages,
# bench/jqarasynth) through `jretrieve eval` with BM25 and the largest tiny
# fixture model (ModernBERT), caches off, then the pipeline's overhead over
# bare embedder inference (BenchmarkPipelineVsEmbedder: ratio = bare time /
# pipeline time on the same texts, 1.0 = no overhead).
#
#   sh bench/pipeline.sh            # LIMIT=200 sh bench/pipeline.sh for a quick look
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/jretrieve" ./cmd/jretrieve
go run ./bench/jqarasynth -o "$tmp/jqara-synthetic.parquet"
limit=""; [ -n "${LIMIT:-}" ] && limit="--limit $LIMIT"
for m in bm25 testdata/models/modernbert-tiny; do
	start=$(date +%s.%N)
	"$tmp/jretrieve" eval -q --dataset "$tmp/jqara-synthetic.parquet" --model "$m" $limit \
		--cache "" --out "$tmp/out" --no-plots --force >/dev/null
	end=$(date +%s.%N)
	echo "jqara-protocol $m: $(echo "$end - $start" | bc) s wall (load + score + evaluate); $(tail -1 "$tmp/out/timings.tsv" | cut -f2-4 | tr '\t' ' ') (pairs seconds docs/s)"
done
go test -run '^$' -bench PipelineVsEmbedder -benchtime "${N:-5}x" ./pipeline | grep Benchmark
