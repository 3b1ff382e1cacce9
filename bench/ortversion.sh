#!/usr/bin/env bash
# bench/ortversion.sh: is a newer ONNX Runtime release slower than the pinned one?
# Bare ORT on a base-size BERT (random weights; see bench/embed.sh), batch 32 x 128
# and a single 128-token request, one intra-op thread. The two libraries alternate,
# ROUNDS rounds each, in separate processes; the ratio compares medians (new/old
# throughput: > 1 means the new release is faster).
#
#   OLD=1.26.0 NEW=1.31.1 bench/ortversion.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${OLD:-1.26.0}
NEW=${NEW:-1.31.1}
ROUNDS=${ROUNDS:-5}
CACHE="${JRETRIEVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jretrieve}"
MODEL="${JRETRIEVE_BENCH_MODEL:-$CACHE/bench/bert-base-random}"
[ -f "$MODEL/model.onnx" ] || { echo "ortversion.sh: $MODEL/model.onnx missing: run bench/embed.sh once to generate it" >&2; exit 1; }
oldlib=$(ORT_NPM_VERSION=$OLD ORT_SHA256=${OLD_SHA256:-} ./scripts/install-onnxruntime.sh)
newlib=$(ORT_NPM_VERSION=$NEW ORT_SHA256=${NEW_SHA256:-} ./scripts/install-onnxruntime.sh)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/embed.test" ./embed
for r in $(seq "$ROUNDS"); do
	for v in old new; do
		l=$oldlib; [ $v = new ] && l=$newlib
		JRETRIEVE_ORT_LIB=$l JRETRIEVE_BENCH_MODEL="$MODEL" "$tmp/embed.test" -test.run '^$' \
			-test.bench '(Batch32x128|Single128)/bare-ort' -test.benchtime 3x |
			awk -v v=$v '/seq\/s/ {for (i=1;i<=NF;i++) if ($(i+1)=="seq/s") print v, $1, $i}' >>"$tmp/res"
	done
done
echo "ONNX Runtime $OLD ($oldlib) vs $NEW ($newlib), $ROUNDS alternating rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$tmp/res" "$OLD" "$NEW" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
for name in sorted({r[1] for r in rows}):
    o = [float(r[2]) for r in rows if r[1] == name and r[0] == "old"]
    n = [float(r[2]) for r in rows if r[1] == name and r[0] == "new"]
    print(f"{name:40s} {sys.argv[2]}: {st.median(o):8.2f} seq/s  {sys.argv[3]}: {st.median(n):8.2f} seq/s  new/old {st.median(n)/st.median(o):.3f} (best {max(n)/max(o):.3f})")
PY
