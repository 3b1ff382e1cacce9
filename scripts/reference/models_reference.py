#!/usr/bin/env python3
"""Tiny model fixtures built from the real transformers classes, and the
expected outputs of sentence-transformers for them (issue 11, item 2).

For every architecture of the catalog that runs (BERT, DistilBERT,
XLM-RoBERTa, ModernBERT, LUKE as GLuCoSE uses it, and their
sequence-classification heads) this script

  1. derives a config from a real catalog model's config.json: the same
     structural flags (activations, norms, biases, pad/bos/eos ids, position
     offsets, attention windows, RoPE thetas, global-layer period), sizes
     shrunk (hidden 32, 2-4 layers, a vocabulary of ~100 tokens);
  2. instantiates the transformers class with random weights (seed 0) and
     writes it with save_pretrained (safetensors), with a tokenizer saved by
     the real tokenizer class and the sentence-transformers files laid out as
     the real repository lays them out (modules.json, 1_Pooling, 2_Normalize
     where the model has it, config_sentence_transformers.json with the real
     prompt names, sentence_bert_config.json);
  3. exports the ONNX graph the way the README tells users to: Optimum's
     `optimum-cli export onnx --task feature-extraction|text-classification
     --library-name transformers --opset 17` (its Python API, main_export), or
     for LUKE, which Optimum cannot export, the catalog's torch.onnx command;
  4. records what SentenceTransformer.encode(..., prompt_name=...) and
     CrossEncoder.predict return, on inputs with leading/trailing whitespace
     and newlines, empty strings, texts longer than the maximum length, and
     pairs, in reference.json.

Only model.onnx, the tokenizer/config/sentence-transformers files and
reference.json are committed (testdata/models/<name>/); the safetensors
weights are rebuilt from the seed, so the committed set stays small.

Usage (development tooling only; never needed to build or test jretrieve):

    /work/pyref/bin/python scripts/reference/models_reference.py

The ONNX export runs in a second virtual environment (EXPORT_PYTHON, default
/work/pyref-export/bin/python) holding requirements-export.txt: optimum-onnx
0.1.0, the current release of Optimum's ONNX exporter, requires
transformers < 4.58, while the references come from transformers 5.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "models")
GENERATOR = "scripts/reference/models_reference.py"
EXPORT_PYTHON = os.environ.get("EXPORT_PYTHON", "/work/pyref-export/bin/python")
OPSET = 17
SEED = 0

# ---------------------------------------------------------------- inputs

LONG = ("ONNX runtime inference in go, with a longer sentence that has many tokens to check "
        "the sliding window attention and truncation: 東京都の検索エンジンの評価を繰り返す。") * 2
TEXTS = [
    "東京は日本の首都です。",
    "  hello world\n",
    "\n\tthe quick brown fox jumps over the lazy dog again and again  ",
    "",
    "検索 エンジン の 評価",
    "a",
    "京都の寺\n",
    LONG,
]
QUERIES = ["日本の首都はどこ?", "  検索エンジン\n", ""]
PAIR_DOCS = ["東京は日本の首都です。", "  hello world\n", "", "京都の寺", "\n\tthe quick brown fox  ", LONG]
CORPUS = TEXTS + QUERIES + PAIR_DOCS + [
    "クエリ: 文章: 検索クエリ: 検索文書: query: passage: Represent the question: Represent the following text:",
    "Hello World THE Quick Brown",
]


def wjson(path, obj, indent=2):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=indent, sort_keys=True)
        f.write("\n")


def r7(a):
    return [float(f"{v:.7g}") for v in np.asarray(a, dtype=np.float64).ravel()]


# ---------------------------------------------------------------- tokenizers

def wordpiece_vocab():
    """A WordPiece vocabulary over CORPUS, split by the tokenizers library's
    own BERT normalizer and pre-tokenizer (lower-cased)."""
    from tokenizers.normalizers import BertNormalizer
    from tokenizers.pre_tokenizers import BertPreTokenizer
    norm = BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
    pre = BertPreTokenizer()
    words = set()
    for t in CORPUS:
        words.update(w for w, _ in pre.pre_tokenize_str(norm.normalize_str(t)))
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    seen = set(toks)

    def add(p):
        if p not in seen:
            toks.append(p)
            seen.add(p)
    for w in sorted(words):
        if len(w) < 8:  # longer words must be split into ## pieces
            add(w)
    for w in sorted(words):
        for i, ch in enumerate(w):
            add(ch if i == 0 else "##" + ch)
    for p in ["##ing", "##er", "##s", "##ed"]:
        add(p)
    return toks


def v4_tokenizer(kind, src, d, **kw):
    """Write tokenizer files with the tokenizer classes of transformers 4 (the
    export environment), which wrote the files of every catalog repository:
    BertTokenizerFast (vocab.txt + tokenizer.json), XLMRobertaTokenizerFast
    (sentencepiece.bpe.model + tokenizer.json converted with its Precompiled
    charsmap and Metaspace), MLukeTokenizer (sentencepiece.bpe.model +
    entity_vocab.json, no tokenizer.json). transformers 5 builds a different
    pipeline from a bare vocabulary file, and no real repository holds one."""
    code = r"""
