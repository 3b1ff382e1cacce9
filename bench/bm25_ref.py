#!/usr/bin/python3
"""Independent numpy reference for bench/bm25.sh: exhaustive BM25 with the
formula of jretrieve's Index (Lucene idf ln(1+(N-n+0.5)/(n+0.5)), k1=1.2,
b=0.75, score = sum over distinct query terms of qtf*idf*tf*(k1+1)/(tf +
k1*(1-b+b*dl/avgdl))), top-10 by score then document order. Compares with
the jretrieve_<set>.top10 files written by bm25bench and prints one JSON
line (queries/s of the numpy scoring and the number of identical top-10s;
lists that differ only by an exact-score tie within 1e-9 are counted
separately).

Usage: bm25_ref.py DIR
"""
import collections
import json
import math
import os
import sys
import time

import numpy as np

K1, B = 1.2, 0.75


def main():
    d = sys.argv[1]
    ids, lens = [], []
    post = collections.defaultdict(lambda: ([], []))
    with open(os.path.join(d, "corpus.tsv"), encoding="utf-8") as f:
        for n, line in enumerate(f):
            did, text = line.rstrip("\n").split("\t", 1)
            toks = text.split()
            ids.append(did)
            lens.append(len(toks))
            for t, c in collections.Counter(toks).items():
                p = post[t]
                p[0].append(n)
                p[1].append(c)
    N = len(ids)
    lens = np.array(lens, dtype=np.float64)
    avgdl = lens.sum() / N
    norm = K1 * ((1 - B) + (B * lens) / avgdl)
    post = {t: (np.array(a, dtype=np.int64), np.array(b, dtype=np.float64)) for t, (a, b) in post.items()}
    res = {"system": "numpy exhaustive reference"}
    qps, qps_cpu, same, ties = {}, {}, {}, {}
    for name in ("content", "raw"):
        with open(os.path.join(d, f"queries_{name}.txt"), encoding="utf-8") as f:
            queries = [l.split() for l in f.read().splitlines()]
        with open(os.path.join(d, f"jretrieve_{name}.top10"), encoding="utf-8") as f:
            ours = [l.split("\t", 1)[1].split() if "\t" in l else [] for l in f.read().splitlines()]
        tops = []
        t0, c0 = time.perf_counter(), time.process_time()
        for q in queries:
            qtf = collections.Counter(q)
            score = np.zeros(N)
            hit = np.zeros(N, dtype=bool)
            for t in dict.fromkeys(q):  # first-occurrence order
                if t not in post:
                    continue
                docs, tf = post[t]
                n = len(docs)
                idf = math.log(1 + (N - n + 0.5) / (n + 0.5))
                score[docs] += (qtf[t] * idf) * (tf * (K1 + 1) / (tf + norm[docs]))
                hit[docs] = True
            cand = np.flatnonzero(hit)
            k = min(10, len(cand))
            if k == 0:
                tops.append(([], score))
                continue
            part = cand[np.argpartition(-score[cand], k - 1)[:k]] if len(cand) > k else cand
            # include every candidate tied with the 10th score, then order
            kth = score[part].min()
            part = cand[score[cand] >= kth]
            order = sorted(part.tolist(), key=lambda i: (-score[i], i))[:10]
            tops.append((order, score))
        qps[name] = len(queries) / (time.perf_counter() - t0)
        qps_cpu[name] = len(queries) / (time.process_time() - c0)
        s = tie = 0
        for (ref, score), got in zip(tops, ours):
            refids = [ids[i] for i in ref]
            if refids == got:
                s += 1
            elif len(refids) == len(got):
                idx = {v: i for i, v in enumerate(ids)}
                g = [idx[x] for x in got]
                if np.allclose(score[ref], score[g], rtol=1e-9, atol=0):
                    tie += 1
        same[name], ties[name] = s, tie
    res.update({"qps": qps, "qps_cpu": qps_cpu, "top10_identical": same, "top10_differ_only_in_ties": ties, "queries": len(queries)})
    print(json.dumps(res))


if __name__ == "__main__":
    main()
