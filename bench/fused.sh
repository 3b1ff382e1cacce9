#!/usr/bin/env bash
# Issue 13 benchmark: jretrieve's converter graphs (plain, fused, int8, int4, int8-block)
# against the Python stack, on random-weight checkpoints at full size
# (BERT-base like ruri-base, ModernBERT like ruri-v3-30m), batch 32 x 128
# tokens and single 128-token requests, ONE thread, every ONNX graph on the
# same ONNX Runtime (the reference venv's onnxruntime), all in one run:
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
#   torch           transformers AutoModel forward on torch CPU (sdpa), the
#                   model call of sentence-transformers' encode
# Timings: process CPU time (one thread), median of REPS_BATCH (3) batch runs
# and REPS_SINGLE (10) single runs after one warm-up, the variants
# interleaved round by round (load changes hit all of them alike). The machine is shared: compare ratios within one
# run only.
# Usage: bench/fused.sh [cachedir]   (default ~/.cache/jretrieve/bench-fused)
set -euo pipefail
cd "$(dirname "$0")/.."
C=${1:-$HOME/.cache/jretrieve/bench-fused}
PY=${PY:-/work/pyref/bin/python}
mkdir -p "$C"
go build -o "$C/jretrieve" ./cmd/jretrieve
$PY bench/fused.py gen "$C"
echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores (shared), onnxruntime $($PY -c 'import onnxruntime; print(onnxruntime.__version__)'), torch $($PY -c 'import torch; print(torch.__version__)'), 1 thread"
echo -e "model\tvariant\tbatch32x128_cpu_s\tsingle128_cpu_ms"
for m in ${MODELS:-bert-base modernbert-30m}; do
  for v in plain-none fused-none plain-int8 fused-int8 plain-int4 fused-int4 fused-int8-block; do
    g=${v%%-*} q=${v#*-}
    [ -f "$C/$m-jr-$g-$q/model.onnx" ] || "$C/jretrieve" convert "$C/$m" --out "$C/$m-jr-$g-$q" --graph $g --quantize $q >&2
  done
  $PY bench/fused.py export "$C" $m 2>>"$C/export.log"
  $PY bench/fused.py time "$C" $m \
    jr-plain="$C/$m-jr-plain-none/model.onnx" jr-fused="$C/$m-jr-fused-none/model.onnx" \
    jr-plain-int8="$C/$m-jr-plain-int8/model.onnx" jr-fused-int8="$C/$m-jr-fused-int8/model.onnx" \
    jr-plain-int4="$C/$m-jr-plain-int4/model.onnx" jr-fused-int4="$C/$m-jr-fused-int4/model.onnx" \
    jr-fused-int8-block="$C/$m-jr-fused-int8-block/model.onnx" \
    export="$C/$m-export/model.onnx" export-ortopt="$C/$m-export/optimized.onnx" \
    export-ortq="$C/$m-export/optimized-int8.onnx" torch="$C/$m"
done
echo "# quality: cosine to jr-plain (fp32) on 8 x 128 random tokens, right-padded"
for m in ${MODELS:-bert-base modernbert-30m}; do
  $PY bench/fused.py quality "$C" $m jr-plain="$C/$m-jr-plain-none/model.onnx" \
    jr-fused="$C/$m-jr-fused-none/model.onnx" jr-plain-int8="$C/$m-jr-plain-int8/model.onnx" \
    jr-fused-int8="$C/$m-jr-fused-int8/model.onnx" jr-plain-int4="$C/$m-jr-plain-int4/model.onnx" \
    jr-fused-int4="$C/$m-jr-fused-int4/model.onnx" jr-fused-int8-block="$C/$m-jr-fused-int8-block/model.onnx" \
    export-ortopt="$C/$m-export/optimized.onnx" \
    export-ortq="$C/$m-export/optimized-int8.onnx"
done
