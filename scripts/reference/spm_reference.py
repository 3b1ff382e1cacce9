"""SentencePiece encodings by the pinned sentencepiece (PyPI, requirements.txt).

tokenizer/spm/testdata/gen.py trained the four reference models there and
encoded its test sentences with Debian's python3-sentencepiece 0.1.97. The
Python stack transformers runs today has sentencepiece 0.2.x, whose unigram
Viterbi sums path scores in float (0.1.97 matched a double sum): where two
segmentations score the same ("w"+"ww" and "ww"+"w"), the float rounding of
the running sums picks the winner, so a few sentences segment differently.
This script re-encodes the same sentences (read from the committed
<name>.golden.jsonl.gz) with the pinned version and writes what differs
(so the file stays small): tokenizer/spm/testdata/sentencepiece-ref.json
{"sentencepiece": version, "sentences": {name: count}, "differ": {name:
[{"line": 1-based line of the golden file, "pieces", "ids"}]}}.

It also re-encodes tokenizer/testdata/line-like/golden.jsonl.gz (written by
testdata/gen_line.py with 0.1.97 and a hand-written copy of the logic) with
transformers' own SentencepieceTokenizer (BertJapaneseTokenizer's
"sentencepiece" subwords) over whitespace words, NFKC and lower-casing as
the Go test feeds them, into the same file under "line-like" ("tokens"
instead of "pieces").

Run from the repository root: python scripts/reference/spm_reference.py
"""
import gzip
import json
import unicodedata

import sentencepiece as spm
from transformers.models.bert_japanese.tokenization_bert_japanese import SentencepieceTokenizer

SPM = "tokenizer/spm/testdata/"
LINE = "tokenizer/testdata/line-like/"


def read(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(l) for l in f]


def main():
    out = {"sentencepiece": spm.__version__, "sentences": {}, "differ": {}}
    for name in ("unigram_bf", "unigram_unk", "bpe_bf", "bpe_id"):
        sp = spm.SentencePieceProcessor(model_file=SPM + name + ".model")
        golden = read(SPM + name + ".golden.jsonl.gz")
        out["sentences"][name] = len(golden)
        out["differ"][name] = []
        for i, g in enumerate(golden):
            pieces, ids = sp.encode(g["text"], out_type=str), sp.encode(g["text"])
            if pieces != g["pieces"] or ids != g["ids"]:
                out["differ"][name].append({"line": i + 1, "pieces": pieces, "ids": ids})
    tok = SentencepieceTokenizer(vocab=LINE + "spiece.model", unk_token="<unk>")
    golden = read(LINE + "golden.jsonl.gz")
    out["sentences"]["line-like"] = len(golden)
    out["differ"]["line-like"] = []
    for i, g in enumerate(golden):
        words = unicodedata.normalize("NFKC", g["text"].lower()).split()
        toks = [p for w in words for p in tok.tokenize(w.lower())]
        ids = [tok.sp_model.PieceToId(p) for p in toks]
        if toks != g["tokens"] or ids != g["ids"]:
            out["differ"]["line-like"].append({"line": i + 1, "tokens": toks, "ids": ids})
    with open(SPM + "sentencepiece-ref.json", "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