import json, sys
kind, src, d, kw = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
import transformers as t
if kind == "bert":
    tok = t.BertTokenizerFast(vocab_file=src, **kw)
elif kind == "xlmr":
    tok = t.XLMRobertaTokenizerFast(vocab_file=src, **kw)
elif kind == "mluke":
    tok = t.MLukeTokenizer(vocab_file=src, **kw)
tok.save_pretrained(d)
"""
    os.makedirs(d, exist_ok=True)
    subprocess.run([EXPORT_PYTHON, "-c", code, kind, src, d, json.dumps(kw)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p = os.path.join(d, "added_tokens.json")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            if json.load(f) == {}:
                os.remove(p)


def v4_tokenize(d, texts, max_len):
    """Token ids of transformers 4's tokenizer for d: (truncated ids, untruncated length) per text."""
    code = r"""
import json, sys
from transformers import AutoTokenizer
t = AutoTokenizer.from_pretrained(sys.argv[1])
texts, n = json.loads(sys.stdin.read()), int(sys.argv[2])
print(json.dumps([(t(x, truncation=True, max_length=n)["input_ids"], len(t(x)["input_ids"])) for x in texts]))
"""
    out = subprocess.run([EXPORT_PYTHON, "-c", code, d, str(max_len)], input=json.dumps(texts), check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def write_vocab(tmp):
    vf = os.path.join(tmp, "vocab.txt")
    with open(vf, "w", encoding="utf-8") as f:
        f.write("\n".join(wordpiece_vocab()) + "\n")
    return vf


# A small NFKC-like rule set (full-width ASCII and space, two half-width katakana):
# the SentencePiece model then carries a Precompiled charsmap, as the real XLM-R
# and mLUKE models do, without nmt_nfkc's 240 KB table.
NORM_RULES = [(0xFF01 + i, 0x21 + i) for i in range(94)] + [(0x3000, 0x20), (0xFF76, 0x30AB), (0xFF71, 0x30A2)]


def train_spm(tmp, normalization):
    """A SentencePiece unigram model over CORPUS (the fairseq/XLM-R id layout
    is added by the tokenizer class from the real XLM-R layout: <unk>=0 <s>=1 </s>=2). normalization "rules" uses NORM_RULES,
    "identity" none (the modernbert-ja models carry no normalizer)."""
    import sentencepiece as spm
    d = os.path.join(tmp, "spm-" + normalization)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "corpus.txt"), "w", encoding="utf-8") as f:
        for _ in range(3):
            for t in CORPUS:
                t = " ".join(t.split())
                if t:
                    f.write(t + "\n")
    kw = {}
    if normalization == "rules":
        with open(os.path.join(d, "rules.tsv"), "w", encoding="utf-8") as f:
            for a, b in NORM_RULES:
                f.write("%X\t%X\n" % (a, b))
        kw["normalization_rule_tsv"] = "rules.tsv"
    else:
        kw["normalization_rule_name"] = normalization
    cwd = os.getcwd()
    os.chdir(d)  # relative names: the trainer spec stored in the model records them
    try:
        spm.SentencePieceTrainer.train(
            input="corpus.txt", model_prefix="sp", vocab_size=90, model_type="unigram",
            character_coverage=1.0, num_threads=1, hard_vocab_limit=False,
            unk_id=0, bos_id=1, eos_id=2, pad_id=-1, minloglevel=2, **kw)
    finally:
        os.chdir(cwd)
    return os.path.join(d, "sp.model")


