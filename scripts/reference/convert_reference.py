#!/usr/bin/env python3
"""Tiny random-weight Hugging Face checkpoints and their transformers outputs,
for the parity tests of onnx/convert (the Go checkpoint -> ONNX converter).

Each fixture under onnx/convert/testdata/<name>/ holds:

  config.json        the config as the Hub stores it (old-style keys where the
                     real checkpoint has them, e.g. ModernBERT's
                     global_attn_every_n_layers / local_attention /
                     global_rope_theta), derived from the real catalog model's
                     config and shrunk (hidden 32, 2-4 layers, vocab 160);
  model.safetensors  (or sharded model-0000N-of-0000M.safetensors + index)
                     random weights written by save_pretrained of the real
                     transformers class, in fp32, fp16 or bf16;
  reference.json     inputs (ids, token types) and the class's output
                     (last_hidden_state or logits) for each input run ALONE,
                     in float32 from the weights as stored.

Every parameter is drawn at random (LayerNorm scales around 1, biases and
matrices around 0), so a wrong network, a swapped weight or a missing bias
changes the output. Run with the pinned reference stack:

    /work/pyref/bin/python scripts/reference/convert_reference.py

Deterministic: running it again rewrites the same bytes.
"""

import json
import os
import shutil
import sys

import torch
import transformers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "onnx", "convert", "testdata")

VOCAB = 160

