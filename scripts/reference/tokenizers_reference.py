#!/usr/bin/env python3
"""tokenizer.json families built with the `tokenizers` library, and SentencePiece
models converted the way AutoTokenizer converts them (issue 11 item 3), with the
ids and offsets the fast tokenizers give on a corpus.

Writes tokenizer/testdata/ref/:
  corpus.jsonl.gz          the texts: manpages-ja prose lines (deterministic
                           sample), the embedded sample's questions and passages,
                           adversarial strings
  <family>/tokenizer.json  (+ tokenizer_config.json for the converted ones)
  <family>/expected.jsonl.gz  per text: ids and byte offsets of encode(text)
                           (special tokens added); for the first PAIRS texts also
                           the pair (text, next text)

Families (every component the catalog's real tokenizer.json files use):
  xlmr            XLMRobertaTokenizerFast converted from a SentencePiece unigram model
                  (Precompiled charsmap of a real model, Replace, Metaspace always,
                  Unigram with byte_fallback, TemplateProcessing <s> $A </s> </s> $B </s>)
  llama           LlamaTokenizerFast from a SentencePiece BPE model, legacy=False
                  (Metaspace first, BPE byte_fallback, add_bos + add_eos)
  llama-legacy    the same, legacy=True (Prepend + Replace normalizers), add_bos only
  unigram-never   Unigram byte_fallback; NFKC, Strip, Replace; Split (digits) +
                  Metaspace prepend_scheme never; TemplateProcessing [CLS]/[SEP]
  unigram-first   Metaspace prepend_scheme first, split false; NFKD + Lowercase
  wordpiece       WordPiece trained on the corpus; BertNormalizer; BertPreTokenizer
  bpe-bytelevel   byte-level BPE trained on the corpus (ModernBERT style); NFC;
                  ByteLevel pre-tokenizer; TemplateProcessing

Usage: python scripts/reference/tokenizers_reference.py
       python scripts/reference/tokenizers_reference.py --full
         (dev check, writes nothing: every manpages-ja prose line through each
         committed family, Python vs `jretrieve tokenize --json`; prints counts)
The SentencePiece models are tokenizer/spm/testdata/*.model (trained by Google's
sentencepiece on manpages-ja; gen.py there). Needs Debian's manpages-ja.
"""
import glob
import gzip
import io
import json
import os
import random
import re
import shutil
import tempfile
import unicodedata
import warnings

warnings.simplefilter("ignore")
# the trainers break count ties by thread timing unless single-threaded
os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tokenizer", "testdata", "ref")
SPM = os.path.join(ROOT, "tokenizer", "spm", "testdata")
N_MAN = 700
PAIRS = 60


def man_lines():
    lines = []
    for f in sorted(glob.glob("/usr/share/man/ja/man*/*.gz")):
        try:
            text = gzip.open(f, "rt", encoding="utf-8").read()
        except (UnicodeDecodeError, OSError):
            continue
        for line in text.split("\n"):
            if line.startswith(".") or line.startswith("'"):
                continue
            line = re.sub(r'\\f[BIRP]|\\\(..|\\[-&e]|\\".*', "", line).strip()
            if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", line) and len(line) >= 4:
                lines.append(line)
    return lines


def adversarial():
    a = [
        "", " ", "  leading and trailing  ", "\n改行\nを含む\n", "\t タブ\t", "全角　スペース",
        "ＡＢＣ１２３ａｂｃ", "ｱｲｳｴｵｶﾞｷﾞﾊﾟｰ｡｢｣", "①②③ ㈱ ㌔ ™ ﬁ", "é e\u0301 a\u0300\u0301 か\u3099 ハ\u309a",
        "\u0301先頭の結合文字", "😀👍🏽👨‍👩‍👧 🇯🇵 絵文字", "𠮷野家 𩸽 髙﨑", "\u0378\u0379\u0380 \U000e0001 \uffff \U0010fffd unassigned",
        "\u200b\ufeff\u00a0\u2028\u2029 zero widths", "\x00\x01\x07\x1b\x7f control\x85\x9f", "0" * 120, "1234567890" * 12,
        "a" * 150, "Supercalifragilisticexpialidocious" * 3, "http://example.com/path?q=検索&x=1",
        "東京都千代田区1-2-3　ＴＥＬ：03-1234-5678", "２０２４年１２月６日（金）", "ΑΒΓ αβγ Ωmega Å ß ǅ İı",
        "한국어 텍스트", "ไทย", "العربية", "▁▁ already ▁ marked", "<s> </s> <unk> <pad> <mask> [CLS] [SEP] [UNK]",
        "The QUICK brown fox—jumps… “quotes” ‘single’ «guillemets»", "C++ / C# / F# / .NET 6.0",
        "こんにちは、世界！", "ｶﾀｶﾅとカタカナとかたかな", "〜～ー－―‐", "\u3000\u3000全角空白\u3000",
        "x" + "\u0301" * 20, "\U0001f600" * 30, "日本語" * 60, "word " * 80,
    ]
    rnd = random.Random(11)
    pool = "あア亜aA0１ｱ😀\u0301\u3000 \t\n。、!?ー𠮷\x01é"
    for _ in range(40):
        a.append("".join(rnd.choice(pool) for _ in range(rnd.randint(1, 40))))
    return a


