"""LINE DistilBERT Japanese tokenizer reference (issue 11 item 3).

cl-nagoya/ruri-small(-v2), ruri-reranker-small and ruri-reranker-stage1-small
use line-corporation/line-distilbert-base-japanese's tokenizer: the remote
code distilbert_japanese_tokenizer.py (trust_remote_code) whose class
DistilBertJapaneseTokenizer is transformers' BertJapaneseTokenizer with the
"sentencepiece" subword type (which transformers has since taken in):
MeCab words (fugashi + unidic-lite, NFKC, lower-cased surfaces with
do_lower_case), then each word through SentencepieceTokenizer
(remove_space, keep_accents, the digit-comma rule) and PieceToId.

The real spiece.model is on the Hub only, so this script trains a small one
the way LINE describes theirs (SentencePiece unigram over MeCab-segmented
text): 2000 pieces over the unidic-lite words of the manpages-ja lines of
analysis/testdata/jacorpus.jsonl.gz, with LINE's special pieces (<pad> 0,
<unk> 1, [CLS] 2, [SEP] 3, [MASK] 4). Single-threaded, input not shuffled,
so it is deterministic.

Writes tokenizer/testdata/line-distilbert/{spiece.model,tokenizer_config.json}
(the layout of the LINE repository's tokenizer files) and, encoded by
transformers' BertJapaneseTokenizer loaded from that directory:
  tokenizer/testdata/line_distilbert_ids.jsonl.gz: {"line": 1-based line of
    jacorpus.jsonl.gz, "ids": input_ids (do_lower_case true, as LINE ships),
    "nl": input_ids with do_lower_case false} for every sample and
    adversarial line and every 4th manpages-ja line (as bertjapanese.py).
    Then {"text", "ids", "nl"} for a few extra strings (EXTRA).
  tokenizer/testdata/line_distilbert_trunc.jsonl.gz: the lines and extra
    strings longer than 8 tokens encoded with truncation=True to max_length
    3, 8, 16, 33 or 64 in turn: {"line" or "text", "max_length", "ids"}.
  tokenizer/testdata/line_distilbert_pairs.jsonl.gz: 60 question / passage
    pairs of the sample, truncation=True (longest_first) to max_length 16,
    24, 48 or 512: {"a", "b", "max_length", "ids", "type_ids"}.

With --full DIR it also writes DIR/line_distilbert_ids-full.jsonl.gz over the
whole manpages-ja corpus of DIR/jacorpus-full.jsonl.gz (segmentation.py
--full DIR); TestLINEDistilBertReference reads it when
JRETRIEVE_SEGREF_FULL=DIR.

Run from the repository root: python scripts/reference/line_distilbert.py [--full DIR]
"""
import gzip
import io
import json
import os
import sys
import unicodedata

import fugashi
import sentencepiece as spm
import transformers
import unidic_lite
from transformers import BertJapaneseTokenizer

OUT = os.path.join("tokenizer", "testdata", "line-distilbert")
MANPAGE_STRIDE = 4
TRUNC = (3, 8, 16, 33, 64)
CONFIG = {
    "tokenizer_class": "DistilBertJapaneseTokenizer",
    "do_lower_case": True,
    "do_word_tokenize": True,
    "do_subword_tokenize": True,
    "word_tokenizer_type": "mecab",
    "subword_tokenizer_type": "sentencepiece",
    "mecab_kwargs": {"mecab_dic": "unidic_lite"},
    "model_max_length": 512,
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "cls_token": "[CLS]",
    "sep_token": "[SEP]",
    "mask_token": "[MASK]",
}


# special tokens inside the text (transformers splits them out before MeCab
# and never lower-cases them), their lower-case forms, SentencePiece's own
# <unk>/<pad> pieces, the digit-comma rule, `` and '' quotes, whitespace
EXTRA = [
    "[CLS] 文頭に[CLS]と[SEP]と[MASK]がある", "[cls][sep][mask] 小文字は特殊トークンではない",
    "未知語<unk>と<pad>の扱い", "<UNK> <PAD> [Mask]",
    "1,000円と12,345個、9,で終わる,10,", "1,2,3,4", "x1,y2, 3,", "１，０００円", "100,000,000ドル",
    "``引用''と``quoted''", "''", "``", "  前後の空白  ", "\t\n", "", " ", "A\u3000B", "ＡＢＣ Ｄｅｆ ＧＨＩ",
    "İstanbul ǅ ẞ Σσς", "naïve café résumé", "ｶﾞｷﾞｸﾞ ｱｲｳ", "①②③ ㈱ ㌔",
    # equal-score Viterbi paths ("w"+"ww" = "ww"+"w"): sentencepiece sums
    # scores in float32 and keeps the first path found
    "groff_mwww", "mode=0555", "www 555 wwwwww 5555555",
]