# Shrunk from the real configs of the catalog models (values kept where they
# change the network: activations, epsilons, rope thetas, global-layer
# period, pooling, pad ids, label counts).
FIXTURES = [
    # cl-tohoku/bert-base-japanese-v3 / cl-nagoya/ruri-base (BertModel).
    dict(name="bert", cls="BertModel", dtype="float32", shard=None, types=True, config={
        "architectures": ["BertModel"], "model_type": "bert",
        "attention_probs_dropout_prob": 0.1, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 64,
        "layer_norm_eps": 1e-12, "max_position_embeddings": 64, "num_attention_heads": 2,
        "num_hidden_layers": 2, "pad_token_id": 0, "position_embedding_type": "absolute",
        "type_vocab_size": 2, "use_cache": True, "vocab_size": VOCAB}),
    # cl-nagoya/ruri-reranker-base style (BertForSequenceClassification, 1 label), fp16 weights.
    dict(name="bert-cls", cls="BertForSequenceClassification", dtype="float16", shard=None, types=True, config={
        "architectures": ["BertForSequenceClassification"], "model_type": "bert",
        "hidden_act": "gelu", "hidden_size": 32, "intermediate_size": 64,
        "layer_norm_eps": 1e-12, "max_position_embeddings": 64, "num_attention_heads": 2,
        "num_hidden_layers": 2, "pad_token_id": 0, "type_vocab_size": 2, "vocab_size": VOCAB,
        "id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0}}),
    # line-corporation/line-distilbert-base-japanese / ruri-small (DistilBertModel), sharded.
    dict(name="distilbert", cls="DistilBertModel", dtype="float32", shard="20KB", types=False, config={
        "architectures": ["DistilBertModel"], "model_type": "distilbert",
        "activation": "gelu", "attention_dropout": 0.1, "dim": 32, "dropout": 0.1, "hidden_dim": 64,
        "max_position_embeddings": 64, "n_heads": 2, "n_layers": 2, "pad_token_id": 0,
        "qa_dropout": 0.1, "seq_classif_dropout": 0.2, "sinusoidal_pos_embds": False,
        "vocab_size": VOCAB}),
    # cl-nagoya/ruri-reranker-small style (DistilBertForSequenceClassification), bf16.
    dict(name="distilbert-cls", cls="DistilBertForSequenceClassification", dtype="bfloat16", shard=None, types=False, config={
        "architectures": ["DistilBertForSequenceClassification"], "model_type": "distilbert",
        "activation": "gelu", "dim": 32, "hidden_dim": 64, "max_position_embeddings": 64,
        "n_heads": 2, "n_layers": 2, "pad_token_id": 0, "sinusoidal_pos_embds": False,
        "vocab_size": VOCAB, "id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0}}),
    # intfloat/multilingual-e5 style XLM-R encoder (XLMRobertaModel).
    dict(name="xlmr", cls="XLMRobertaModel", dtype="float32", shard=None, types=False, config={
        "architectures": ["XLMRobertaModel"], "model_type": "xlm-roberta",
        "bos_token_id": 0, "eos_token_id": 2, "hidden_act": "gelu", "hidden_size": 32,
        "intermediate_size": 64, "layer_norm_eps": 1e-05, "max_position_embeddings": 66,
        "num_attention_heads": 2, "num_hidden_layers": 2, "pad_token_id": 1,
        "position_embedding_type": "absolute", "type_vocab_size": 1, "vocab_size": VOCAB}),
    # hotchpotch/japanese-bge-reranker-v2-m3-v1 (XLMRobertaForSequenceClassification, 1 label), fp16.
    dict(name="xlmr-cls", cls="XLMRobertaForSequenceClassification", dtype="float16", shard=None, types=False, config={
        "architectures": ["XLMRobertaForSequenceClassification"], "model_type": "xlm-roberta",
        "bos_token_id": 0, "eos_token_id": 2, "hidden_act": "gelu", "hidden_size": 32,
        "intermediate_size": 64, "layer_norm_eps": 1e-05, "max_position_embeddings": 66,
        "num_attention_heads": 2, "num_hidden_layers": 2, "pad_token_id": 1,
        "type_vocab_size": 1, "vocab_size": VOCAB,
        "id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0}}),
    # pkshatech/GLuCoSE-base-ja (LukeModel, word inputs only; entity tables kept tiny).
    dict(name="luke", cls="LukeModel", dtype="float32", shard=None, types=False, config={
        "architectures": ["LukeModel"], "model_type": "luke",
        "attention_probs_dropout_prob": 0.1, "bos_token_id": 0, "entity_emb_size": 16,
        "entity_vocab_size": 4, "eos_token_id": 2, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "hidden_size": 32, "intermediate_size": 64, "layer_norm_eps": 1e-05,
        "max_position_embeddings": 66, "num_attention_heads": 2, "num_hidden_layers": 2,
        "pad_token_id": 1, "type_vocab_size": 1, "use_entity_aware_attention": True,
        "vocab_size": VOCAB}),
    # cl-nagoya/ruri-v3-30m (ModernBertModel): Hub-style keys, 4 layers so that
    # layers 0 and 3 are global, a 16-token window so that the test inputs
    # (up to 30 tokens) reach the sliding mask.
    dict(name="modernbert", cls="ModernBertModel", dtype="float32", shard=None, types=False, config={
        "architectures": ["ModernBertModel"], "model_type": "modernbert",
        "attention_bias": False, "attention_dropout": 0.0, "bos_token_id": 1, "cls_token_id": 1,
        "embedding_dropout": 0.0, "eos_token_id": 2, "global_attn_every_n_layers": 3,
        "global_rope_theta": 160000.0, "hidden_activation": "gelu", "hidden_size": 32,
        "initializer_cutoff_factor": 2.0, "initializer_range": 0.02, "intermediate_size": 48,
        "local_attention": 16, "local_rope_theta": 10000.0, "max_position_embeddings": 64,
        "mlp_bias": False, "mlp_dropout": 0.0, "norm_bias": False, "norm_eps": 1e-05,
        "num_attention_heads": 2, "num_hidden_layers": 4, "pad_token_id": 3, "sep_token_id": 2,
        "vocab_size": VOCAB}),
    # cl-nagoya/ruri-v3-reranker-310m (ModernBertForSequenceClassification), mean pooling.
    dict(name="modernbert-cls", cls="ModernBertForSequenceClassification", dtype="float32", shard=None, types=False, config={
        "architectures": ["ModernBertForSequenceClassification"], "model_type": "modernbert",
        "attention_bias": False, "bos_token_id": 1, "classifier_activation": "gelu",
        "classifier_bias": False, "classifier_pooling": "mean", "cls_token_id": 1, "eos_token_id": 2,
        "global_attn_every_n_layers": 3, "global_rope_theta": 160000.0, "hidden_activation": "gelu",
        "hidden_size": 32, "intermediate_size": 48, "local_attention": 16, "local_rope_theta": 10000.0,
        "max_position_embeddings": 64, "mlp_bias": False, "norm_bias": False, "norm_eps": 1e-05,
        "num_attention_heads": 2, "num_hidden_layers": 4, "pad_token_id": 3, "sep_token_id": 2,
        "vocab_size": VOCAB, "id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0}}),
]

LENGTHS = [3, 11, 30]


def inputs(fx, gen):
    """Token ids avoiding the pad id, starting with a CLS-like token."""
    pad = fx["config"].get("pad_token_id", 0)
    out = []
    for n in LENGTHS:
        ids = torch.randint(4, VOCAB, (n,), generator=gen)
        ids[ids == pad] = 5
        types = [0] * n
        if fx["types"]:
            types = [0] * (n // 2) + [1] * (n - n // 2)
        out.append((ids.tolist(), types))
    return out


def randomize(model, gen):
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            r = torch.randn(p.shape, generator=gen)
            if p.dim() == 1 and ("norm" in name.lower()):
                p.copy_(1 + 0.2 * r)
            elif p.dim() == 1:
                p.copy_(0.1 * r)
            else:
                p.copy_(0.15 * r)


def rnd(xs):
    return [float("%.7g" % x) for x in xs]


def make(fx):
    d = os.path.join(OUT, fx["name"])
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(fx["config"], f, indent=2, sort_keys=True)
        f.write("\n")
    config = transformers.AutoConfig.from_pretrained(d)
    config._attn_implementation = "eager"
    gen = torch.Generator().manual_seed(1234)
    model = getattr(transformers, fx["cls"])(config)
    randomize(model, gen)
    dtype = getattr(torch, fx["dtype"])
    # Round the weights to the stored dtype, then compute in float32 from
    # exactly those values.
    model = model.to(dtype)
    kwargs = {"safe_serialization": True}
    if fx["shard"]:
        kwargs["max_shard_size"] = fx["shard"]
    model.save_pretrained(d, **kwargs)
    # Keep the Hub-style config (save_pretrained rewrites it).
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(fx["config"], f, indent=2, sort_keys=True)
        f.write("\n")
    for extra in ("generation_config.json",):
        p = os.path.join(d, extra)
        if os.path.exists(p):
            os.remove(p)
    model = model.float().eval()
    items = []
    for ids, types in inputs(fx, gen):
        kw = {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long)}
        if fx["types"]:
            kw["token_type_ids"] = torch.tensor([types])
        with torch.no_grad():
            out = model(**kw)
        item = {"input_ids": ids}
        if fx["types"]:
            item["token_type_ids"] = types
        if hasattr(out, "logits"):
            item["logits"] = rnd(out.logits[0].flatten().tolist())
        else:
            item["last_hidden_state"] = rnd(out.last_hidden_state[0].flatten().tolist())
        items.append(item)
    ref = {"class": fx["cls"], "dtype": fx["dtype"], "pad_token_id": fx["config"].get("pad_token_id", 0),
           "transformers": transformers.__version__, "items": items}
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump(ref, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    return sorted(os.path.join(d, n) for n in os.listdir(d))


def main():
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT, exist_ok=True)
    files = []
    for fx in FIXTURES:
        files += make(fx)
    for p in files:
        print(os.path.relpath(p, ROOT))


if __name__ == "__main__":
    sys.exit(main())
