"""int8 quality on real weights (issue 13): mean-pooled all-MiniLM-L6-v2
vectors of the README's first 64 long lines (truncated to 128 tokens),
cosine to jretrieve's plain fp32 conversion, for jretrieve's fused int8
graph and ORT quantize_dynamic (per-tensor default and per-channel) of the
onnxruntime.transformers.optimizer graph of the Optimum export.

  python bench/fused_minilm.py CKPT_DIR OPTIMUM_ONNX JR_PLAIN_ONNX JR_INT8_ONNX
(run from the repository root; CKPT_DIR holds tokenizer.json)
"""
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.transformers import optimizer
from tokenizers import Tokenizer

ckpt, optimum_onnx, jr_plain, jr_int8 = sys.argv[1:5]
tok = Tokenizer.from_file(ckpt + "/tokenizer.json")
lines = [l.strip() for l in open("README.md") if len(l.strip()) > 40][:64]
tok.enable_padding(pad_id=0)
tok.enable_truncation(128)
enc = tok.encode_batch(lines)
ids = np.array([e.ids for e in enc], dtype=np.int64)
mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
o = optimizer.optimize_model(optimum_onnx, model_type="bert", num_heads=12, hidden_size=384, opt_level=1)
o.save_model_to_file("/tmp/minilm-opt.onnx")
extra = {"DefaultTensorType": onnx.TensorProto.FLOAT}
quantize_dynamic("/tmp/minilm-opt.onnx", "/tmp/minilm-ortq.onnx", weight_type=QuantType.QInt8, extra_options=extra)
quantize_dynamic("/tmp/minilm-opt.onnx", "/tmp/minilm-ortq-pc.onnx", weight_type=QuantType.QInt8, per_channel=True, extra_options=extra)


def run(p):
    s = ort.InferenceSession(p, providers=["CPUExecutionProvider"])
    n = {i.name for i in s.get_inputs()}
    f = {k: v for k, v in {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}.items() if k in n}
    h = s.run(None, f)[0].astype(np.float64)
    m = mask[..., None]
    return (h * m).sum(1) / m.sum(1)


ref = run(jr_plain)
for name, p in [("jr-fused-int8", jr_int8), ("ortq per-tensor", "/tmp/minilm-ortq.onnx"),
                ("ortq per-channel", "/tmp/minilm-ortq-pc.onnx"), ("optimum fp32", optimum_onnx)]:
    v = run(p)
    c = (ref * v).sum(1) / np.sqrt((ref * ref).sum(1) * (v * v).sum(1))
    print(f"{name}\tcosine to jr-plain min {c.min():.4f} mean {c.mean():.4f}")
