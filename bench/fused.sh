#!/usr/bin/env bash
# Issue 13 benchmark: jretrieve's converter graphs (plain, fused, int8, int4, int8-block)
# against the Python stack, on random-weight checkpoints at full size
# (BERT-base like ruri-base, ModernBERT like ruri-v3-30m and ruri-v3-310m,
# XLM-R base, a BERT-base cross-encoder like ruri-reranker-base), batch
# 32 x 128 tokens and single 128-token requests, every ONNX graph on the
# same ONNX Runtime, all in one run. That ONNX Runtime is ORT_VERSION
# (default 1.26.0, the release jretrieve installs and runs: its CPU kernels
# differ from later ones, e.g. SkipLayerNormalization takes 4x longer in
# 1.32), pip-installed into CACHE/ort-VERSION-site and put first on the
# reference venv's path for the timing and quality steps; the export and
# the ORT optimizer/quantizer anchors are made with the venv's onnxruntime.
#   jr-plain        jretrieve convert (default graph)
#   jr-fused        jretrieve convert --graph fused
#   jr-plain-int8   jretrieve convert --quantize int8
#   jr-fused-int8   jretrieve convert --graph fused --quantize int8
#   jr-plain-int4   jretrieve convert --quantize int4 (MatMulNBits, 4-bit blocks of 32)
#   jr-fused-int4   jretrieve convert --graph fused --quantize int4
#   jr-fused-int8-block  jretrieve convert --graph fused --quantize int8-block (MatMulNBits, 8-bit)
#   export          torch.onnx.export as Optimum's exporter calls it
#   export-ortopt   onnxruntime.transformers.optimizer on it (model_type bert)
#   export-ortq     ORT quantize_dynamic (QInt8) of export-ortopt
#   export-fp16     export-ortopt converted to float16 (fp32 inputs/outputs)
#   torch           transformers AutoModel forward on torch CPU (sdpa), the
#                   model call of sentence-transformers' encode
# Timings: median of REPS_BATCH (3) batch runs and REPS_SINGLE (10) single
# runs after one warm-up, the variants interleaved round by round (load
# changes hit all of them alike); THREADS=1 (default): process CPU time,
# THREADS=2: wall time. Each line also gives the batch's GFLOP/s and its
# fraction of the peak that bench/peak.sh measures at the start of the run
# (fp32 FMA peak for float graphs, int8 VNNI peak for int8 ones, int4 and
# int8-block included: accuracy_level 4 computes in int8; the int8
# graphs still run attention and norms in fp32, so their fraction of the
# int8 peak understates the GEMMs' use of it).
# The machine is shared: compare ratios within one run only.
# Usage: [MODELS="bert-base ..."] [THREADS=1] [VARIANTS="jr-fused export-ortopt ..."] [ORT_VERSION=1.26.0]
#        [PREP_ONLY=1] [FRESH=1] bench/fused.sh [cachedir]
#   (default cache ~/.cache/jretrieve/bench-fused; default MODELS bert-base modernbert-30m)
set -euo pipefail
cd "$(dirname "$0")/.."
C=${1:-$HOME/.cache/jretrieve/bench-fused}
PY=${PY:-/work/pyref/bin/python}
THREADS=${THREADS:-1}
export THREADS
MODELS=${MODELS:-bert-base modernbert-30m}
ALL="jr-plain jr-fused jr-plain-int8 jr-fused-int8 jr-plain-int4 jr-fused-int4 jr-fused-int8-block export export-ortopt export-ortq export-fp16 torch"
VARIANTS=${VARIANTS:-$ALL}
mkdir -p "$C"
go build -o "$C/jretrieve" ./cmd/jretrieve
ORT_VERSION=${ORT_VERSION:-1.26.0}
site="$C/ort-$ORT_VERSION-site"
[ -d "$site/onnxruntime" ] || $PY -m pip install -q --no-deps --target "$site" "onnxruntime==$ORT_VERSION" >&2
[ -z "${FRESH:-}" ] || rm -rf "$C"/*-jr-*   # FRESH=1: reconvert (after converter changes)
$PY bench/fused.py gen "$C" $MODELS
for m in $MODELS; do
  for v in plain-none fused-none plain-int8 fused-int8 plain-int4 fused-int4 fused-int8-block; do
    g=${v%%-*} q=${v#*-}
    [ -f "$C/$m-jr-$g-$q/model.onnx" ] || "$C/jretrieve" convert "$C/$m" --out "$C/$m-jr-$g-$q" --graph $g --quantize $q >&2
  done
  $PY bench/fused.py export "$C" $m 2>>"$C/export.log"
done
[ -z "${PREP_ONLY:-}" ] || exit 0
export PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}"
peak=$(bench/peak.sh "$THREADS")
fp32peak=$(awk -v t="$THREADS" '$1=="fp32-fma" && $2==t {print $4}' <<<"$peak")
int8peak=$(awk -v t="$THREADS" '$1=="int8-vnni" && $2==t {print $4}' <<<"$peak")
clock=$([ "$THREADS" = 1 ] && echo cpu || echo wall)
echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores (shared), load $(cut -d' ' -f1-3 /proc/loadavg), onnxruntime $($PY -c 'import onnxruntime; print(onnxruntime.__version__)'), torch $($PY -c 'import torch; print(torch.__version__)'), $THREADS thread(s)"
echo "# measured peak at $THREADS thread(s): fp32 FMA $fp32peak GFLOP/s, int8 VNNI $int8peak GOP/s (bench/peak.sh)"
echo -e "model\tvariant\tbatch32x128_${clock}_s\tsingle128_${clock}_ms\tbatch_GFLOP/s\tfraction_of_peak"
path() { # model variant -> the graph (or checkpoint dir for torch)
  case $2 in
    jr-plain) echo "$C/$1-jr-plain-none/model.onnx" ;;
    jr-fused) echo "$C/$1-jr-fused-none/model.onnx" ;;
    jr-plain-int8) echo "$C/$1-jr-plain-int8/model.onnx" ;;
    jr-fused-int8) echo "$C/$1-jr-fused-int8/model.onnx" ;;
    jr-plain-int4) echo "$C/$1-jr-plain-int4/model.onnx" ;;
    jr-fused-int4) echo "$C/$1-jr-fused-int4/model.onnx" ;;
    jr-fused-int8-block) echo "$C/$1-jr-fused-int8-block/model.onnx" ;;
    export) echo "$C/$1-export/model.onnx" ;;
    export-ortopt) echo "$C/$1-export/optimized.onnx" ;;
    export-ortq) echo "$C/$1-export/optimized-int8.onnx" ;;
    export-fp16) echo "$C/$1-export/optimized-fp16.onnx" ;;
    torch) echo "$C/$1" ;;
  esac
}
for m in $MODELS; do
  gflop=$($PY bench/fused.py flops $m)
  args=()
  for v in $VARIANTS; do args+=("$v=$(path $m $v)"); done
  $PY bench/fused.py time "$C" $m "${args[@]}" |
    awk -v OFS='\t' -v g="$gflop" -v f="$fp32peak" -v i="$int8peak" '{
      r = g / $3; p = ($2 ~ /int8|int4|ortq/) ? i : f
      print $0, sprintf("%.0f", r), sprintf("%.0f%% of %s", 100 * r / p, ($2 ~ /int8|int4|ortq/) ? "int8" : "fp32") }'
done
echo "# quality: cosine to jr-plain (fp32) on 8 x 128 random tokens, right-padded (cross-encoders: logit differences)"
for m in $MODELS; do
  args=()
  for v in jr-plain $VARIANTS; do
    case $v in torch|export|jr-plain) continue ;; esac
    args+=("$v=$(path $m $v)")
  done
  $PY bench/fused.py quality "$C" $m "${args[@]}"
done
