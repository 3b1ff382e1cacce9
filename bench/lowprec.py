"""Issue 13: does ONNX Runtime's CPU provider run fp16 or bf16 faster than
fp32 here? One MatMul of BERT-base's FFN shape (4096 x 768 by 768 x 3072,
a 32 x 128 batch), weights as initializers, one thread, CPU time, median
of 5 after a warm-up; bf16 needs ml_dtypes for the input array.
Whole-model fp16 is timed by bench/fused.sh (variant export-fp16).

  [PYTHONPATH=CACHE/ort-1.26.0-site] python bench/lowprec.py
"""
import time

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

M, K, N = 4096, 768, 3072


def run(name, dt, npdt):
    rng = np.random.default_rng(0)
    w = rng.random((K, N), dtype=np.float32)
    if dt == TensorProto.BFLOAT16:
        init = helper.make_tensor("W", dt, [K, N], w.flatten().tolist())
    else:
        init = numpy_helper.from_array(w.astype(npdt), "W")
    g = helper.make_graph([helper.make_node("MatMul", ["X", "W"], ["Y"])], "g",
                          [helper.make_tensor_value_info("X", dt, [None, K])],
                          [helper.make_tensor_value_info("Y", dt, [None, N])], [init])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 9
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    try:
        s = ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
    except Exception as e:  # no kernel for this type
        print(f"{name}\tnot run: {str(e).splitlines()[0][:120]}")
        return
    x = rng.random((M, K), dtype=np.float32).astype(npdt)
    s.run(None, {"X": x})
    ts = []
    for _ in range(5):
        t = time.process_time()
        s.run(None, {"X": x})
        ts.append(time.process_time() - t)
    d = float(np.median(ts))
    print(f"{name}\t{d * 1000:.1f} ms\t{2 * M * K * N / d / 1e9:.0f} GFLOP/s")


print(f"# onnxruntime {ort.__version__}, MatMul {M}x{K} @ {K}x{N}, 1 thread, CPU time")
run("fp32", TensorProto.FLOAT, np.float32)
run("fp16", TensorProto.FLOAT16, np.float16)
try:
    import ml_dtypes
    run("bf16", TensorProto.BFLOAT16, ml_dtypes.bfloat16)
except ImportError:
    print("bf16\tnot run: ml_dtypes missing")
