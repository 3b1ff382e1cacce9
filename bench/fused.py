"""Timing half of bench/fused.sh (issue 13): random-weight checkpoints at
full size, then every graph form timed on the same ONNX Runtime (this
venv's), one thread, side by side with torch. Times are CPU seconds of the
process (time.process_time): with one intra-op thread that is the work
done, robust on a shared machine where wall time depends on the load.

  python bench/fused.py gen CACHE [MODEL...]  write CACHE/MODEL (default: all)
  python bench/fused.py time CACHE MODEL    print one TSV line per variant
  python bench/fused.py quality CACHE MODEL name=path...   cosines to the first
  python bench/fused.py flops MODEL         GFLOP of one 32 x 128 batch

THREADS (default 1) sets ORT's intra-op threads and torch's threads. With
one thread the times are process CPU seconds; with more they are wall
seconds (CPU time would add the threads up), which the shared machine's
load affects more: compare ratios within one run only.
"""
import json
import os
import statistics
import sys
import time

import numpy as np

CONFIGS = {
    # cl-nagoya/ruri-base: BERT-base (tohoku bert-base-japanese-v3 vocab)
    "bert-base": dict(architectures=["BertModel"], model_type="bert", hidden_size=768, num_hidden_layers=12,
                      num_attention_heads=12, intermediate_size=3072, vocab_size=32768,
                      max_position_embeddings=512, type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12),
    # cl-nagoya/ruri-v3-30m: ModernBERT 256 x 10 layers
    "modernbert-30m": dict(architectures=["ModernBertModel"], model_type="modernbert", hidden_size=256,
                           num_hidden_layers=10, num_attention_heads=4, intermediate_size=1024, vocab_size=102400,
                           max_position_embeddings=8192, global_attn_every_n_layers=3, local_attention=128,
                           global_rope_theta=160000.0, local_rope_theta=10000.0, pad_token_id=3,
                           bos_token_id=1, eos_token_id=2, cls_token_id=1, sep_token_id=2),
    # cl-nagoya/ruri-v3-310m: ModernBERT 768 x 25 layers
    "modernbert-310m": dict(architectures=["ModernBertModel"], model_type="modernbert", hidden_size=768,
                            num_hidden_layers=25, num_attention_heads=12, intermediate_size=3072, vocab_size=102400,
                            max_position_embeddings=8192, global_attn_every_n_layers=3, local_attention=128,
                            global_rope_theta=160000.0, local_rope_theta=10000.0, pad_token_id=3,
                            bos_token_id=1, eos_token_id=2, cls_token_id=1, sep_token_id=2),
    # XLM-RoBERTa base (the multilingual-e5-base / bge-m3-base family the
    # catalog's XLM-R models build on): 768 x 12, 250,002 pieces
    "xlmr-base": dict(architectures=["XLMRobertaModel"], model_type="xlm-roberta", hidden_size=768,
                      num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072, vocab_size=250002,
                      max_position_embeddings=514, type_vocab_size=1, pad_token_id=1, bos_token_id=0,
                      eos_token_id=2, hidden_act="gelu", layer_norm_eps=1e-5),
    # cl-nagoya/ruri-reranker-base: a BERT-base cross-encoder, one logit
    "bert-ce": dict(architectures=["BertForSequenceClassification"], model_type="bert", hidden_size=768,
                    num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072, vocab_size=32768,
                    max_position_embeddings=512, type_vocab_size=2, hidden_act="gelu", layer_norm_eps=1e-12,
                    num_labels=1),
}

THREADS = int(os.environ.get("THREADS", "1"))


def is_ce(model):
    return CONFIGS[model]["architectures"][0].endswith("ForSequenceClassification")


def auto_class(model):
    from transformers import AutoModel, AutoModelForSequenceClassification
    return AutoModelForSequenceClassification if is_ce(model) else AutoModel


def flops(model, batch=32, seq=128):
    """Multiply-adds x 2 of one forward pass: every linear of every layer
    (BERT/XLM-R: QKV and output 4H^2, MLP 2HI; ModernBERT: 4H^2 and the
    gated MLP 3HI) over batch x seq tokens, plus the two attention
    products (2 x 2 x S x H per token and layer, every layer full length:
    at 128 tokens ModernBERT's 128-token local window covers the whole
    sequence). Embeddings, norms and softmax are left out (< 1%)."""
    c = CONFIGS[model]
    h, i, n = c["hidden_size"], c["intermediate_size"], c["num_hidden_layers"]
    lin = 4 * h * h + (3 * h * i if c["model_type"] == "modernbert" else 2 * h * i)
    tokens = batch * seq
    return n * (2 * tokens * lin + 4 * tokens * seq * h)


