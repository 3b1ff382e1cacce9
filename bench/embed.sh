#!/bin/sh
# Embedder throughput and latency vs bare ONNX Runtime (issue 6 anchor:
# embedder >= 0.95x bare ORT), with hugot's pure-Go backend beside them.
# Base-size BERT (12 layers, hidden 768, random weights), batch 32 x 128
# tokens and a single 128-token request, one intra-op thread. Bare ORT and
# the embedder alternate, N rounds each (default 5): "ratio" compares the
# medians, "min-ratio" the fastest rounds (the least disturbed on a shared
# machine). GO=0 skips the (slow) pure-Go backend.
#
#   sh bench/embed.sh
set -eu
cd "$(dirname "$0")/.."
CACHE="${JRETRIEVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jretrieve}"
MODEL="${JRETRIEVE_BENCH_MODEL:-$CACHE/bench/bert-base-random}"
if [ ! -f "$MODEL/model.onnx" ]; then
	echo "generating $MODEL (needs Debian python3-torch, python3-onnx)" >&2
	/usr/bin/python3 scripts/make-fixtures.py --bench "$MODEL" 2>/dev/null
fi
JRETRIEVE_BENCH_MODEL="$MODEL" JRETRIEVE_BENCH_GO="${GO:-1}" \
	go test -run '^$' -bench 'EmbedderVsBareORT' -benchtime "${N:-5}x" -timeout 60m ./embed