def read(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(l) for l in f]


def write(path, rows):
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            for r in rows:
                g.write((json.dumps(r, separators=(",", ":")) + "\n").encode())


def train(corpus):
    tagger = fugashi.GenericTagger(f'-d "{unidic_lite.DICDIR}" -r "{os.path.join(unidic_lite.DICDIR, "mecabrc")}"')
    lines = []
    for r in corpus:
        if r["part"] != "manpages":
            continue
        words = [w.surface.lower() for w in tagger(unicodedata.normalize("NFKC", r["text"]))]
        line = " ".join(" ".join(words).split())
        if line:
            lines.append(line)
    os.makedirs(OUT, exist_ok=True)
    model = io.BytesIO()  # no input path or model prefix recorded in the model: reproducible bytes
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, model_type="unigram", vocab_size=2000,
        character_coverage=0.9995, num_threads=1, shuffle_input_sentence=False, input_sentence_size=0,
        seed_sentencepiece_size=200000, minloglevel=2, pad_id=0, unk_id=1, bos_id=-1, eos_id=-1,
        control_symbols=["[CLS]", "[SEP]", "[MASK]"])
    with open(os.path.join(OUT, "spiece.model"), "wb") as f:
        f.write(model.getvalue())
    with open(os.path.join(OUT, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")


def load(lower):
    kw = {k: v for k, v in CONFIG.items() if k != "tokenizer_class"}
    kw["do_lower_case"] = lower
    tok = BertJapaneseTokenizer(vocab_file=None, spm_file=os.path.join(OUT, "spiece.model"), **kw)
    assert [tok.cls_token_id, tok.sep_token_id, tok.pad_token_id, tok.unk_token_id, tok.mask_token_id] == [2, 3, 0, 1, 4]
    return tok


def main():
    full = sys.argv[2] if len(sys.argv) == 3 and sys.argv[1] == "--full" else None
    if len(sys.argv) > 1 and not full:
        sys.exit("usage: line_distilbert.py [--full DIR]")
    transformers.logging.set_verbosity_error()  # sequences longer than 512: no truncation asked
    corpus = read("analysis/testdata/jacorpus.jsonl.gz")
    train(corpus)
    tok, nl = load(True), load(False)
    rows, man = [], 0
    for i, r in enumerate(corpus):
        if r["part"] == "manpages":
            man += 1
            if (man - 1) % MANPAGE_STRIDE:
                continue
        rows.append({"line": i + 1, "ids": tok(r["text"])["input_ids"], "nl": nl(r["text"])["input_ids"]})
    for t in EXTRA:
        rows.append({"text": t, "ids": tok(t)["input_ids"], "nl": nl(t)["input_ids"]})
    write("tokenizer/testdata/line_distilbert_ids.jsonl.gz", rows)
    pairs, per_q = [], {}
    for l in open("datasets/sampledata/sample.jsonl", encoding="utf-8"):
        r = json.loads(l)
        per_q[r["q_id"]] = per_q.get(r["q_id"], 0) + 1
        if per_q[r["q_id"]] <= 2 and len(pairs) < 60:  # first two candidates of the first 30 questions
            max_len = (16, 24, 48, 512)[len(pairs) % 4]
            a, b = r["question"], f"{r['title']} {r['text']}"
            e = tok(a, b, truncation=True, max_length=max_len, return_token_type_ids=True)
            pairs.append({"a": a, "b": b, "max_length": max_len, "ids": e["input_ids"], "type_ids": e["token_type_ids"]})
    write("tokenizer/testdata/line_distilbert_pairs.jsonl.gz", pairs)
    # single texts truncated (the Go side then segments only a prefix): every
    # selected line longer than 8 tokens, max_length cycling over TRUNC
    trunc = []
    for r in rows:
        if len(r["ids"]) > 8:
            t = corpus[r["line"] - 1]["text"] if "line" in r else r["text"]
            max_len = TRUNC[len(trunc) % len(TRUNC)]
            row = {"line": r["line"]} if "line" in r else {"text": t}
            row.update(max_length=max_len, ids=tok(t, truncation=True, max_length=max_len)["input_ids"])
            trunc.append(row)
    write("tokenizer/testdata/line_distilbert_trunc.jsonl.gz", trunc)
    if full:
        write(os.path.join(full, "line_distilbert_ids-full.jsonl.gz"),
              ({"line": i + 1, "ids": tok(r["text"])["input_ids"]}
               for i, r in enumerate(read(os.path.join(full, "jacorpus-full.jsonl.gz")))))


if __name__ == "__main__":
    main()
