"""BertJapaneseTokenizer reference: transformers' AutoTokenizer over the real
bert-base-japanese-v3 / bert-large-japanese-v2 tokenizer files in
../shared/reference/tokenizers (word_tokenizer_type mecab, fugashi +
unidic-lite, NFKC), with its subword_tokenizer_type wordpiece and with
character, on the corpus of analysis/testdata/jacorpus.jsonl.gz (written by
segmentation.py): every sample and adversarial line and every 4th
manpages-ja line of it.

bert-large-japanese-v2's directory holds no vocab.txt (shared/README: its
vocab.txt is byte-identical to bert-base-japanese-v3's, and so is its
tokenizer_config.json); it is loaded from a copy of its own files plus that
vocabulary, and the script checks that its ids equal the base model's.

Writes tokenizer/testdata/bertjapanese_ids.jsonl.gz: one object per selected
corpus line, {"line": line number in jacorpus.jsonl.gz (1-based),
"wp": input_ids (wordpiece), "ch": input_ids (character), "wl": input_ids
(wordpiece with do_lower_case true)}, [CLS] and [SEP] included, no
truncation.

Also writes tokenizer/testdata/bertjapanese_pairs.jsonl.gz: 60 question /
passage pairs of the sample encoded by the wordpiece tokenizer with
truncation=True (longest_first) to max_length 16, 24, 48 or 512: {"a", "b",
"max_length", "ids", "type_ids"}. type_ids are asked for explicitly
(return_token_type_ids=True): transformers 5.25 leaves them out of
BertJapaneseTokenizer's default output (its model_input_names are
input_ids and attention_mask only), unlike transformers 4 and unlike
BertTokenizer; the script fails if that changes.

With --full DIR it also writes DIR/bertjapanese_ids-full.jsonl.gz over the
whole manpages-ja corpus of DIR/jacorpus-full.jsonl.gz (segmentation.py
--full DIR); TestBertJapaneseReference reads it when JRETRIEVE_SEGREF_FULL=DIR.

Run from the repository root: python scripts/reference/bertjapanese.py [--full DIR]
"""
import gzip
import json
import os
import shutil
import sys
import tempfile

import transformers
from transformers import AutoTokenizer

REF = os.path.join("..", "shared", "reference", "tokenizers")
MANPAGE_STRIDE = 4


def load(src, vocab, subword, tmp, lower=False):
    d = os.path.join(tmp, os.path.basename(src) + "-" + subword + ("-lower" if lower else ""))
    os.makedirs(d)
    for f in ("tokenizer_config.json", "config.json"):
        shutil.copy(os.path.join(src, f), d)
    shutil.copy(vocab, os.path.join(d, "vocab.txt"))
    cfg = json.load(open(os.path.join(d, "tokenizer_config.json")))
    cfg["subword_tokenizer_type"] = subword
    if lower:
        cfg["do_lower_case"] = True
    json.dump(cfg, open(os.path.join(d, "tokenizer_config.json"), "w"))
    tok = AutoTokenizer.from_pretrained(d)
    assert type(tok).__name__ == "BertJapaneseTokenizer", type(tok)
    return tok


def write(path, rows):
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            for r in rows:
                g.write((json.dumps(r, separators=(",", ":")) + "\n").encode())


def read(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(l) for l in f]


def main():
    transformers.logging.set_verbosity_error()  # sequences longer than 512: no truncation asked
    full = sys.argv[2] if len(sys.argv) == 3 and sys.argv[1] == "--full" else None
    vocab = os.path.join(REF, "bert-base-japanese-v3", "vocab.txt")
    with tempfile.TemporaryDirectory() as tmp:
        toks = {}
        for model in ("bert-base-japanese-v3", "bert-large-japanese-v2"):
            for sub in ("wordpiece", "character"):
                toks[model, sub] = load(os.path.join(REF, model), vocab, sub, tmp)
            toks[model, "lower"] = load(os.path.join(REF, model), vocab, "wordpiece", tmp, lower=True)
        corpus = read("analysis/testdata/jacorpus.jsonl.gz")
        rows, man = [], 0
        for i, r in enumerate(corpus):
            if r["part"] == "manpages":
                man += 1
                if (man - 1) % MANPAGE_STRIDE:
                    continue
            row = {"line": i + 1}
            for key, sub in (("wp", "wordpiece"), ("ch", "character"), ("wl", "lower")):
                ids = toks["bert-base-japanese-v3", sub](r["text"])["input_ids"]
                if toks["bert-large-japanese-v2", sub](r["text"])["input_ids"] != ids:
                    sys.exit(f"line {i + 1}: bert-large-japanese-v2 differs from bert-base-japanese-v3")
                row[key] = ids
            rows.append(row)
        write("tokenizer/testdata/bertjapanese_ids.jsonl.gz", rows)
        # question/passage pairs of the sample (a cross-encoder's input),
        # longest_first truncation to a few lengths
        tok = toks["bert-base-japanese-v3", "wordpiece"]
        pairs, per_q = [], {}
        for l in open("datasets/sampledata/sample.jsonl", encoding="utf-8"):
            r = json.loads(l)
            per_q[r["q_id"]] = per_q.get(r["q_id"], 0) + 1
            if per_q[r["q_id"]] <= 2 and len(pairs) < 60:  # first two candidates of the first 30 questions
                max_len = (16, 24, 48, 512)[len(pairs) % 4]
                a, b = r["question"], f"{r['title']} {r['text']}"
                e = tok(a, b, truncation=True, max_length=max_len, return_token_type_ids=True)
                pairs.append({"a": a, "b": b, "max_length": max_len, "ids": e["input_ids"], "type_ids": e["token_type_ids"]})
        # transformers 5 returns no token_type_ids by default for this class
        # (PreTrainedTokenizerBase.model_input_names lost them; BertTokenizer
        # still lists them): a caller feeding tok(a, b) to a model gets
        # all-zero type ids. Recorded here so that a change is noticed.
        if "token_type_ids" in tok("a", "b"):
            sys.exit("BertJapaneseTokenizer returns token_type_ids by default again: update the Go docs")
        write("tokenizer/testdata/bertjapanese_pairs.jsonl.gz", pairs)
        if full:
            t = {sub: toks["bert-base-japanese-v3", sub] for sub in ("wordpiece", "character")}
            write(os.path.join(full, "bertjapanese_ids-full.jsonl.gz"),
                  ({"line": i + 1, "wp": t["wordpiece"](r["text"])["input_ids"], "ch": t["character"](r["text"])["input_ids"]}
                   for i, r in enumerate(read(os.path.join(full, "jacorpus-full.jsonl.gz")))))


if __name__ == "__main__":
    main()