# ---------------------------------------------------------------- configs from real catalog models

SMALL = dict(hidden_size=32, num_attention_heads=4, intermediate_size=64, num_hidden_layers=2)


def bert_config(vocab, max_pos=64, **extra):
    """tohoku-nlp/bert-base-japanese-v3 (cl-nagoya/ruri-base, ruri-reranker-base, the SimCSE-ja
    models): gelu, layer_norm_eps 1e-12, absolute positions, type_vocab_size 2, pad 0."""
    from transformers import BertConfig
    return BertConfig(vocab_size=vocab, hidden_act="gelu", layer_norm_eps=1e-12, max_position_embeddings=max_pos,
                      type_vocab_size=2, pad_token_id=0, position_embedding_type="absolute",
                      **SMALL, **extra)


def distilbert_config(vocab, max_pos=64, **extra):
    """line-corporation/line-distilbert-base-japanese (cl-nagoya/ruri-small, ruri-reranker-small):
    gelu, learned positions (sinusoidal_pos_embds false), pad 0, tie_weights_ true."""
    from transformers import DistilBertConfig
    return DistilBertConfig(vocab_size=vocab, dim=32, n_heads=4, n_layers=2, hidden_dim=64, activation="gelu",
                            max_position_embeddings=max_pos, sinusoidal_pos_embds=False, pad_token_id=0,
                            tie_weights_=True, **extra)


def xlmr_config(vocab, max_pos=66, **extra):
    """hotchpotch/japanese-reranker-cross-encoder-xsmall-v1 (XLM-R family): gelu,
    layer_norm_eps 1e-5, positions offset by padding_idx + 1 (max_position_embeddings =
    max length + 2), type_vocab_size 1, <s>=0 <pad>=1 </s>=2."""
    from transformers import XLMRobertaConfig
    return XLMRobertaConfig(vocab_size=vocab, hidden_act="gelu", layer_norm_eps=1e-5, max_position_embeddings=max_pos,
                            type_vocab_size=1, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                            position_embedding_type="absolute", **SMALL, **extra)


def modernbert_config(vocab, **extra):
    """cl-nagoya/ruri-v3-30m / sbintuitions/modernbert-ja (also retrieva-jp/amber-base and
    ruri-v3-reranker-310m): no biases (attention, MLP, norms), gelu GLU MLP, RoPE theta
    160000 on global layers and 10000 on local ones, a global layer every 3, local attention
    window 128 (shrunk to 8 here so short texts cross it), norm_eps 1e-5, max positions 8192.
    Special-token ids follow the fixture's XLM-R-style tokenizer (<s>=0 <pad>=1 </s>=2)."""
    from transformers import ModernBertConfig
    return ModernBertConfig(
        vocab_size=vocab, hidden_size=32, intermediate_size=48, num_hidden_layers=4, num_attention_heads=4,
        hidden_activation="gelu", max_position_embeddings=8192, norm_eps=1e-5, norm_bias=False,
        attention_bias=False, mlp_bias=False, global_rope_theta=160000.0, local_rope_theta=10000.0,
        global_attn_every_n_layers=3, local_attention=8, pad_token_id=1, bos_token_id=0, eos_token_id=2,
        cls_token_id=0, sep_token_id=2, classifier_pooling="mean", classifier_activation="gelu",
        classifier_bias=False, decoder_bias=True, **extra)


def luke_config(vocab, **extra):
    """studio-ousia/luke-japanese-base-lite (pkshatech/GLuCoSE-base-ja): RoBERTa-style
    embeddings (pad 1, positions offset by 2, max_position_embeddings 514 -> 66 here),
    type_vocab_size 1, gelu, layer_norm_eps 1e-5, entity-aware attention, a 4-entry entity
    vocabulary ([MASK] [UNK] [PAD] [MASK2]) with entity_emb_size 256 (-> 16)."""
    from transformers import LukeConfig
    return LukeConfig(vocab_size=vocab, entity_vocab_size=4, entity_emb_size=16, hidden_act="gelu",
                      layer_norm_eps=1e-5, max_position_embeddings=66, type_vocab_size=1, pad_token_id=1,
                      bos_token_id=0, eos_token_id=2, use_entity_aware_attention=True, **SMALL, **extra)


