#!/usr/bin/python3
"""Benchmark model only (--bench DIR): a base-size BERT with random weights,
written with hand-written torch layers (speed, not parity, is measured with it).
The tiny fixtures of testdata/models and their references now come from the
real transformers classes and sentence-transformers:
scripts/reference/models_reference.py. The fixture code below is kept for the
history of the old references and is no longer run.

Run with Debian's python (python3-torch, python3-onnx, python3-numpy,
python3-sentencepiece):

    /usr/bin/python3 scripts/make-fixtures.py [OUTDIR]

transformers is NOT available in Debian, so every architecture is written
directly in torch here, following the Hugging Face implementations
(BertModel, DistilBertModel, XLMRobertaModel, ModernBertModel,
BertForSequenceClassification, XLMRobertaForSequenceClassification):
same parameter layout, masking, position ids, layer norms, activations,
RoPE and ModernBERT's alternating global / sliding-window attention. Weights
are random (seeded); the point is numerical parity of the Go inference path
(ONNX Runtime and the pure-Go backend) against torch.

The reference for every text is computed by running the torch model on that
text ALONE (no padding), so a Go batch that pads several texts together must
reproduce it: this also checks attention masking and pooling masks.

Also writes a base-size BERT (12 layers, hidden 768) when called with
--bench DIR (used by the benchmarks, never committed).
"""

import json
import math
import os
import shutil
import sys
import tempfile
import unicodedata

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OPSET = 14

# ---------------------------------------------------------------- texts

TEXTS = [
    "東京は日本の首都です。",
    "hello world",
    "the quick brown fox jumps over the lazy dog again and again",
    "検索 エンジン の 評価",
    "京都の寺",
    "a",
    "ONNX runtime inference in go, with a longer sentence that has many tokens to check the sliding window attention works",
]
QUERY = "日本の首都はどこ?"
PROMPT_Q_V1 = "クエリ: "
PROMPT_D_V1 = "文章: "
PROMPT_Q_V3 = "検索クエリ: "
PROMPT_D_V3 = "検索文書: "