def corpus():
    rnd = random.Random(20261206)
    man = man_lines()
    texts = rnd.sample(man, N_MAN)
    seen = set()
    for l in open(os.path.join(ROOT, "datasets", "sampledata", "sample.jsonl"), encoding="utf-8"):
        d = json.loads(l)
        for t in (d["question"], d["text"]):
            if t not in seen:
                seen.add(t)
    sample = sorted(seen)
    texts += rnd.sample(sample, 150)
    texts += adversarial()
    return texts, man


def spm_vocab(path):
    from sentencepiece import sentencepiece_model_pb2 as pb
    m = pb.ModelProto()
    m.ParseFromString(open(path, "rb").read())
    return [(p.piece, p.score) for p in m.pieces], m


def converted(kind, model, outdir, **kw):
    """A SentencePiece model converted by transformers, as AutoTokenizer does."""
    from transformers import AutoTokenizer
    tmp = tempfile.mkdtemp()
    try:
        fname = "sentencepiece.bpe.model" if kind == "xlmr" else "tokenizer.model"
        shutil.copy(os.path.join(SPM, model), os.path.join(tmp, fname))
        cfg = {"tokenizer_class": "XLMRobertaTokenizer" if kind == "xlmr" else "LlamaTokenizer"}
        cfg.update(kw)
        with open(os.path.join(tmp, "tokenizer_config.json"), "w") as w:
            json.dump(cfg, w)
        tok = AutoTokenizer.from_pretrained(tmp)
        tok.model_max_length = 1 << 20
        tok.save_pretrained(tmp)
        os.makedirs(outdir, exist_ok=True)
        for f in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
            if os.path.exists(os.path.join(tmp, f)):
                data = json.load(open(os.path.join(tmp, f), encoding="utf-8"))
                if f == "tokenizer_config.json":
                    data.pop("added_tokens_decoder", None)
                with open(os.path.join(outdir, f), "w", encoding="utf-8") as w:
                    json.dump(data, w, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    finally:
        shutil.rmtree(tmp)
    # what a user gets: AutoTokenizer over the saved directory
    return AutoTokenizer.from_pretrained(outdir)


def built(name, tok, outdir, config=None):
    os.makedirs(outdir, exist_ok=True)
    data = json.loads(tok.to_str())
    with open(os.path.join(outdir, "tokenizer.json"), "w", encoding="utf-8") as w:
        json.dump(data, w, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    cfg = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 1 << 20}
    cfg.update(config or {})
    with open(os.path.join(outdir, "tokenizer_config.json"), "w", encoding="utf-8") as w:
        json.dump(cfg, w, sort_keys=True)
    return Tokenizer.from_file(os.path.join(outdir, "tokenizer.json"))


def unigram_from_spm(model):
    vocab, m = spm_vocab(os.path.join(SPM, model))
    unk = next(i for i, p in enumerate(m.pieces) if p.type == 2)
    return models.Unigram(vocab, unk_id=unk, byte_fallback=True), vocab


def families(man):
    fam = {}
    fam["xlmr"] = converted("xlmr", "unigram_bf.model", os.path.join(OUT, "xlmr"))
    fam["llama"] = converted("llama", "bpe_bf.model", os.path.join(OUT, "llama"),
                             add_bos_token=True, add_eos_token=True, legacy=False)
    fam["llama-legacy"] = converted("llama", "bpe_bf.model", os.path.join(OUT, "llama-legacy"),
                                    add_bos_token=True, add_eos_token=False, legacy=True)

    u, vocab = unigram_from_spm("unigram_bf.model")
    t = Tokenizer(u)
    t.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Strip(left=True, right=True),
                                         normalizers.Replace(Regex(r"\s+"), " ")])
    t.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(r"[0-9]+"), "isolated"),
                                               pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never")])
    ids = {p: i for i, (p, _) in enumerate(vocab)}
    t.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> $B:1 </s>:1",
        special_tokens=[("<s>", ids["<s>"]), ("</s>", ids["</s>"])])
    t.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="never")
    fam["unigram-never"] = built("unigram-never", t, os.path.join(OUT, "unigram-never"))

    u, vocab = unigram_from_spm("unigram_unk.model")
    t = Tokenizer(u)
    t.normalizer = normalizers.Sequence([normalizers.NFKD(), normalizers.Lowercase()])
    t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    fam["unigram-first"] = built("unigram-first", t, os.path.join(OUT, "unigram-first"))

    train = man[:4000]
    # A deterministic vocabulary (the tokenizers trainers break count ties
    # differently from run to run): frequent characters, their "##" forms,
    # frequent words and "##" bigrams of the normalized, pre-tokenized corpus.
    from collections import Counter
    norm = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
    pre = pre_tokenizers.BertPreTokenizer()
    words, chars, bigrams = Counter(), Counter(), Counter()
    for line in train:
        for w, _ in pre.pre_tokenize_str(norm.normalize_str(line)):
            words[w] += 1
            chars.update(w)
            bigrams.update(w[i:i + 2] for i in range(1, len(w) - 1))
    top = lambda c, n: [k for k, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for tok in top(chars, 700) + ["##" + c for c in top(chars, 300)] + \
            [w for w in top(words, 700) if len(w) > 1][:400] + ["##" + b for b in top(bigrams, 200)]:
        if tok not in vocab:
            vocab.append(tok)
    t = Tokenizer(models.WordPiece({tok: i for i, tok in enumerate(vocab)}, unk_token="[UNK]", max_input_chars_per_word=100))
    t.normalizer = norm
    t.pre_tokenizer = pre
    t.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", t.token_to_id("[CLS]")), ("[SEP]", t.token_to_id("[SEP]"))])
    fam["wordpiece"] = built("wordpiece", t, os.path.join(OUT, "wordpiece"))

    t = Tokenizer(models.BPE())
    t.normalizer = normalizers.NFC()
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    t.decoder = decoders.ByteLevel()
    t.train_from_iterator(train, trainers.BpeTrainer(
        vocab_size=1500, special_tokens=["[CLS]", "[SEP]", "[PAD]", "[MASK]"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    t.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", t.token_to_id("[CLS]")), ("[SEP]", t.token_to_id("[SEP]"))])
    fam["bpe-bytelevel"] = built("bpe-bytelevel", t, os.path.join(OUT, "bpe-bytelevel"))
    return fam


def byte_offsets(text, offs):
    # tokenizers' Python binding reports character offsets; jretrieve uses bytes
    pre = [0]
    for ch in text:
        pre.append(pre[-1] + len(ch.encode("utf-8")))
    return [[pre[a], pre[b]] for a, b in offs]


def encode(tok, text, pair=None):
    if hasattr(tok, "encode_plus") or hasattr(tok, "backend_tokenizer"):
        tok = tok.backend_tokenizer
    e = tok.encode(text, pair) if pair is not None else tok.encode(text)
    offs = []
    seq = e.sequence_ids
    for i, (a, b) in enumerate(e.offsets):
        s = seq[i]
        src = text if s in (0, None) else pair
        offs.append((a, b) if s is not None else (0, 0))
    # split offsets per sequence for the byte conversion
    out = []
    for i, (a, b) in enumerate(offs):
        s = seq[i]
        if s is None:
            out.append([0, 0])
        else:
            out.extend(byte_offsets(text if s == 0 else pair, [(a, b)]))
    return {"ids": e.ids, "offsets": out}


def write_gz(path, rows):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as g:
        for r in rows:
            g.write((json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def full_check():
    import subprocess
    import sys
    _, man = corpus()
    lines = sorted({l for l in man if "\r" not in l})
    exe = os.path.join(tempfile.mkdtemp(prefix="jr-bin-"), "jretrieve")
    subprocess.run(["go", "build", "-o", exe, "./cmd/jretrieve"], cwd=ROOT, check=True)
    for name in sorted(os.listdir(OUT)):
        d = os.path.join(OUT, name)
        if not os.path.isdir(d):
            continue
        tok = Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
        out = subprocess.run([exe, "tokenize", "--model", d, "--json"], input="\n".join(lines) + "\n",
                             capture_output=True, text=True, check=True).stdout.splitlines()
        assert len(out) == len(lines), (name, len(out), len(lines))
        bad_ids = bad_offs = 0
        for line, got in zip(lines, out):
            g = json.loads(got)
            w = encode(tok, line)
            if g["ids"] != w["ids"]:
                bad_ids += 1
                if bad_ids <= 3:
                    print(name, "ids differ:", repr(line), file=sys.stderr)
            elif [list(o) for o in g["offsets"]] != w["offsets"]:
                bad_offs += 1
                if bad_offs <= 3:
                    print(name, "offsets differ:", repr(line), file=sys.stderr)
        print("%-14s %d/%d manpages-ja lines identical ids, %d offset differences" % (name, len(lines) - bad_ids, len(lines), bad_offs))


def main():
    import sys
    if sys.argv[1:] == ["--full"]:
        return full_check()
    texts, man = corpus()
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    write_gz(os.path.join(OUT, "corpus.jsonl.gz"), [{"text": t} for t in texts])
    for name, tok in families(man).items():
        rows = []
        for i, t in enumerate(texts):
            r = encode(tok, t)
            if i < PAIRS:
                p = encode(tok, t, texts[i + 1])
                r["pair_ids"], r["pair_offsets"] = p["ids"], p["offsets"]
            rows.append(r)
        write_gz(os.path.join(OUT, name, "expected.jsonl.gz"), rows)
        print(name, len(rows), "texts", sum(len(r["ids"]) for r in rows), "ids")


if __name__ == "__main__":
    main()