# ---------------------------------------------------------------- sentence-transformers files

ST_VERSIONS = {"sentence_transformers": "3.0.1", "transformers": "4.41.2", "pytorch": "2.3.0"}


def st_files(d, hidden, pooling, max_seq, prompts, normalize, default_prompt_name=None, do_lower_case=False,
             include_prompt=True):
    mods = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    if normalize:
        mods.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
        os.makedirs(os.path.join(d, "2_Normalize"), exist_ok=True)
    wjson(os.path.join(d, "modules.json"), mods)
    wjson(os.path.join(d, "1_Pooling", "config.json"), {
        "word_embedding_dimension": hidden,
        "pooling_mode_cls_token": pooling == "cls",
        "pooling_mode_mean_tokens": pooling == "mean",
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": pooling == "lasttoken",
        "include_prompt": include_prompt,
    })
    sb = {"do_lower_case": do_lower_case}
    if max_seq is not None:
        sb["max_seq_length"] = max_seq
    wjson(os.path.join(d, "sentence_bert_config.json"), sb)
    wjson(os.path.join(d, "config_sentence_transformers.json"), {
        "__version__": ST_VERSIONS, "prompts": prompts, "default_prompt_name": default_prompt_name,
        "similarity_fn_name": "cosine"})


# ---------------------------------------------------------------- building and exporting

def seeded(cls, cfg):
    torch.manual_seed(SEED)
    m = cls(cfg).eval()
    # random, not the near-zero init: make every weight matter
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for name, p in sorted(m.named_parameters()):
            if p.dim() >= 1:
                p.copy_(torch.randn(p.shape, generator=g) * (0.5 if p.dim() == 1 else 0.3))
            if name.endswith("LayerNorm.weight") or name.endswith("norm.weight") or ".norm" in name and name.endswith("weight"):
                p.add_(1.0)
    return m


