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


class HF_ColBERT(transformers.BertPreTrainedModel):
    """colbert-ai's HF_ColBERT (colbert/modeling/hf_colbert.py), the class
    JaColBERT checkpoints are saved with: `bert` (BertModel) and `linear`
    (Linear(hidden_size, dim, bias=False)); forward returns the projected
    token vectors (before ColBERT's masking and normalization)."""

    _keys_to_ignore_on_load_unexpected = [r"cls"]

    def __init__(self, config, dim=16):
        super().__init__(config)
        self.linear = torch.nn.Linear(config.hidden_size, dim, bias=False)
        self.bert = transformers.BertModel(config)
        self.post_init()

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)[0]
        return transformers.modeling_outputs.BaseModelOutput(last_hidden_state=self.linear(h))


CLASSES = {"HF_ColBERT": HF_ColBERT}

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
    # cl-nagoya/ruri-reranker-base style (BertForSequenceClassification, 1 label), bf16 weights.
    dict(name="bert-cls", cls="BertForSequenceClassification", dtype="bfloat16", shard=None, types=True, config={
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
    # cl-nagoya/ruri-reranker-small style (DistilBertForSequenceClassification), fp16 pytorch_model.bin.
    dict(name="distilbert-cls", cls="DistilBertForSequenceClassification", dtype="float16", shard=None, types=False, bin=True, config={
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
    # bclavie/JaColBERTv2 / answerdotai/JaColBERTv2.5 (HF_ColBERT on Tohoku BERT v3; dim 128 -> 16).
    dict(name="colbert", cls="HF_ColBERT", dtype="float32", shard=None, types=True, config={
        "architectures": ["HF_ColBERT"], "model_type": "bert",
        "attention_probs_dropout_prob": 0.1, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "hidden_size": 32, "intermediate_size": 64, "layer_norm_eps": 1e-12,
        "max_position_embeddings": 64, "num_attention_heads": 2, "num_hidden_layers": 2,
        "pad_token_id": 0, "position_embedding_type": "absolute", "type_vocab_size": 2,
        "vocab_size": VOCAB}),
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
    # sbintuitions/sarashina-embedding-v1-1b (LlamaModel on sarashina2.1-1b,
    # last-token pooling): grouped-query attention (4 query heads over 2
    # key/value heads), head_dim 16 apart from hidden_size / heads, silu
    # SwiGLU MLP, RMSNorm, causal attention, default rope.
    dict(name="llama", cls="LlamaModel", dtype="float32", shard=None, types=False, config={
        "architectures": ["LlamaModel"], "model_type": "llama",
        "attention_bias": False, "attention_dropout": 0.0, "bos_token_id": 1, "eos_token_id": 2,
        "head_dim": 16, "hidden_act": "silu", "hidden_size": 32, "initializer_range": 0.02,
        "intermediate_size": 64, "max_position_embeddings": 64, "mlp_bias": False,
        "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2,
        "pad_token_id": 3, "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": None,
        "rope_theta": 10000.0, "tie_word_embeddings": False, "use_cache": True,
        "vocab_size": VOCAB}),
    # The same decoder with multi-query attention (4 query heads over ONE
    # key/value head), head_dim 8 (not a multiple of 16: the fused graph
    # takes RotaryEmbedding nodes instead of the rotary inside
    # GroupQueryAttention) and biased attention projections
    # (attention_bias, as Qwen2-style decoders have on q/k/v).
    dict(name="llama-mqa", cls="LlamaModel", dtype="float32", shard=None, types=False, config={
        "architectures": ["LlamaModel"], "model_type": "llama",
        "attention_bias": True, "attention_dropout": 0.0, "bos_token_id": 1, "eos_token_id": 2,
        "head_dim": 8, "hidden_act": "silu", "hidden_size": 32, "initializer_range": 0.02,
        "intermediate_size": 48, "max_position_embeddings": 64, "mlp_bias": False,
        "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 1,
        "pad_token_id": 3, "pretraining_tp": 1, "rms_norm_eps": 1e-06, "rope_scaling": None,
        "rope_theta": 500000.0, "tie_word_embeddings": False, "use_cache": True,
        "vocab_size": VOCAB}),
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
    model = CLASSES[fx["cls"]](config) if fx["cls"] in CLASSES else getattr(transformers, fx["cls"])(config)
    randomize(model, gen)
    dtype = getattr(torch, fx["dtype"])
    # Round the weights to the stored dtype, then compute in float32 from
    # exactly those values.
    model = model.to(dtype)
    kwargs = {"safe_serialization": True}
    if fx["shard"]:
        kwargs["max_shard_size"] = fx["shard"]
    model.save_pretrained(d, **kwargs)
    if fx.get("bin"):
        # The legacy layout (transformers < 4.35 default): torch.save of the
        # state dict. transformers 5 only writes safetensors.
        os.remove(os.path.join(d, "model.safetensors"))
        torch.save(model.state_dict(), os.path.join(d, "pytorch_model.bin"))
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


# The sentence-transformers fixture: a ModernBERT checkpoint (ruri-v3
# style: mean pooling, Normalize, "検索クエリ: " / "検索文書: " prompts) with a
# BertTokenizer over a tiny vocabulary, and the embeddings of
# SentenceTransformer.encode: the reference for the full jretrieve path
# (tokenizer, converted graph, pooling, normalization, prompts).
ST_VOCAB = (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
            + list("abcdefghijklmnopqrstuvwxyz0123456789")
            + ["##" + c for c in "abcdefghijklmnopqrstuvwxyz"]
            + list("検索クエリ文書東京天気今日明日雨晴れのはがをにでとも日本語大学図書館。、:！？")
            + ["hello", "world", "the", "weather", "search", "query"])
ST_TEXTS = {
    "query": ["東京の天気", "hello world", "今日は雨"],
    "document": ["東京は今日晴れ。明日は雨", "the weather of tokyo today", "日本語の大学図書館で検索"],
}


def make_st(name="st-modernbert", base="modernbert", cls="ModernBertModel", pooling="mean",
            prompts=(("query", "検索クエリ: "), ("document", "検索文書: ")), seed=4321):
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertTokenizer

    prompts = dict(prompts)
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    vocab = ST_VOCAB + ["[unused%d]" % i for i in range(VOCAB - len(ST_VOCAB))]
    assert len(vocab) == VOCAB
    with open(os.path.join(d, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(os.path.join(d, "vocab.txt"), do_lower_case=True, tokenize_chinese_chars=True)
    cfg = dict(FIXTURES_BY_NAME[base]["config"])
    cfg.update({"pad_token_id": 0, "cls_token_id": 2, "bos_token_id": 2, "sep_token_id": 3, "eos_token_id": 3})
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    config = transformers.AutoConfig.from_pretrained(d)
    config._attn_implementation = "eager"
    gen = torch.Generator().manual_seed(seed)
    model = getattr(transformers, cls)(config)
    randomize(model, gen)
    model.save_pretrained(d, safe_serialization=True)
    tok.save_pretrained(d)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    tr = models.Transformer(d, max_seq_length=48, model_kwargs={"attn_implementation": "eager"})
    pool = models.Pooling(tr.get_embedding_dimension(), pooling_mode=pooling)
    st = SentenceTransformer(modules=[tr, pool, models.Normalize()], prompts=prompts)
    st.eval()
    items = []
    for kind, texts in sorted(ST_TEXTS.items()):
        emb = st.encode(texts, prompt_name=kind if kind in prompts else None, convert_to_tensor=True, batch_size=8)
        for t, e in zip(texts, emb):
            items.append({"kind": kind, "text": t, "embedding": rnd(e.float().tolist())})
    # The sentence-transformers files (modules.json, 1_Pooling, prompts,
    # max_seq_length) are written by hand: ST's own save adds a model card
    # with versions and dates.
    with open(os.path.join(d, "modules.json"), "w") as f:
        json.dump([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ], f, indent=2)
        f.write("\n")
    os.makedirs(os.path.join(d, "1_Pooling"))
    with open(os.path.join(d, "1_Pooling", "config.json"), "w") as f:
        json.dump(pool.get_config_dict(), f, indent=2, sort_keys=True)
        f.write("\n")
    with open(os.path.join(d, "sentence_bert_config.json"), "w") as f:
        json.dump({"max_seq_length": 48, "do_lower_case": False}, f, indent=2)
        f.write("\n")
    with open(os.path.join(d, "config_sentence_transformers.json"), "w") as f:
        json.dump({"prompts": prompts, "default_prompt_name": None,
                   "similarity_fn_name": "cosine"}, f, indent=2, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump({"items": items, "sentence_transformers": __import__("sentence_transformers").__version__,
                   "transformers": transformers.__version__}, f, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        f.write("\n")
    out = []
    for root, _, names in os.walk(d):
        out += [os.path.join(root, n) for n in names]
    return sorted(out)


FIXTURES_BY_NAME = {fx["name"]: fx for fx in FIXTURES}


def main():
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT, exist_ok=True)
    files = []
    for fx in FIXTURES:
        files += make(fx)
    files += make_st()
    # sarashina-embedding-v1-1b style: the Llama decoder, last-token
    # pooling (the [SEP] the tokenizer appends, as sarashina's appends
    # EOS), Normalize, no prompts; texts of different lengths in one
    # right-padded batch.
    files += make_st(name="st-llama", base="llama", cls="LlamaModel", pooling="lasttoken", prompts=(), seed=4322)
    for p in files:
        print(os.path.relpath(p, ROOT))


if __name__ == "__main__":
    sys.exit(main())