def gen(cache, models):
    import torch
    from transformers import AutoConfig
    for name in models or CONFIGS:
        cfg = CONFIGS[name]
        out = os.path.join(cache, name)
        if os.path.exists(os.path.join(out, "model.safetensors")):
            continue
        torch.manual_seed(0)
        c = AutoConfig.for_model(**{k: v for k, v in cfg.items() if k != "architectures"})
        c.architectures = cfg["architectures"]
        if name.startswith("modernbert"):
            c._attn_implementation = "eager"
        m = auto_class(name).from_config(c)
        m.eval()
        m.save_pretrained(out, safe_serialization=True)


def export(cache, model):
    """The anchors: torch.onnx.export as Optimum's exporter calls it
    (TorchScript exporter, opset 17, dynamic batch/sequence axes, eager
    attention), onnxruntime.transformers.optimizer on it, and ORT
    quantize_dynamic of the optimized graph, and the fp16 conversion of
    the optimized graph (float16 weights and activations, float32 inputs
    and outputs) to measure whether the CPU provider runs it faster."""
    import torch
    from onnxruntime.transformers import optimizer
    from onnxruntime.quantization import quantize_dynamic, QuantType
    src = os.path.join(cache, model)
    out = os.path.join(cache, model + "-export")
    os.makedirs(out, exist_ok=True)
    plain = os.path.join(out, "model.onnx")
    cfg = CONFIGS[model]
    if not os.path.exists(plain):
        m = auto_class(model).from_pretrained(src, attn_implementation="eager")
        m.eval()
        ids = torch.ones((2, 16), dtype=torch.int64)
        names = ["input_ids", "attention_mask"] + (["token_type_ids"] if cfg["model_type"] == "bert" else [])
        args = tuple([ids, torch.ones_like(ids)] + ([torch.zeros_like(ids)] if len(names) == 3 else []))
        axes = {n: {0: "batch_size", 1: "sequence_length"} for n in names}
        oname = "logits" if is_ce(model) else "last_hidden_state"
        axes[oname] = {0: "batch_size"} if is_ce(model) else {0: "batch_size", 1: "sequence_length"}
        class Wrap(torch.nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, *xs):
                o = self.m(**dict(zip(names, xs)))
                return o.logits if is_ce(model) else o.last_hidden_state

        with torch.no_grad():
            torch.onnx.export(Wrap(m), args, plain, input_names=names, output_names=[oname],
                              dynamic_axes=axes, opset_version=17, do_constant_folding=True, dynamo=False)
    opt = os.path.join(out, "optimized.onnx")
    if not os.path.exists(opt):
        o = optimizer.optimize_model(plain, model_type="bert", num_heads=cfg["num_attention_heads"],
                                     hidden_size=cfg["hidden_size"], opt_level=1)
        o.save_model_to_file(opt)
        print("ORT optimizer fusions:", o.get_fused_operator_statistics(), file=sys.stderr)
    q = os.path.join(out, "optimized-int8.onnx")
    if not os.path.exists(q):
        import onnx as _onnx
        quantize_dynamic(opt, q, weight_type=QuantType.QInt8, extra_options={"DefaultTensorType": _onnx.TensorProto.FLOAT})
    f16 = os.path.join(out, "optimized-fp16.onnx")
    if not os.path.exists(f16):
        o = optimizer.optimize_model(opt, model_type="bert", num_heads=cfg["num_attention_heads"],
                                     hidden_size=cfg["hidden_size"], opt_level=0)
        o.convert_float_to_float16(keep_io_types=True)
        o.save_model_to_file(f16)


def inputs(batch, seq, vocab, rng):
    ids = rng.integers(5, vocab, size=(batch, seq), dtype=np.int64)
    return ids, np.ones((batch, seq), dtype=np.int64)


