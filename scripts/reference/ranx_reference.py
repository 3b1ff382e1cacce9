#!/usr/bin/env python3
"""Expected metrics, fusion and t-test p-values from ranx itself (issue 11 item 5).

Writes
  eval/testdata/ranx/fixture.json  self-contained: small runs and qrels (ties, negative
                                   scores, graded and unjudged documents, runs covering
                                   different queries), every ranx metric per query, every
                                   fusion method x normalization ranx offers (fused
                                   scores and order), Student t-test p-values.
  eval/testdata/ranx/jqara.json    on the 39 JQaRA runs in ../shared/reference/jqara:
                                   mean of every metric per run, Student t-test p-values
                                   of every pair, and fusion of three runs (means of the
                                   fused runs, a checksum of all fused scores, the head
                                   of two queries).

Usage: python scripts/reference/ranx_reference.py [--shared ../shared]
Floats are written with repr (round-trip exact); NaN as null. Deterministic.
"""
import argparse
import json
import math
import os
import sys
import warnings

warnings.simplefilter("ignore")  # numba type-safety chatter

from importlib.metadata import version  # noqa: E402
from ranx import Qrels, Run, compare, evaluate, fuse  # noqa: E402
from ranx import fusion as F  # noqa: E402
from ranx.io import load_lz4  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "eval", "testdata", "ranx")

CUTOFFS = ["", "@1", "@3", "@5", "@10", "@100"]
BASE = ["hits", "hit_rate", "precision", "recall", "f1", "mrr", "map", "ndcg", "ndcg_burges", "dcg", "dcg_burges"]
METRICS = [b + c for b in BASE for c in CUTOFFS] + [
    "r-precision", "bpref", "rbp.5", "rbp.8", "rbp.95",
    "precision@10-l0", "map-l0", "ndcg@10-l2", "rbp.8-l2", "bpref-l2", "mrr-l2",
]

# Score-based methods are checked under every normalization, rank-based ones
# (which only see each run's order) under min-max, ranx's default.
SCORE_METHODS = ["sum", "mnz", "anz", "gmnz", "max", "min", "med", "wsum", "wmnz", "mixed"]
RANK_METHODS = ["rrf", "isr", "log_isr", "logn_isr", "rbc", "bordafuse", "w_bordafuse"]
NORMS = ["min-max", "min-max-inverted", "max", "sum", "zmuv", "rank", "borda", None]
WEIGHTED = {"wsum", "wmnz", "mixed", "w_bordafuse"}
# Borda candidates come from a Python set: only the order of tied documents
# depends on it (hash seed), so those cases compare scores, not order.
HASH_ORDER = {"bordafuse", "w_bordafuse"}


def fnum(x):
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def params(method, weights):
    p = {}
    if method in WEIGHTED:
        p["weights"] = weights
    if method == "gmnz":
        p["gamma"] = 0.5
    if method == "rbc":
        p["phi"] = 0.8
    if method == "logn_isr":
        p["sigma"] = 0.01
    if method == "rrf":
        p["k"] = 60
    return p


def fusion_cases():
    for m in SCORE_METHODS:
        for n in NORMS:
            yield m, n
    for m in RANK_METHODS:
        yield m, "min-max"


def items(run, q, valid):
    """The fused list of q in ranx's order, without the keys ranx's numba code
    corrupts: when a document's combined score is exactly 0.0, a later run
    listing it re-inserts it under a garbled key (`get(doc, False) == False`
    is true for 0.0). Returns the list and the number of garbled keys."""
    out, bad = [], 0
    for d, s in run.run[q].items():
        if d in valid:
            out.append([d, fnum(s)])
        else:
            bad += 1
    return out, bad


def fused_dump(run, runs, queries, ordered=True):
    """ordered=False (order of ties depends on Python's set order): lists
    sorted by score descending, then doc id, so the output is reproducible."""
    fused, garbled = {}, {}
    for q in queries:
        valid = {d for r in runs if q in r.run for d in r.run[q].keys()}
        fused[q], bad = items(run, q, valid)
        if not ordered:
            fused[q].sort(key=lambda ds: (-ds[1], ds[0]))
        if bad:
            garbled[q] = bad
    return fused, garbled


