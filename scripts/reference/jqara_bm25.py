"""The JQaRA BM25 baseline exactly as its evaluator builds it
(github.com/hotchpotch/JQaRA, evaluator/reranker/bm25_reranker.py and
evaluator/evaluator/runner.py): per question, passages "title text",
tokens = fugashi.Tagger("-Owakati").parse(text).split(" ") (unidic-lite),
rank_bm25.BM25Okapi(passage tokens).get_scores(question tokens).

Groups scored:
  sample       the 50 questions of jretrieve's embedded sample, each over its
               20 candidates in file order
  manpages     40 groups of manpages-ja prose (analysis/testdata/jacorpus.jsonl.gz):
               one line as the question, the next 30 as passages
  whitespace   texts whose first or last words are characters Python's
               str.strip() removes (fugashi's parse() strips the trailing
               ones), empty and whitespace-only texts

Writes bm25/testdata/jqara_bm25.jsonl.gz: one group per line, {"name",
"query", "docs", "query_tokens", "doc_tokens", "scores"} (scores as Python
floats, repr round-trips exactly).

Run from the repository root: python scripts/reference/jqara_bm25.py
"""
import gzip
import json

from fugashi import Tagger
from rank_bm25 import BM25Okapi

tagger = Tagger("-Owakati")


def tokenize_split(text):
    return tagger.parse(text).split(" ")


def group(name, query, docs):
    tokenized_docs = list(map(tokenize_split, docs))
    tokenized_query = tokenize_split(query)
    bm25 = BM25Okapi(tokenized_docs)
    scores = bm25.get_scores(tokenized_query).tolist()
    return {"name": name, "query": query, "docs": docs, "query_tokens": tokenized_query, "doc_tokens": tokenized_docs, "scores": scores}


def main():
    rows = [json.loads(l) for l in open("datasets/sampledata/sample.jsonl", encoding="utf-8")]
    groups, order = {}, []
    for r in rows:
        if r["q_id"] not in groups:
            groups[r["q_id"]] = (r["question"], [])
            order.append(r["q_id"])
        groups[r["q_id"]][1].append(f"{r['title']} {r['text']}")
    out = [group(q, groups[q][0], groups[q][1]) for q in order]

    with gzip.open("analysis/testdata/jacorpus.jsonl.gz", "rt", encoding="utf-8") as f:
        man = [json.loads(l)["text"] for l in f]
    man = man[:2000]
    for g in range(40):
        lines = man[g * 31 : g * 31 + 31]
        out.append(group(f"manpages-{g:02d}", lines[0], lines[1:]))

    ws = ["\u3000", "\r", "\x85", "\xa0", "\u2028", "\x1c", "\x0c", "\u2003", "\u200b"]
    docs = []
    for c in ws:
        docs += [f"東京{c}", f"{c}東京", f"東京{c}大阪", c, c + c, f"東京 {c} "]
    docs += ["", " ", "東京", "大阪の東京", "東京 東京 東京", "東京\n", "東京\r\n", "ｱｲｳ\u3000"]
    out.append(group("whitespace", "東京\u3000", docs))
    out.append(group("whitespace-empty-query", "", docs))
    out.append(group("whitespace-query", "\u3000", docs))
    out.append(group("whitespace-all-empty", "東京", ["", "\u3000", " \r "]))

    with open("bm25/testdata/jqara_bm25.jsonl.gz", "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            for o in out:
                g.write((json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n").encode())


if __name__ == "__main__":
    main()
