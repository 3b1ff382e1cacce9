#!/usr/bin/env bash
# bench/jmteb.sh: package jmteb's classifiers and clustering algorithms vs
# scikit-learn (as JMTEB calls it), side by side on the same data.
#
#   bench/jmteb.sh                 10,000 x 768, 20 classes, both sides twice, alternating
#   N=20000 K=9 bench/jmteb.sh     other sizes; WHAT=classification|clustering for one half
#
# Data: float32 unit-norm blobs written by bench/jmteb_sklearn.py into
# $JMTEB_BENCH_DIR (default /tmp/jmteb-bench-N-D-K): train N rows, val N/5
# (classification: fit on train, predict val), clus N rows (clustering).
# Both sides use 2 threads (GOMAXPROCS=2; OMP/OpenBLAS threads 2).
# Prints one JSON line per step and side: wall seconds and process CPU seconds
# (user+system, all threads), the fairer number on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
D=${D:-768}
K=${K:-20}
REPS=${REPS:-2}
WHAT=${WHAT:-all}
PY=${PYTHON:-/work/pyref/bin/python}
DIR=${JMTEB_BENCH_DIR:-/tmp/jmteb-bench-$N-$D-$K}
mkdir -p "$DIR"
if [ ! -s "$DIR/clus.npy" ]; then
	"$PY" bench/jmteb_sklearn.py gen "$DIR" "$N" "$D" "$K"
fi
go build -o "$DIR/jmtebbench" ./bench/jmtebbench
echo "# $(date -u +%FT%TZ) N=$N D=$D K=$K $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $("$PY" -c 'import sklearn,numpy; print("sklearn", sklearn.__version__, "numpy", numpy.__version__)'); $(go version | cut -d' ' -f3)"
for r in $(seq "$REPS"); do
	for what in classification clustering; do
		[ "$WHAT" = all ] || [ "$WHAT" = "$what" ] || continue
		GOMAXPROCS=2 "$DIR/jmtebbench" "$DIR" "$what"
		OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 "$PY" bench/jmteb_sklearn.py run "$DIR" "$what"
	done
done
