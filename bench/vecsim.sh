#!/usr/bin/env bash
# bench/vecsim.sh: vecsim vs FAISS IndexFlatIP and numpy matvec, side by side.
#
#   bench/vecsim.sh            N=200,000 docs x 768, 1,000 queries, threads 1 and 2
#   bench/vecsim.sh -full      N=1,000,000 (the issue-4 size; ~6 GB RAM per process)
#   N=500000 bench/vecsim.sh   any size
#
# Data (float32 normal) is generated once by numpy into $VECSIM_BENCH_DIR
# (default /tmp/vecsim-bench-N) and read by both sides. The anchor runs with
# OpenBLAS's own core detection (OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset),
# OMP_WAIT_POLICY=PASSIVE and OPENBLAS/OMP threads = the thread count.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200000}
[ "${1:-}" = "-full" ] && N=1000000
Q=${Q:-1000}
D=${D:-768}
THREADS=${THREADS:-"1 2"}
PY=${PYTHON:-/usr/bin/python3}
DIR=${VECSIM_BENCH_DIR:-/tmp/vecsim-bench-$N-$Q-$D}
if ! "$PY" -c 'import faiss, numpy' 2>/dev/null; then
	echo "vecsim.sh: $PY lacks faiss/numpy (Debian python3-faiss python3-numpy)" >&2
	exit 1
fi
if [ ! -s "$DIR/queries.npy" ]; then
	echo "generating $N x $D docs, $Q queries in $DIR" >&2
	"$PY" bench/vecsim_faiss.py gen "$DIR" "$N" "$Q" "$D"
fi
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)
QSUB=${FAISS_QSUB:-0}
case "$blas" in
*openblas*) ;;
*) echo "WARNING: libblas.so.3 -> $blas is not OpenBLAS: FAISS batch search and numpy matvec run on the" >&2
   echo "         reference BLAS, far below the issue's anchor (install libopenblas0-pthread)." >&2
   echo "         FAISS batch is timed on ${FAISS_QSUB:=50} queries and scaled to $Q." >&2
   QSUB=$FAISS_QSUB ;;
esac
ANCH="$DIR/anchor.jsonl"
: >"$ANCH"
for t in $THREADS; do
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE \
		OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" \
		"$PY" bench/vecsim_faiss.py run "$DIR" "$t" "$QSUB" >>"$ANCH"
done
go build -o "$DIR/vecsimbench" ./bench/vecsimbench
GOMAXPROCS=${GOMAXPROCS:-2} "$DIR/vecsimbench" -dir "$DIR" -anchor "$ANCH" -threads "$(echo $THREADS | tr ' ' ,)"
echo
echo "anchor: $(head -c 300 "$ANCH" | head -1)"