# ---------------------------------------------------------------- fixture
FIX_QRELS = {
    "q1": {"d1": 2, "d2": 1, "d3": 0, "d4": 1, "d9": 0},
    "q2": {"e1": 1, "e2": 0, "e3": 3},
    "q3": {"f1": 1},  # no judged non-relevant: bpref is 0/0
    "q4": {"g1": 1, "g2": 0, "g3": 2, "g4": 1, "g5": 0, "g6": 1},
    "q5": {"h1": 0, "h2": 0},  # no relevant document
}
FIX_RUNS = {
    # file order matters: ranx breaks ties by a quicksort over it
    "a": {
        "q1": [("d1", 0.5), ("d2", 0.9), ("d3", 0.5), ("x1", 0.5), ("d4", 0.1), ("d9", -0.2)],
        "q2": [("e2", 3.0), ("e1", 2.0), ("x2", 2.0), ("e3", 1.0)],
        "q3": [("x3", 1.0), ("f1", 0.25), ("x4", 0.25)],
        "q4": [("g%d" % i, float(s)) for i, s in [(6, 1), (5, 2), (4, 3), (3, 3), (2, 3), (1, 4)]]
        + [("y%d" % i, 0.5) for i in range(14)],
        "q5": [("h1", 2.0), ("z1", 1.0), ("h2", 0.5)],
    },
    "b": {
        "q1": [("d4", -1.0), ("d2", -2.0), ("x1", -1.0), ("d9", -3.5), ("x5", -1.0)],
        "q2": [("e3", 0.7), ("e1", 0.7), ("x6", 0.2)],
        "q3": [("f1", 5.0), ("x3", 4.0)],
        "q4": [("g1", 0.9), ("g3", 0.8), ("y3", 0.8), ("g2", 0.1), ("g6", 0.05)],
        "q5": [("h2", 1.0), ("h1", 1.0)],
        "q6": [("k1", 1.0)],  # a query only this run lists
    },
    "c": {
        "q1": [("d9", 10.0), ("d1", 9.0), ("d3", 9.0), ("x7", 8.0)],
        "q2": [("e1", 0.0), ("e3", 0.0), ("x2", 0.0)],
        "q3": [("f1", 1.0)],
        "q4": [("g4", 3.0), ("g5", 2.0), ("g6", 1.0), ("y1", 1.0), ("y2", 0.5)],
        "q5": [("z1", 3.0), ("h1", 1.0)],
    },
}
FIX_WEIGHTS = [0.5, 1.0, 2.0]


def plain_run(d, name):
    """A ranx Run whose keys are plain strings. Run.from_dict/from_file keep doc
    ids as fixed-width numpy strings, and ranx's fusion functions then garble
    and mismatch the ids of runs with different widths when no normalization
    rebuilds the dicts first (norm=None or a direct comb_sum call). add_score
    plus sort() gives the same order (quicksort over insertion order)."""
    r = Run(name=name)
    for q, docs in d.items():
        for doc, score in docs.items():
            r.add_score(q, doc, score)
    r.sort()
    return r


def fix_run(name, queries=None):
    d = {q: dict(v) for q, v in FIX_RUNS[name].items() if queries is None or q in queries}
    return plain_run(d, name)


def fixture():
    qids = sorted(FIX_QRELS)
    out = {"ranx": version("ranx"), "qrels": FIX_QRELS,
           "runs": {n: {q: [[d, s] for d, s in v] for q, v in r.items()} for n, r in FIX_RUNS.items()},
           "metrics": METRICS, "weights": FIX_WEIGHTS}
    # Metrics; q5 (no relevant document) alone: ranx's parallel loop drops
    # the rest of a batch when one query raises (bpref divides by R = 0).
    per = {}
    for n in FIX_RUNS:
        per[n] = {m: [] for m in METRICS}
        for batch in (qids[:4], qids[4:]):
            r = Run.from_dict({q: dict(FIX_RUNS[n][q]) for q in batch})
            res = evaluate(Qrels({q: FIX_QRELS[q] for q in batch}), r, METRICS, return_mean=False)
            for m in METRICS:
                per[n][m] += [fnum(v) for v in res[m]]
    out["per_query"] = per
    # Student t-test p-values (all queries have a relevant doc but q5).
    qrels4 = Qrels({q: FIX_QRELS[q] for q in qids[:4]})
    runs4 = [fix_run(n, qids[:4]) for n in ["a", "b", "c"]]
    tm = ["ndcg@5", "map", "precision@3", "rbp.8"]
    rep = compare(qrels4, runs4, metrics=tm, stat_test="student")
    out["ttest"] = {"queries": qids[:4], "metrics": tm, "p": [
        [a, b, m, fnum(rep.comparisons[{a, b}][m]["p_value"])]
        for i, a in enumerate(["a", "b", "c"]) for b in ["a", "b", "c"][i + 1:] for m in tm]}
    # Fusion through ranx.fuse (runs with the same queries).
    same = [fix_run(n, qids) for n in ["a", "b", "c"]]
    cases = []
    for method, norm in fusion_cases():
        p = params(method, FIX_WEIGHTS)
        r = fuse(same, norm=norm, method=method, params=p)
        ordered = method not in HASH_ORDER and norm != "borda"
        fused, garbled = fused_dump(r, same, sorted(r.run.keys()), ordered)
        cases.append({"method": method, "norm": norm or "none", "params": p, "order": ordered,
                      "fused": fused, "garbled": garbled})
    out["fusion"] = cases
    # Runs covering different queries, fusion functions called directly (as
    # ranx.fuse refuses them): the first run's queries are kept; b also lists
    # q6, which is dropped. (A query the first run has and a later run lacks
    # makes ranx's numba loop raise and wipe a chunk of queries: undefined.)
    a4, b6, c4 = fix_run("a", qids[:4]), fix_run("b"), fix_run("c", qids[:4])
    direct = []
    for name, fn, runs in [("sum", F.comb_sum, [a4, b6]), ("mnz", F.comb_mnz, [a4, b6]),
                           ("rrf", F.rrf, [a4, b6, c4]), ("max", F.comb_max, [c4, b6])]:
        r = fn(runs)
        fused, garbled = fused_dump(r, runs, sorted(r.run.keys()))
        direct.append({"method": name, "runs": [x.name for x in runs], "norm": "none", "order": True,
                       "fused": fused, "garbled": garbled})
    out["different_queries"] = direct
    return out