# ---------------------------------------------------------------- WordPiece (BertTokenizer, do_lower_case)

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _is_punct(ch):
    cp = ord(ch)
    if (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126):
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokenize(text):
    """transformers BasicTokenizer(do_lower_case=True, tokenize_chinese_chars=True)."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
            continue
        if ch in " \t\n\r" or unicodedata.category(ch) == "Zs":
            out.append(" ")
        elif _is_cjk(cp):
            out.append(" " + ch + " ")
        else:
            out.append(ch)
    words = []
    for w in "".join(out).split():
        w = w.lower()
        w = "".join(c for c in unicodedata.normalize("NFD", w) if unicodedata.category(c) != "Mn")
        cur = ""
        for ch in w:
            if _is_punct(ch):
                if cur:
                    words.append(cur)
                    cur = ""
                words.append(ch)
            else:
                cur += ch
        if cur:
            words.append(cur)
    return words


def wordpiece(word, vocab):
    if len(word) > 100:
        return ["[UNK]"]
    pieces, start = [], 0
    while start < len(word):
        end, cur = len(word), None
        while start < end:
            sub = word[start:end]
            if start > 0:
                sub = "##" + sub
            if sub in vocab:
                cur = sub
                break
            end -= 1
        if cur is None:
            return ["[UNK]"]
        pieces.append(cur)
        start = end
    return pieces


def build_vocab(corpus):
    words = set()
    for t in corpus:
        words.update(basic_tokenize(t))
    toks = list(SPECIAL)
    seen = set(toks)
    # whole words that occur at least once, but drop a few long ones so that
    # WordPiece has to split them into ## pieces.
    for w in sorted(words):
        if len(w) >= 8 and w not in ("attention",):
            continue
        if w not in seen:
            toks.append(w)
            seen.add(w)
    for w in sorted(words):
        for i, ch in enumerate(w):
            for piece in (ch, "##" + ch):
                if piece not in seen:
                    toks.append(piece)
                    seen.add(piece)
    for piece in ["##ing", "##ence", "##er", "##s", "##ed"]:
        if piece not in seen:
            toks.append(piece)
            seen.add(piece)
    return toks


class WordPieceTok:
    def __init__(self, toks):
        self.toks = toks
        self.vocab = {t: i for i, t in enumerate(toks)}

    def ids(self, text):
        out = []
        for w in basic_tokenize(text):
            out += [self.vocab[p] for p in wordpiece(w, self.vocab)]
        return out

    def encode(self, text, max_len):
        ids = self.ids(text)[: max_len - 2]
        ids = [self.vocab["[CLS]"]] + ids + [self.vocab["[SEP]"]]
        return ids, [0] * len(ids)

    def encode_pair(self, a, b, max_len):
        ia, ib = self.ids(a), self.ids(b)
        # 'longest_first' truncation
        while len(ia) + len(ib) > max_len - 3:
            if len(ia) > len(ib):
                ia.pop()
            else:
                ib.pop()
        cls, sep = self.vocab["[CLS]"], self.vocab["[SEP]"]
        ids = [cls] + ia + [sep] + ib + [sep]
        return ids, [0] * (len(ia) + 2) + [1] * (len(ib) + 1)

    def write(self, d, max_len, cls_name="BertTokenizerFast"):
        with open(os.path.join(d, "vocab.txt"), "w", encoding="utf-8") as f:
            for t in self.toks:
                f.write(t + "\n")
        v = self.vocab
        sp = lambda t, ty: {"SpecialToken": {"id": t, "type_id": ty}}
        sq = lambda t, ty: {"Sequence": {"id": t, "type_id": ty}}
        wjson(os.path.join(d, "tokenizer.json"), {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [{"id": v[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                              "normalized": False, "special": True} for t in SPECIAL],
            "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                           "strip_accents": None, "lowercase": True},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [sp("[CLS]", 0), sq("A", 0), sp("[SEP]", 0)],
                "pair": [sp("[CLS]", 0), sq("A", 0), sp("[SEP]", 0), sq("B", 1), sp("[SEP]", 1)],
                "special_tokens": {t: {"id": t, "ids": [v[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")}},
            "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": v},
        })
        wjson(os.path.join(d, "tokenizer_config.json"), {
            "tokenizer_class": cls_name,
            "do_lower_case": True,
            "tokenize_chinese_chars": True,
            "strip_accents": None,
            "model_max_length": max_len,
            "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
            "unk_token": "[UNK]", "mask_token": "[MASK]",
        })
        wjson(os.path.join(d, "special_tokens_map.json"), {
            "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
            "unk_token": "[UNK]", "mask_token": "[MASK]",
        })


# ---------------------------------------------------------------- SentencePiece (XLM-R fairseq offset)

class SPTok:
    """XLMRobertaTokenizer: <s>=0 <pad>=1 </s>=2 <unk>=3, spm ids + 1."""

    def __init__(self, model_file):
        import sentencepiece as spm
        self.sp = spm.SentencePieceProcessor(model_file=model_file)
        self.model_file = model_file

    def ids(self, text):
        out = []
        for i in self.sp.encode(text):
            out.append(3 if i == self.sp.unk_id() else i + 1)
        return out

    def encode(self, text, max_len):
        ids = self.ids(text)[: max_len - 2]
        return [0] + ids + [2], [0] * (len(ids) + 2)

    def encode_pair(self, a, b, max_len):
        ia, ib = self.ids(a), self.ids(b)
        while len(ia) + len(ib) > max_len - 4:
            if len(ia) > len(ib):
                ia.pop()
            else:
                ib.pop()
        ids = [0] + ia + [2, 2] + ib + [2]
        return ids, [0] * len(ids)

    def vocab_size(self):
        return self.sp.get_piece_size() + 1

    def write(self, d, max_len, fname="sentencepiece.bpe.model"):
        shutil.copy(self.model_file, os.path.join(d, fname))
        wjson(os.path.join(d, "tokenizer_config.json"), {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": max_len,
            "bos_token": "<s>", "eos_token": "</s>", "cls_token": "<s>", "sep_token": "</s>",
            "pad_token": "<pad>", "unk_token": "<unk>", "mask_token": "<mask>",
        })
        wjson(os.path.join(d, "special_tokens_map.json"), {
            "bos_token": "<s>", "eos_token": "</s>", "cls_token": "<s>", "sep_token": "</s>",
            "pad_token": "<pad>", "unk_token": "<unk>", "mask_token": "<mask>",
        })


def train_spm(corpus, workdir):
    import sentencepiece as spm
    inp = os.path.join(workdir, "corpus.txt")
    with open(inp, "w", encoding="utf-8") as f:
        for _ in range(3):
            for t in corpus:
                f.write(t + "\n")
    prefix = os.path.join(workdir, "sp")
    # relative names: the trainer spec stored in the model records them, so
    # absolute temp paths would make the output differ between runs
    cwd = os.getcwd()
    os.chdir(workdir)
    spm.SentencePieceTrainer.train(
        input="corpus.txt", model_prefix="sp", vocab_size=90, model_type="unigram",
        character_coverage=1.0, num_threads=1, hard_vocab_limit=False,
        bos_id=-1, eos_id=-1, pad_id=-1, unk_id=0, minloglevel=2)
    os.chdir(cwd)
    return prefix + ".model"


# ---------------------------------------------------------------- architectures

def ext_mask(mask, dtype=torch.float32):
    # HF get_extended_attention_mask: (1 - mask) * finfo.min, broadcast over heads/queries
    m = mask[:, None, None, :].to(dtype)
    return (1.0 - m) * torch.finfo(dtype).min


class MHA(nn.Module):
    def __init__(self, h, heads):
        super().__init__()
        self.h, self.nh = h, heads
        self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))

    def forward(self, x, bias):
        b, s, _ = x.shape
        hd = self.h // self.nh

        def split(t):
            return t.view(b, s, self.nh, hd).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + bias
        att = torch.softmax(att, dim=-1)
        ctx = torch.matmul(att, v).transpose(1, 2).reshape(b, s, self.h)
        return self.o(ctx)


class BertLayer(nn.Module):
    def __init__(self, h, heads, inter, eps):
        super().__init__()
        self.attn = MHA(h, heads)
        self.ln1 = nn.LayerNorm(h, eps=eps)
        self.fc1, self.fc2 = nn.Linear(h, inter), nn.Linear(inter, h)
        self.ln2 = nn.LayerNorm(h, eps=eps)

    def forward(self, x, bias):
        x = self.ln1(x + self.attn(x, bias))
        return self.ln2(x + self.fc2(F.gelu(self.fc1(x))))


class Bert(nn.Module):
    """BertModel / XLMRobertaModel (roberta=True: position ids from padding_idx, 1 token type)."""

    def __init__(self, vocab, h=32, layers=2, heads=4, inter=64, max_pos=64, roberta=False, types=2):
        super().__init__()
        self.roberta = roberta
        self.pad = 1 if roberta else 0
        self.word = nn.Embedding(vocab, h)
        self.pos = nn.Embedding(max_pos + (2 if roberta else 0), h)
        self.typ = nn.Embedding(types, h)
        eps = 1e-5 if roberta else 1e-12
        self.ln = nn.LayerNorm(h, eps=eps)
        self.layers = nn.ModuleList([BertLayer(h, heads, inter, eps) for _ in range(layers)])

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        if self.roberta:
            m = (input_ids != self.pad).to(torch.int64)
            pos = torch.cumsum(m, dim=1) * m + self.pad
        else:
            pos = torch.arange(input_ids.shape[1], dtype=torch.int64).unsqueeze(0).expand_as(input_ids)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        x = self.ln(self.word(input_ids) + self.pos(pos) + self.typ(token_type_ids))
        bias = ext_mask(attention_mask)
        for l in self.layers:
            x = l(x, bias)
        return x


class DistilBert(nn.Module):
    """DistilBertModel with sinusoidal_pos_embds=True."""

    def __init__(self, vocab, h=32, layers=2, heads=4, inter=64, max_pos=64):
        super().__init__()
        self.word = nn.Embedding(vocab, h)
        self.pos = nn.Embedding(max_pos, h)
        enc = np.array([[p / np.power(10000, 2 * (j // 2) / h) for j in range(h)] for p in range(max_pos)])
        w = torch.zeros(max_pos, h)
        w[:, 0::2] = torch.FloatTensor(np.sin(enc[:, 0::2]))
        w[:, 1::2] = torch.FloatTensor(np.cos(enc[:, 1::2]))
        self.pos.weight.data = w
        self.pos.weight.requires_grad = False
        self.ln = nn.LayerNorm(h, eps=1e-12)
        self.layers = nn.ModuleList([BertLayer(h, heads, inter, 1e-12) for _ in range(layers)])

    def forward(self, input_ids, attention_mask):
        pos = torch.arange(input_ids.shape[1], dtype=torch.int64).unsqueeze(0).expand_as(input_ids)
        x = self.ln(self.word(input_ids) + self.pos(pos))
        bias = ext_mask(attention_mask)
        for l in self.layers:
            x = l(x, bias)
        return x


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class ModernBert(nn.Module):
    """ModernBertModel: no biases, pre-norm, GLU MLP, RoPE (theta 160000 global /
    10000 local), global attention every N layers, sliding window elsewhere."""

    def __init__(self, vocab, h=32, layers=3, heads=4, inter=48, every=2, window=8,
                 theta_g=160000.0, theta_l=10000.0):
        super().__init__()
        self.h, self.nh, self.every, self.window = h, heads, every, window
        self.theta_g, self.theta_l = theta_g, theta_l
        self.tok = nn.Embedding(vocab, h)
        self.norm = _NoBiasLN(h)  # torch 1.13's LayerNorm has no bias=False switch
        self.attn_norm = nn.ModuleList([nn.Identity() if i == 0 else _NoBiasLN(h) for i in range(layers)])
        self.wqkv = nn.ModuleList([nn.Linear(h, 3 * h, bias=False) for _ in range(layers)])
        self.wo = nn.ModuleList([nn.Linear(h, h, bias=False) for _ in range(layers)])
        self.mlp_norm = nn.ModuleList([_NoBiasLN(h) for _ in range(layers)])
        self.wi = nn.ModuleList([nn.Linear(h, 2 * inter, bias=False) for _ in range(layers)])
        self.wo2 = nn.ModuleList([nn.Linear(inter, h, bias=False) for _ in range(layers)])
        self.final = _NoBiasLN(h)

    def rope(self, s, theta):
        hd = self.h // self.nh
        inv = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
        t = torch.arange(s, dtype=torch.int64).float()
        freqs = torch.outer(t, inv)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos()[None, None], emb.sin()[None, None]

    def forward(self, input_ids, attention_mask):
        b, s = input_ids.shape
        hd = self.h // self.nh
        x = self.norm(self.tok(input_ids))
        gbias = ext_mask(attention_mask)
        idx = torch.arange(s)
        dist = (idx[None, :] - idx[:, None]).abs()
        win = (dist <= self.window // 2)[None, None]
        lbias = gbias.masked_fill(~win, torch.finfo(torch.float32).min)
        cg, sg = self.rope(s, self.theta_g)
        cl, sl = self.rope(s, self.theta_l)
        for i in range(len(self.wqkv)):
            glob = i % self.every == 0
            cos, sin = (cg, sg) if glob else (cl, sl)
            y = self.attn_norm[i](x)
            qkv = self.wqkv[i](y).view(b, s, 3, self.nh, hd)
            q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + (gbias if glob else lbias)
            att = torch.softmax(att, dim=-1)
            ctx = torch.matmul(att, v).transpose(1, 2).reshape(b, s, self.h)
            x = x + self.wo[i](ctx)
            inp, gate = self.wi[i](self.mlp_norm[i](x)).chunk(2, dim=-1)
            x = x + self.wo2[i](F.gelu(inp) * gate)
        return self.final(x)


class _NoBiasLN(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(h))

    def forward(self, x):
        return F.layer_norm(x, (self.weight.shape[0],), self.weight, None, 1e-5)


class BertCE(nn.Module):
    """BertForSequenceClassification: pooler (dense+tanh on [CLS]) + classifier."""

    def __init__(self, vocab, labels):
        super().__init__()
        self.bert = Bert(vocab)
        self.pool = nn.Linear(32, 32)
        self.cls = nn.Linear(32, labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        x = self.bert(input_ids, attention_mask, token_type_ids)
        return self.cls(torch.tanh(self.pool(x[:, 0])))


class XLMRCE(nn.Module):
    """XLMRobertaForSequenceClassification: RobertaClassificationHead on <s>."""

    def __init__(self, vocab, labels):
        super().__init__()
        self.bert = Bert(vocab, roberta=True, types=1)
        self.dense = nn.Linear(32, 32)
        self.out = nn.Linear(32, labels)

    def forward(self, input_ids, attention_mask):
        x = self.bert(input_ids, attention_mask)
        return self.out(torch.tanh(self.dense(x[:, 0])))


# ---------------------------------------------------------------- export + references

def wjson(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


def export(model, path, names, output, dyn_out):
    model.eval()
    args = tuple(torch.ones(2, 5, dtype=torch.int64) for _ in names)
    dyn = {n: {0: "batch", 1: "sequence"} for n in names}
    dyn[output] = dyn_out
    torch.onnx.export(model, args, path, input_names=list(names), output_names=[output],
                      dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))


def pool(hs, mask, mode):
    m = mask.unsqueeze(-1).to(hs.dtype)
    if mode == "cls":
        return hs[:, 0]
    if mode == "mean":
        return (hs * m).sum(1) / m.sum(1).clamp(min=1e-9)
    if mode == "lasttoken":
        idx = mask.sum(1) - 1
        return hs[torch.arange(hs.shape[0]), idx]
    raise ValueError(mode)


def st_files(d, pooling, hidden, max_seq, prompts=None, normalize=True):
    mods = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    if normalize:
        mods.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
        os.makedirs(os.path.join(d, "2_Normalize"), exist_ok=True)
    wjson(os.path.join(d, "modules.json"), mods)
    os.makedirs(os.path.join(d, "1_Pooling"), exist_ok=True)
    wjson(os.path.join(d, "1_Pooling", "config.json"), {
        "word_embedding_dimension": hidden,
        "pooling_mode_cls_token": pooling == "cls",
        "pooling_mode_mean_tokens": pooling == "mean",
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": pooling == "lasttoken",
        "include_prompt": True,
    })
    wjson(os.path.join(d, "sentence_bert_config.json"), {"max_seq_length": max_seq, "do_lower_case": False})
    cfg = {"__version__": {"sentence_transformers": "3.0.1"}, "prompts": prompts or {},
           "default_prompt_name": None, "similarity_fn_name": "cosine"}
    wjson(os.path.join(d, "config_sentence_transformers.json"), cfg)


def r6(a):
    return [float(f"{v:.7g}") for v in np.asarray(a, dtype=np.float64).ravel()]


def embed_refs(model, tok, texts, pooling, max_seq, use_types, prompts):
    out = []
    # sentence-transformers encode_document: prompt "document", else "passage", else "corpus"
    doc_prompt = prompts.get("document", prompts.get("passage", prompts.get("corpus", "")))
    for kind, prefix in [("query", prompts.get("query", "")), ("document", doc_prompt)]:
        for t in texts:
            ids, types = tok.encode(prefix + t, max_seq)
            full_ids, _ = tok.encode(prefix + t, 10 ** 6)
            x = torch.tensor([ids])
            mask = torch.ones_like(x)
            with torch.no_grad():
                hs = model(x, mask, torch.tensor([types])) if use_types else model(x, mask)
            p = pool(hs, mask, pooling)[0]
            n = p / p.norm()
            out.append({"kind": kind, "text": t, "input_ids": ids, "token_type_ids": types,
                        "truncated": len(full_ids) > len(ids),
                        "last_hidden_state": r6(hs[0]), "pooled": r6(p), "normalized": r6(n)})
    return out


def make_embedder(root, name, model, tok, pooling, arch_cfg, prompts, use_types, max_seq, write_tok):
    d = os.path.join(root, name)
    os.makedirs(d, exist_ok=True)
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if use_types else [])
    export(model, os.path.join(d, "model.onnx"), names, "last_hidden_state", {0: "batch", 1: "sequence"})
    wjson(os.path.join(d, "config.json"), arch_cfg)
    write_tok(d)
    st_files(d, pooling, arch_cfg["hidden_size"], max_seq, prompts)
    refs = embed_refs(model, tok, TEXTS, pooling, max_seq, use_types, prompts)
    wjson(os.path.join(d, "reference.json"), {
        "generator": "scripts/make-fixtures.py", "torch": torch.__version__, "pooling": pooling,
        "hidden": arch_cfg["hidden_size"], "max_seq_length": max_seq, "prompts": prompts, "items": refs})


def make_cross(root, name, model, tok, arch_cfg, use_types, labels, max_len, write_tok):
    d = os.path.join(root, name)
    os.makedirs(d, exist_ok=True)
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if use_types else [])
    export(model, os.path.join(d, "model.onnx"), names, "logits", {0: "batch"})
    wjson(os.path.join(d, "config.json"), arch_cfg)
    write_tok(d)
    items = []
    for doc in TEXTS:
        ids, types = tok.encode_pair(QUERY, doc, max_len)
        x = torch.tensor([ids])
        mask = torch.ones_like(x)
        with torch.no_grad():
            lg = model(x, mask, torch.tensor([types])) if use_types else model(x, mask)
        lg = lg[0]
        score = torch.sigmoid(lg[0]).item() if labels == 1 else torch.softmax(lg, -1)[1].item()
        items.append({"query": QUERY, "document": doc, "input_ids": ids, "token_type_ids": types,
                      "logits": r6(lg), "score": float(f"{score:.9g}")})
    wjson(os.path.join(d, "reference.json"), {
        "generator": "scripts/make-fixtures.py", "torch": torch.__version__, "num_labels": labels,
        "max_length": max_len, "items": items})


def bert_cfg(vocab, model_type="bert", **kw):
    c = {"architectures": ["BertModel"], "model_type": model_type, "vocab_size": vocab, "hidden_size": 32,
         "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64,
         "max_position_embeddings": 64, "type_vocab_size": 2, "hidden_act": "gelu",
         "layer_norm_eps": 1e-12, "pad_token_id": 0, "torch_dtype": "float32"}
    c.update(kw)
    return c


def main(root):
    torch.manual_seed(20240601)
    corpus = TEXTS + [QUERY, PROMPT_Q_V1, PROMPT_D_V1, PROMPT_Q_V3, PROMPT_D_V3]
    wp = WordPieceTok(build_vocab(corpus))
    V = len(wp.toks)
    work = tempfile.mkdtemp()
    sp = SPTok(train_spm(corpus, work))
    SV = sp.vocab_size() + 1  # + <mask>
    v1 = {"query": PROMPT_Q_V1, "document": PROMPT_D_V1}
    v3 = {"query": PROMPT_Q_V3, "document": PROMPT_D_V3}

    make_embedder(root, "bert-tiny", Bert(V), wp, "mean", bert_cfg(V), v1, True, 24,
                  lambda d: wp.write(d, 64))
    torch.manual_seed(2)
    make_embedder(root, "bert-lasttoken-tiny", Bert(V), wp, "lasttoken", bert_cfg(V), {}, True, 64,
                  lambda d: wp.write(d, 64))
    torch.manual_seed(3)
    dcfg = {"architectures": ["DistilBertModel"], "model_type": "distilbert", "vocab_size": V, "dim": 32,
            "hidden_size": 32, "n_layers": 2, "n_heads": 4, "hidden_dim": 64, "max_position_embeddings": 64,
            "sinusoidal_pos_embds": True, "activation": "gelu", "pad_token_id": 0}
    make_embedder(root, "distilbert-tiny", DistilBert(V), wp, "cls", dcfg, {"query": "query: ", "passage": "passage: "},
                  False, 64, lambda d: wp.write(d, 64, "DistilBertTokenizerFast"))
    torch.manual_seed(4)
    xcfg = bert_cfg(SV, "xlm-roberta", architectures=["XLMRobertaModel"], max_position_embeddings=66,
                    type_vocab_size=1, layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2)
    make_embedder(root, "xlmr-tiny", Bert(SV, roberta=True, types=1), sp, "mean", xcfg, {}, False, 64,
                  lambda d: sp.write(d, 64))
    torch.manual_seed(5)
    mcfg = {"architectures": ["ModernBertModel"], "model_type": "modernbert", "vocab_size": SV,
            "hidden_size": 32, "num_hidden_layers": 3, "num_attention_heads": 4, "intermediate_size": 48,
            "global_attn_every_n_layers": 2, "local_attention": 8, "global_rope_theta": 160000.0,
            "local_rope_theta": 10000.0, "max_position_embeddings": 8192, "norm_eps": 1e-5, "norm_bias": False,
            "hidden_activation": "gelu", "pad_token_id": 1, "torch_dtype": "float32"}
    make_embedder(root, "modernbert-tiny", ModernBert(SV), sp, "mean", mcfg, v3, False, 128,
                  lambda d: sp.write(d, 8192))

    torch.manual_seed(6)
    ccfg = bert_cfg(V, architectures=["BertForSequenceClassification"], num_labels=1,
                    id2label={"0": "LABEL_0"}, label2id={"LABEL_0": 0})
    make_cross(root, "cross-encoder-bert-tiny", BertCE(V, 1).eval(), wp, ccfg, True, 1, 64,
               lambda d: wp.write(d, 64))
    torch.manual_seed(7)
    c2 = bert_cfg(SV, "xlm-roberta", architectures=["XLMRobertaForSequenceClassification"],
                  max_position_embeddings=66, type_vocab_size=1, layer_norm_eps=1e-5, pad_token_id=1,
                  id2label={"0": "irrelevant", "1": "relevant"}, label2id={"irrelevant": 0, "relevant": 1})
    make_cross(root, "cross-encoder-xlmr-tiny", XLMRCE(SV, 2).eval(), sp, c2, False, 2, 64,
               lambda d: sp.write(d, 64))
    shutil.rmtree(work)


def bench_model(d):
    """Base-size BERT (12 x 768, vocab 32768) for the benchmarks; random weights."""
    torch.manual_seed(1)
    os.makedirs(d, exist_ok=True)
    toks = SPECIAL + [f"w{i}" for i in range(32768 - len(SPECIAL))]
    wp = WordPieceTok(toks)
    m = Bert(32768, h=768, layers=12, heads=12, inter=3072, max_pos=512)
    export(m, os.path.join(d, "model.onnx"), ["input_ids", "attention_mask", "token_type_ids"],
           "last_hidden_state", {0: "batch", 1: "sequence"})
    wjson(os.path.join(d, "config.json"), bert_cfg(32768, hidden_size=768, num_hidden_layers=12,
                                                    num_attention_heads=12, intermediate_size=3072,
                                                    max_position_embeddings=512))
    wp.write(d, 512)
    st_files(d, "mean", 768, 512, {})


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--bench":
        bench_model(sys.argv[2])
    else:
        sys.exit("the fixtures of testdata/models are generated by scripts/reference/models_reference.py "
                 "(real transformers classes, sentence-transformers references); this script only writes "
                 "the benchmark model: make-fixtures.py --bench DIR")