def ort_runner(path):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = THREADS
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    names = {i.name for i in s.get_inputs()}
    return lambda feeds: s.run(None, {k: v for k, v in feeds.items() if k in names})


def torch_runner(model, model_dir):
    import torch
    torch.set_num_threads(THREADS)
    m = auto_class(model).from_pretrained(model_dir, attn_implementation="sdpa")
    m.eval()

    def run(feeds):
        with torch.inference_mode():
            return m(**{k: torch.from_numpy(v) for k, v in feeds.items() if k in ("input_ids", "attention_mask")})
    return run


def time_interleaved(runners, feeds, reps):
    """One warm-up each, then reps rounds running every variant once in
    turn (so that load changes on the shared machine hit all variants
    alike); returns each variant's median CPU seconds."""
    for r in runners.values():
        r(feeds)
    clock = time.process_time if THREADS == 1 else time.perf_counter
    ts = {n: [] for n in runners}
    for _ in range(reps):
        for n, r in runners.items():
            t = clock()
            r(feeds)
            ts[n].append(clock() - t)
    return {n: statistics.median(v) for n, v in ts.items()}


def quality(model, variants):
    """Cosine of every token vector and of the mean-pooled vectors of each
    variant's output to the first variant's (plain fp32), on 8 x 128
    random tokens with right padding."""
    import onnxruntime as ort
    cfg = CONFIGS[model]
    rng = np.random.default_rng(1)
    ids, mask = inputs(8, 128, cfg["vocab_size"], rng)
    for i in range(8):
        mask[i, 128 - 12 * i:] = 0
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    ref = None
    for v in variants:
        name, path = v.split("=", 1)
        s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        names = {i.name for i in s.get_inputs()}
        out = s.run(None, {k: x for k, x in feeds.items() if k in names})[0].astype(np.float64)
        if ref is None:
            ref = out
            continue
        if is_ce(model):
            d = np.abs(ref[:, 0] - out[:, 0])
            print(f"{model}\t{name}\tlogit max|diff| {d.max():.2e} mean {d.mean():.2e}\t(logits {ref[:, 0].min():.3f}..{ref[:, 0].max():.3f})", flush=True)
            continue
        valid = mask.astype(bool)
        a, b = ref[valid], out[valid]
        cos = (a * b).sum(1) / np.sqrt((a * a).sum(1) * (b * b).sum(1))
        m = mask[..., None]
        pa, pb = (ref * m).sum(1) / m.sum(1), (out * m).sum(1) / m.sum(1)
        pcos = (pa * pb).sum(1) / np.sqrt((pa * pa).sum(1) * (pb * pb).sum(1))
        print(f"{model}\t{name}\ttoken-cos min {cos.min():.6f} mean {cos.mean():.6f}\tmean-pooled-cos min {pcos.min():.6f} mean {pcos.mean():.6f}\tmax|diff| {np.abs(a - b).max():.2e}", flush=True)


def main():
    if sys.argv[1] == "gen":
        gen(sys.argv[2], sys.argv[3:])
        return
    if sys.argv[1] == "flops":
        print(f"{flops(sys.argv[2]) / 1e9:.1f}")
        return
    if sys.argv[1] == "export":
        export(sys.argv[2], sys.argv[3])
        return
    if sys.argv[1] == "quality":
        quality(sys.argv[3], sys.argv[4:])
        return
    cache, model = sys.argv[2], sys.argv[3]
    variants = sys.argv[4:]  # name=path.onnx or torch=dir
    cfg = CONFIGS[model]
    rng = np.random.default_rng(0)
    batch = inputs(32, 128, cfg["vocab_size"], rng)
    single = inputs(1, 128, cfg["vocab_size"], rng)
    feeds = []
    for ids, mask in (batch, single):
        feeds.append({"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
    runners = {}
    for v in variants:
        name, path = v.split("=", 1)
        runners[name] = torch_runner(model, path) if name == "torch" else ort_runner(path)
    tb = time_interleaved(runners, feeds[0], int(os.environ.get("REPS_BATCH", "3")))
    ts = time_interleaved(runners, feeds[1], int(os.environ.get("REPS_SINGLE", "10")))
    for name in runners:
        print(f"{model}\t{name}\t{tb[name]:.4f}\t{ts[name]*1000:.2f}", flush=True)

if __name__ == "__main__":
    main()
