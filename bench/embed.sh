#!/bin/sh
# Embedder throughput and latency vs bare ONNX Runtime (issue 6 anchor:
# embedder >= 0.95x bare ORT), with hugot's pure-Go backend beside them.
# Base-size BERT (12 layers, hidden 768, random weights), one intra-op thread.
#
#   sh bench/embed.sh            # ORT rows: 3 iterations each; Go backend: 1
#   GO=0 sh bench/embed.sh       # skip the (slow) Go backend
set -eu
cd "$(dirname "$0")/.."
CACHE="${JRETRIEVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jretrieve}"
MODEL="${JRETRIEVE_BENCH_MODEL:-$CACHE/bench/bert-base-random}"
if [ ! -f "$MODEL/model.onnx" ]; then
	echo "generating $MODEL (needs Debian python3-torch, python3-onnx)" >&2
	/usr/bin/python3 scripts/make-fixtures.py --bench "$MODEL" 2>/dev/null
fi
export JRETRIEVE_BENCH_MODEL="$MODEL"
out=$(mktemp)
go test -run '^$' -bench '(Batch32x128|Single128)/(bare-ort|embedder-ort)' -benchtime "${N:-3}x" ./embed | tee "$out"
if [ "${GO:-1}" = 1 ]; then
	go test -run '^$' -bench '(Batch32x128|Single128)/embedder-go' -benchtime 1x ./embed | tee -a "$out"
fi
awk '
/^Benchmark/ { split($1, p, "/"); name = p[1]; sub(/-[0-9]+$/, "", p[2]); v[name "/" p[2]] = $(NF-1) }
END {
	for (b in v) { split(b, q, "/"); names[q[1]] = 1 }
	for (n in names) {
		bare = v[n "/bare-ort"]; e = v[n "/embedder-ort"]; g = v[n "/embedder-go"]
		printf "%s: bare ORT %.3f seq/s, embedder(ORT) %.3f seq/s = %.3fx bare (target >= 0.95)", n, bare, e, e / bare
		if (g != "") printf ", embedder(Go backend) %.3f seq/s = %.3fx bare", g, g / bare
		printf "\n"
	}
}' "$out"
rm -f "$out"
