"""Word segmentation reference: fugashi + unidic-lite (MeCab's parse of the
whole text as one sentence, exactly what BertJapaneseTokenizer and the JQaRA
BM25 baseline run) over the corpus of jacorpus.py.

Writes (gzip'd JSON Lines, one object per corpus line, same order):
  analysis/testdata/jacorpus.jsonl.gz         {"part", "text"}: all sample and
                                              adversarial lines, every 16th
                                              manpages-ja prose line
  analysis/testdata/unidiclite_words.jsonl.gz {"w": surfaces, "p": POS levels
                                              1-4 joined by ",", "u": indices of
                                              unknown words, "b": base forms
                                              (orthBase)}; "p", "u" and "b" only
                                              for the sample and adversarial parts

With --full DIR it also writes DIR/jacorpus-full.jsonl.gz and
DIR/unidiclite_words-full.jsonl.gz over the whole manpages-ja corpus (not
committed; TestUniDicLiteReference reads them when
JRETRIEVE_SEGREF_FULL=DIR).

Run from the repository root: python scripts/reference/segmentation.py [--full DIR]
"""
import gzip
import json
import os
import sys

import fugashi
import unidic_lite

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jacorpus  # noqa: E402

MANPAGE_STRIDE = 16


def tagger():
    d = unidic_lite.DICDIR
    return fugashi.GenericTagger(f'-d "{d}" -r "{os.path.join(d, "mecabrc")}"')


def analyse(tg, text, pos):
    words = tg(text)
    r = {"w": [w.surface for w in words]}
    if pos:
        r["p"] = [",".join(w.feature[:4]) for w in words]
        r["u"] = [i for i, w in enumerate(words) if w.is_unk]
        # orthBase (書字形基本形, feature 10); unknown words (6 features) and
        # "*" keep the surface, as analysis.Options.BaseForm does
        r["b"] = [w.feature[10] if len(w.feature) > 10 and w.feature[10] not in ("", "*") else w.surface for w in words]
    return r


def write(path, rows):
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            for r in rows:
                g.write((json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n").encode())


def main():
    full = None
    if len(sys.argv) == 3 and sys.argv[1] == "--full":
        full = sys.argv[2]
    elif len(sys.argv) != 1:
        sys.exit("usage: segmentation.py [--full DIR]")
    c = jacorpus.corpus()
    tg = tagger()
    lines = [("manpages", t) for t in c["manpages"][::MANPAGE_STRIDE]]
    lines += [("sample", t) for t in c["sample"]] + [("adversarial", t) for t in c["adversarial"]]
    write("analysis/testdata/jacorpus.jsonl.gz", ({"part": p, "text": t} for p, t in lines))
    write("analysis/testdata/unidiclite_words.jsonl.gz", (analyse(tg, t, p != "manpages") for p, t in lines))
    if full:
        os.makedirs(full, exist_ok=True)
        write(os.path.join(full, "jacorpus-full.jsonl.gz"), ({"part": "manpages", "text": t} for t in c["manpages"]))
        write(os.path.join(full, "unidiclite_words-full.jsonl.gz"), (analyse(tg, t, False) for t in c["manpages"]))


if __name__ == "__main__":
    main()