def optimum_export(model_dir, out_dir, task):
    code = ("import sys; from optimum.exporters.onnx import main_export; "
            "main_export(sys.argv[1], output=sys.argv[2], task=sys.argv[3], library_name='transformers', "
            "opset=%d, device='cpu', do_validation=False)" % OPSET)
    subprocess.run([EXPORT_PYTHON, "-c", code, model_dir, out_dir, task], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return os.path.join(out_dir, "model.onnx")


def luke_export(model_dir, out_dir):
    """The catalog's command for GLuCoSE (Optimum has no LUKE exporter)."""
    from transformers import AutoModel
    m = AutoModel.from_pretrained(model_dir).eval()
    x = torch.ones(1, 8, dtype=torch.long)
    p = os.path.join(out_dir, "model.onnx")
    os.makedirs(out_dir, exist_ok=True)
    torch.onnx.export(m, (x, x), p, input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                      dynamic_axes={n: {0: "batch", 1: "sequence"} for n in ["input_ids", "attention_mask", "last_hidden_state"]},
                      opset_version=OPSET, dynamo=False)
    return p


def install(tmp_dir, name, onnx_file):
    """Copy the model directory (minus the weights) and its ONNX graph into testdata."""
    d = os.path.join(OUT, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    shutil.copytree(tmp_dir, d, ignore=shutil.ignore_patterns("model.safetensors", "*.bin"))
    shutil.copy(onnx_file, os.path.join(d, "model.onnx"))
    return d


def versions():
    import sentence_transformers
    import tokenizers
    import transformers
    out = subprocess.run([EXPORT_PYTHON, "-c", "import optimum.onnx, transformers, importlib.metadata as m; "
                          "print(m.version('optimum-onnx'), transformers.__version__)"],
                         check=True, capture_output=True, text=True).stdout.split()
    return {"sentence_transformers": sentence_transformers.__version__, "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__, "torch": torch.__version__.split("+")[0],
            "optimum_onnx": out[0], "export_transformers": out[1]}


# ---------------------------------------------------------------- references

def embed_reference(d_tmp, meta, roles):
    """roles: list of (kind, prompt_name or None for encode_query/encode_document defaults)."""
    from sentence_transformers import SentenceTransformer
    st = SentenceTransformer(d_tmp, device="cpu")
    tr = st[0]
    tok = tr.tokenizer
    max_seq = st.max_seq_length
    items = []
    with open(os.path.join(d_tmp, "config_sentence_transformers.json"), encoding="utf-8") as f:
        saved = json.load(f)
    saved_prompts, default_name = saved.get("prompts") or {}, saved.get("default_prompt_name")
    for kind, prompt_name in roles:
        texts = QUERIES + TEXTS if kind == "query" else TEXTS
        used = prompt_name
        if used is None:
            # The role's prompt as encode_query / encode_document document it: "query";
            # "document", "passage", "corpus"; else default_prompt_name. (In 6.3 both
            # methods first insert empty "query"/"document" placeholders into
            # model.prompts, so a model whose prompts say "passage" gets no document
            # prompt from encode_document: the name is resolved from the saved
            # config here and passed explicitly.)
            names = ["query"] if kind == "query" else ["document", "passage", "corpus"]
            used = next((n for n in names if n in saved_prompts), None)
        if used is not None:
            kw = {"prompt_name": used}
        else:
            kw = {}  # encode() applies default_prompt_name
            used = default_name
        emb = st.encode(texts, convert_to_numpy=True, **kw)
        nrm = st.encode(texts, convert_to_numpy=True, normalize_embeddings=True, **kw)
        tokens = st.encode(texts, output_value="token_embeddings", **kw)
        prompt = st.prompts.get(used, "") if used else ""
        stripped = st.encode([(prompt + t).strip() for t in texts], prompt="", convert_to_numpy=True,
                             normalize_embeddings=True)
        for i, t in enumerate(texts):
            full = tok(prompt + t, truncation=False)
            # the pooled vector before any Normalize module, and the ids sentence-transformers feeds
            feats = tr.preprocess([t], prompt=prompt or None)
            feats = {k: v for k, v in feats.items() if isinstance(v, torch.Tensor)}
            ids = {k: feats[k][0].tolist() for k in ("input_ids", "token_type_ids") if k in feats}
            with torch.no_grad():
                out = st[1](tr(dict(feats)))
            items.append({
                "kind": kind, "text": t, "prompt_name": used or "", "prompt": prompt,
                "input_ids": ids["input_ids"], "token_type_ids": ids.get("token_type_ids") or [0] * len(ids["input_ids"]),
                "truncated": len(full["input_ids"]) > max_seq,
                # token states only for the default query role (the backend tests' input)
                "last_hidden_state": r7(tokens[i].numpy()) if (kind, prompt_name) == ("query", None) else [],
                "pooled": r7(out["sentence_embedding"][0].numpy()),
                "embedding": r7(emb[i]),
                "normalized": r7(nrm[i]),
                # sentence-transformers <= 5 tokenized str(prompt + text).strip()
                "normalized_stripped": r7(stripped[i]),
            })
    ref = dict(meta)
    ref.update({"max_seq_length": max_seq, "hidden": st.get_embedding_dimension(),
                "pooling": st[1].pooling_mode,
                "prompts": dict(st.prompts), "default_prompt_name": st.default_prompt_name or "",
                "normalize_module": any(type(m).__name__ == "Normalize" for m in st), "items": items})
    return ref


def embed_reference_v4ids(d_tmp, meta, roles):
    """LUKE: transformers 5.25's MLukeTokenizer maps SentencePiece ids without
    the fairseq offset that transformers 4 applies (<s>=1 and '▁'=3 instead of
    <s>=0 and '▁'=4), so a LUKE model trained with transformers 4 ids, such as
    GLuCoSE, gets other ids under transformers 5. jretrieve follows the ids the
    model was trained with: the ids come from transformers 4's MLukeTokenizer
    (SentencePiece) and the vectors from the SentenceTransformer modules
    (LukeModel, Pooling) of the pinned stack run on those ids."""
    from sentence_transformers import SentenceTransformer
    st = SentenceTransformer(d_tmp, device="cpu")
    max_seq = st.max_seq_length
    with open(os.path.join(d_tmp, "config_sentence_transformers.json"), encoding="utf-8") as f:
        saved = json.load(f)
    saved_prompts = saved.get("prompts") or {}

    def run(ids):
        feats = {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long)}
        with torch.no_grad():
            out = st[0](dict(feats))
            tokens = out["token_embeddings"][0].clone()
            for mod in list(st)[1:]:
                out = mod(out)
        emb = out["sentence_embedding"][0]
        return tokens, emb, torch.nn.functional.normalize(emb, dim=0)
    items = []
    for kind, prompt_name in roles:
        texts = QUERIES + TEXTS if kind == "query" else TEXTS
        names = ["query"] if kind == "query" else ["document", "passage", "corpus"]
        used = prompt_name or next((n for n in names if n in saved_prompts), saved.get("default_prompt_name"))
        prompt = saved_prompts.get(used, "") if used else ""
        toks = v4_tokenize(d_tmp, [prompt + t for t in texts], max_seq)
        stoks = v4_tokenize(d_tmp, [(prompt + t).strip() for t in texts], max_seq)
        for t, (ids, n), (sids, _) in zip(texts, toks, stoks):
            tokens, emb, nrm = run(ids)
            _, _, snrm = run(sids)
            with torch.no_grad():
                pooled = st[1]({"token_embeddings": tokens[None], "attention_mask": torch.ones(1, len(ids), dtype=torch.long)})["sentence_embedding"][0]
            items.append({
                "kind": kind, "text": t, "prompt_name": used or "", "prompt": prompt,
                "input_ids": ids, "token_type_ids": [0] * len(ids), "truncated": n > max_seq,
                "last_hidden_state": r7(tokens.numpy()) if (kind, prompt_name) == ("query", None) else [],
                "pooled": r7(pooled.numpy()), "embedding": r7(emb.numpy()), "normalized": r7(nrm.numpy()),
                "normalized_stripped": r7(snrm.numpy()),
            })
    ref = dict(meta)
    ref.update({"max_seq_length": max_seq, "hidden": st.get_embedding_dimension(), "pooling": st[1].pooling_mode,
                "prompts": saved_prompts, "default_prompt_name": saved.get("default_prompt_name") or "",
                "normalize_module": any(type(m).__name__ == "Normalize" for m in st),
                "token_ids": "transformers 4 MLukeTokenizer", "items": items})
    return ref


def cross_reference(d_tmp, meta):
    from sentence_transformers import CrossEncoder
    ce = CrossEncoder(d_tmp, device="cpu")
    tok = ce.tokenizer
    max_len = ce.max_seq_length
    pairs = [(q, d) for q in QUERIES for d in PAIR_DOCS]
    scores = ce.predict(pairs, convert_to_numpy=True)
    logits = ce.predict(pairs, convert_to_numpy=True, activation_fn=torch.nn.Identity())
    # sentence-transformers <= 5 stripped both texts of a pair
    stripped = ce.predict([(q.strip(), d.strip()) for q, d in pairs], convert_to_numpy=True,
                          activation_fn=torch.nn.Identity())
    nl = ce.num_labels
    items = []
    for (q, d), s, lg, lgs in zip(pairs, scores, logits, stripped):
        full = {k: v[0] for k, v in tok([q], [d], truncation=False).items()}
        # the ids sentence-transformers feeds (an empty document is still a pair: [CLS] q [SEP] [SEP])
        feats = ce[0].preprocess([(q, d)])
        ids = {k: feats[k][0].tolist() for k in ("input_ids", "token_type_ids") if k in feats}
        lg = np.atleast_1d(np.asarray(lg, dtype=np.float64))
        it = {"kind": "pair", "query": q, "document": d, "input_ids": ids["input_ids"],
              "token_type_ids": ids.get("token_type_ids") or [0] * len(ids["input_ids"]),
              "truncated": len(full["input_ids"]) > max_len, "logits": r7(lg),
              "logits_stripped": r7(np.atleast_1d(lgs)),
              "scores": r7(np.atleast_1d(s)), "score": r7(np.atleast_1d(s))[-1 if nl > 1 else 0]}
        if nl > 1:
            e = np.exp(lg - lg.max())
            it["softmax_positive"] = r7([e[-1] / e.sum()])[0]
        items.append(it)
    ref = dict(meta)
    ref.update({"max_length": max_len, "num_labels": nl, "activation": type(ce.activation_fn).__name__,
                "items": items})
    return ref


# ---------------------------------------------------------------- fixtures

def make_embedder(tmp, name, model_cls, cfg, save_tok, st_kw, roles, meta, export="optimum"):
    d = os.path.join(tmp, name)
    save_tok(d)
    from transformers import AutoTokenizer
    cfg.vocab_size = len(AutoTokenizer.from_pretrained(d))  # special tokens the class adds included
    m = seeded(model_cls, cfg)
    m.config.architectures = [model_cls.__name__]
    m.save_pretrained(d, safe_serialization=True)
    st_files(d, cfg.hidden_size if hasattr(cfg, "hidden_size") else cfg.dim, **st_kw)
    if export == "optimum":
        onnx_file = optimum_export(d, os.path.join(tmp, name + "-onnx"), "feature-extraction")
    else:
        onnx_file = luke_export(d, os.path.join(tmp, name + "-onnx"))
    ref = embed_reference_v4ids(d, meta, roles) if export == "torch" else embed_reference(d, meta, roles)
    out = install(d, name, onnx_file)
    wjson(os.path.join(out, "reference.json"), ref, indent=None)


def make_cross(tmp, name, model_cls, cfg, save_tok, meta, activation=None):
    d = os.path.join(tmp, name)
    save_tok(d)
    from transformers import AutoTokenizer
    cfg.vocab_size = len(AutoTokenizer.from_pretrained(d))  # special tokens the class adds included
    m = seeded(model_cls, cfg)
    m.config.architectures = [model_cls.__name__]
    if activation is not None:
        m.config.sentence_transformers = {"activation_fn": activation, "version": "4.0.1"}
    m.save_pretrained(d, safe_serialization=True)
    onnx_file = optimum_export(d, os.path.join(tmp, name + "-onnx"), "text-classification")
    ref = cross_reference(d, meta)
    out = install(d, name, onnx_file)
    wjson(os.path.join(out, "reference.json"), ref, indent=None)


def main():
    from transformers import (BertForSequenceClassification, BertModel, DistilBertForSequenceClassification,
                              DistilBertModel, LukeModel, ModernBertForSequenceClassification, ModernBertModel,
                              XLMRobertaForSequenceClassification, XLMRobertaModel)
    torch.set_num_threads(1)
    meta = {"generator": GENERATOR, "versions": versions()}
    tmp = tempfile.mkdtemp(prefix="models-ref-")
    try:
        vocab = write_vocab(tmp)
        sp_rules = train_spm(tmp, "rules")
        sp_id = train_spm(tmp, "identity")
        ev = os.path.join(tmp, "entity_vocab.json")
        wjson(ev, {"[MASK]": 0, "[UNK]": 1, "[PAD]": 2, "[MASK2]": 3})

        def save_wp(d, lower=True, mml=64):
            v4_tokenizer("bert", vocab, d, do_lower_case=lower, model_max_length=mml)

        def save_xlmr(spm_file, mml):
            return lambda d: v4_tokenizer("xlmr", spm_file, d, model_max_length=mml)

        def save_mluke(d):
            v4_tokenizer("mluke", sp_rules, d, entity_vocab_file=ev, model_max_length=64)

        V = SVn = SVi = 0  # vocab_size is set from the saved tokenizer (make_embedder / make_cross)
        q_d = [("query", None), ("document", None)]

        # cl-nagoya/ruri-base layout: Transformer + mean Pooling, prompts "クエリ: " / "文章: "
        make_embedder(tmp, "bert-tiny", BertModel, bert_config(V), save_wp,
                      dict(pooling="mean", max_seq=24, prompts={"query": "クエリ: ", "document": "文章: "},
                           normalize=False), q_d, meta)
        # last-token pooling over BERT, with a Normalize module
        make_embedder(tmp, "bert-lasttoken-tiny", BertModel, bert_config(V), save_wp,
                      dict(pooling="lasttoken", max_seq=24, prompts={}, normalize=True), q_d, meta)
        # do_lower_case in sentence_bert_config.json over a cased tokenizer; default_prompt_name;
        # CLS pooling
        make_embedder(tmp, "bert-cls-lower-tiny", BertModel, bert_config(V),
                      lambda d: save_wp(d, lower=False),
                      dict(pooling="cls", max_seq=24, prompts={"retrieval": "検索: ", "sts": ""},
                           normalize=True, default_prompt_name="retrieval", do_lower_case=True),
                      q_d + [("query", "sts")], meta)
        # cl-nagoya/ruri-small layout (LINE DistilBERT)
        make_embedder(tmp, "distilbert-tiny", DistilBertModel, distilbert_config(V), save_wp,
                      dict(pooling="mean", max_seq=24, prompts={"query": "クエリ: ", "document": "文章: "},
                           normalize=False), q_d, meta)
        # multilingual-e5 layout over XLM-R: mean + Normalize, prompts query / passage
        make_embedder(tmp, "xlmr-tiny", XLMRobertaModel, xlmr_config(SVn), save_xlmr(sp_rules, 64),
                      dict(pooling="mean", max_seq=24, prompts={"query": "query: ", "passage": "passage: "},
                           normalize=True), q_d, meta)
        # cl-nagoya/ruri-v3-30m layout
        make_embedder(tmp, "modernbert-tiny", ModernBertModel, modernbert_config(SVi), save_xlmr(sp_id, 8192),
                      dict(pooling="mean", max_seq=32, prompts={"query": "検索クエリ: ", "document": "検索文書: "},
                           normalize=False), q_d, meta)
        # retrieva-jp/amber-base layout: prompts under task names
        make_embedder(tmp, "amber-tiny", ModernBertModel, modernbert_config(SVi), save_xlmr(sp_id, 8192),
                      dict(pooling="mean", max_seq=32, normalize=True, prompts={
                          "Retrieval-query": "Represent the question:\n",
                          "Retrieval-passage": "Represent the following text:\n",
                          "STS": "Represent the sentence:\n"}),
                      q_d + [("query", "Retrieval-query"), ("document", "Retrieval-passage")], meta)
        # pkshatech/GLuCoSE-base-ja-v2 layout (LUKE, MLukeTokenizer), no max_seq_length:
        # sentence-transformers takes min(model_max_length, max_position_embeddings)
        make_embedder(tmp, "luke-tiny", LukeModel, luke_config(SVn),
                      save_mluke,
                      dict(pooling="mean", max_seq=None, prompts={"query": "query: ", "passage": "passage: "},
                           normalize=False), q_d, meta, export="torch")
        sig = "torch.nn.modules.activation.Sigmoid"
        # cl-nagoya/ruri-reranker-base: one logit, Sigmoid
        make_cross(tmp, "cross-encoder-bert-tiny", BertForSequenceClassification, bert_config(V, num_labels=1),
                   save_wp, meta, activation=sig)
        # cl-nagoya/ruri-reranker-small
        make_cross(tmp, "cross-encoder-distilbert-tiny", DistilBertForSequenceClassification,
                   distilbert_config(V, num_labels=1), save_wp, meta)
        # two labels: sentence-transformers returns raw logits (Identity)
        make_cross(tmp, "cross-encoder-xlmr-tiny", XLMRobertaForSequenceClassification,
                   xlmr_config(SVn, num_labels=2, id2label={0: "irrelevant", 1: "relevant"},
                               label2id={"irrelevant": 0, "relevant": 1}),
                   save_xlmr(sp_rules, 64), meta)
        # cl-nagoya/ruri-v3-reranker-310m
        make_cross(tmp, "cross-encoder-modernbert-tiny", ModernBertForSequenceClassification,
                   modernbert_config(SVi, num_labels=1), save_xlmr(sp_id, 8192), meta, activation=sig)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    write_manifest()


def write_manifest():
    mf = os.path.join(ROOT, "scripts", "reference", "manifest.tsv")
    with open(mf, encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = [l for l in lines if l.startswith("#")]
    gen = os.path.basename(GENERATOR)  # the manifest names scripts under scripts/reference
    keep = [l for l in lines if l and not l.startswith("#") and l.split("\t")[1] != gen]
    new = []
    for dirpath, _, files in os.walk(OUT):
        for fn in files:
            p = os.path.join(dirpath, fn)
            rel = os.path.relpath(p, ROOT)
            with open(p, "rb") as f:
                new.append(f"{rel}\t{gen}\t{hashlib.sha256(f.read()).hexdigest()}")
    with open(mf, "w", encoding="utf-8") as f:
        f.write("\n".join(header + sorted(keep + new)) + "\n")


if __name__ == "__main__":
    main()