# ---------------------------------------------------------------- JQaRA
JQ_FUSE_RUNS = ["bm25", "ruri-small", "japanese-reranker-cross-encoder-large-v1"]
JQ_FUSE_METRICS = ["ndcg@10", "mrr@10", "map@100", "ndcg"]
JQ_WEIGHTS = [0.2, 0.3, 0.5]
JQ_TTEST = ["ndcg@10", "mrr@10"]


def jqara(shared):
    base = os.path.join(shared, "reference", "jqara")
    qrels = Qrels.from_file(os.path.join(base, "qrels.trec"), kind="trec")
    names = sorted(f[:-4] for f in os.listdir(os.path.join(base, "runs")) if f.endswith(".lz4"))
    runs = {n: Run.from_file(os.path.join(base, "runs", n + ".lz4"), kind="lz4", name=n) for n in names}
    out = {"ranx": version("ranx"), "metrics": METRICS, "runs": {}}
    for n in names:
        res = evaluate(qrels, runs[n], METRICS, return_mean=True)
        out["runs"][n] = [fnum(res[m]) for m in METRICS]
    rep = compare(qrels, [runs[n] for n in names], metrics=JQ_TTEST, stat_test="student")
    out["ttest"] = {"metrics": JQ_TTEST, "p": [
        [a, b] + [fnum(rep.comparisons[{a, b}][m]["p_value"]) for m in JQ_TTEST]
        for i, a in enumerate(names) for b in names[i + 1:]]}
    # file order, as Run.from_file would sort it
    fr = [plain_run(load_lz4(os.path.join(base, "runs", n + ".lz4")), n) for n in JQ_FUSE_RUNS]
    heads = sorted(qrels.keys())[:2]
    cases = []
    for method, norm in fusion_cases():
        p = params(method, JQ_WEIGHTS)
        r = fuse(fr, norm=norm, method=method, params=p)
        res = evaluate(qrels, r, JQ_FUSE_METRICS, return_mean=True)
        ordered = method not in HASH_ORDER and norm != "borda"
        fused, garbled = fused_dump(r, fr, sorted(r.run.keys()), ordered)
        total = math.fsum(s for q in fused for _, s in fused[q])
        cases.append({"method": method, "norm": norm or "none", "params": p, "order": ordered,
                      # means of hash-ordered runs vary from run to run: omitted
                      "means": [fnum(res[m]) for m in JQ_FUSE_METRICS] if ordered else None,
                      "pairs": sum(len(v) for v in fused.values()), "fsum": total,
                      "garbled": garbled, "head": {q: fused[q][:20] for q in heads}})
    out["fusion"] = {"runs": JQ_FUSE_RUNS, "metrics": JQ_FUSE_METRICS, "cases": cases}
    return out


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        f.write("\n")
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    a = ap.parse_args()
    write(os.path.join(OUT, "fixture.json"), fixture())
    if os.path.isdir(os.path.join(a.shared, "reference", "jqara")):
        write(os.path.join(OUT, "jqara.json"), jqara(a.shared))
    else:
        print("no %s: jqara.json not regenerated" % a.shared, file=sys.stderr)


if __name__ == "__main__":
    main()
