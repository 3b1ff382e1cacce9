"""Reference values for package jmteb (issue 14).

JMTEB (sbintuitions/JMTEB) is not published on PyPI (`pip download jmteb`
finds nothing), so this script re-implements its evaluators' procedures
(src/jmteb/evaluators/*, v1 code) calling torch, scikit-learn and scipy
exactly the way JMTEB calls them, on synthetic float32 embeddings, and
writes the embeddings, labels and expected scores to
jmteb/testdata/reference.json.

Deterministic: fixed numpy seeds; regenerating reproduces the bytes.
Run: /work/pyref/bin/python scripts/reference/jmteb_reference.py
"""

from __future__ import annotations

import json
import math
import os
import sys

import numpy as np
import torch
from scipy.stats import pearsonr, spearmanr
from sklearn.cluster import AgglomerativeClustering, Birch, BisectingKMeans, MiniBatchKMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, homogeneity_completeness_v_measure
from sklearn.metrics.pairwise import paired_cosine_distances, paired_euclidean_distances, paired_manhattan_distances
from sklearn.neighbors import KNeighborsClassifier

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "jmteb", "testdata", "reference.json")


def quant(m):
    """Embeddings rounded to 2 decimals (short fixture), as float32."""
    return np.round(np.asarray(m, dtype=np.float64), 2).astype(np.float32)


def f32list(m):
    return [[round(float(x), 2) for x in row] for row in np.asarray(m)]


# ---------------------------------------------------------------- STS
def sts_sims(e1, e2):
    e1, e2 = torch.tensor(e1), torch.tensor(e2)
    n1 = torch.nn.functional.normalize(e1, p=2, dim=1)
    n2 = torch.nn.functional.normalize(e2, p=2, dim=1)
    return {
        "cosine_similarity": (n1 * n2).sum(dim=1),
        "manhatten_distance": -abs(e2 - e1).sum(dim=1),
        "euclidean_distance": -torch.sqrt(torch.square(e2 - e1)).sum(dim=1),
        "dot_score": (e1 * e2).sum(dim=1),
    }


def sts_eval(v1, v2, vg, t1, t2, tg):
    def score(a, b, g, name):
        s = sts_sims(a, b)[name]
        p = pearsonr(g, s)[0]
        r = spearmanr(g, s)[0]
        return {"pearson": 0.0 if math.isnan(p) else float(p), "spearman": 0.0 if math.isnan(r) else float(r)}

    val = {n: score(v1, v2, vg, n) for n in sts_sims(v1[:1], v2[:1])}
    opt = sorted(val.items(), key=lambda x: x[1]["spearman"], reverse=True)[0][0]
    test = score(t1, t2, tg, opt)
    return {"optimal": opt, "val": val, "test": test, "value": test["spearman"]}


def make_sts(rng, n, dim):
    a = rng.normal(size=(n, dim)).astype(np.float32)
    noise = rng.uniform(0.1, 2.0, size=(n, 1))
    b = (a + noise * rng.normal(size=(n, dim))).astype(np.float32)
    gold = np.round(5.0 / (1.0 + noise[:, 0]) + rng.normal(scale=0.4, size=n), 1)
    return quant(a), quant(b), [float(x) for x in gold]


# ---------------------------------------------------------------- pair classification
def pair_sims(e1, e2):
    d = {
        "cosine_distances": 1 - paired_cosine_distances(e1, e2),
        "manhatten_distances": paired_manhattan_distances(e1, e2),
        "euclidean_distances": paired_euclidean_distances(e1, e2),
    }
    b, dim = e1.shape
    d["dot_similarities"] = torch.bmm(torch.tensor(e1).view(b, 1, dim), torch.tensor(e2).view(b, dim, 1)).view(-1).numpy()
    return d


def high(name):
    return name in ["cosine_distance", "dot_similarities"]  # JMTEB's list, as written


def best_acc(scores, labels, hi):
    rows = sorted(zip(scores, labels), key=lambda x: x[0], reverse=hi)
    max_acc, best_t, pos, neg = 0, -1, 0, sum(np.array(labels) == 0)
    for i in range(len(rows) - 1):
        if rows[i][1] == 1:
            pos += 1
        else:
            neg -= 1
        acc = (pos + neg) / len(labels)
        if acc > max_acc:
            max_acc, best_t = acc, (rows[i][0] + rows[i + 1][0]) / 2
    return max_acc, best_t


def best_f1(scores, labels, hi):
    rows = sorted(zip(scores, labels), key=lambda x: x[0], reverse=hi)
    best, best_t, pos, total = 0, -1, 0, sum(labels)
    for i in range(len(rows) - 1):
        if rows[i][1] == 1:
            pos += 1
        p = pos / (i + 1)
        r = pos / total
        f = 2 / (1 / p + 1 / r) if pos > 0 else 0
        if f > best:
            best, best_t = f, (rows[i][0] + rows[i + 1][0]) / 2
    return best, best_t


def predict_threshold(s, t, hi):
    return [0 if x < t else 1 for x in s] if hi else [1 if x < t else 0 for x in s]


def pair_eval(v1, v2, vl, t1, t2, tl):
    val = {}
    for n, s in pair_sims(v1, v2).items():
        a, at = best_acc(s, vl, high(n))
        f, ft = best_f1(s, vl, high(n))
        val[n] = {"accuracy": float(a), "accuracy_threshold": float(at), "binary_f1": float(f), "binary_f1_threshold": float(ft)}
    opt = sorted(val.items(), key=lambda x: x[1]["binary_f1"], reverse=True)[0][0]
    s = pair_sims(t1, t2)[opt]
    th = {k: v for k, v in val[opt].items() if k.endswith("_threshold")}
    # thresholds are float32 numpy scalars in JMTEB; compare with those
    th32 = {k: np.float32(v) for k, v in th.items()}
    test = {
        "accuracy": float(accuracy_score(tl, predict_threshold(s, th32["accuracy_threshold"], high(opt)))),
        "binary_f1": float(f1_score(tl, predict_threshold(s, th32["binary_f1_threshold"], high(opt)))),
    }
    return {"optimal": opt, "val": val, "test": test, "value": test["binary_f1"]}


def make_pairs(rng, n, dim):
    a = rng.normal(size=(n, dim)).astype(np.float32)
    lab = rng.integers(0, 2, size=n)
    scale = np.where(lab == 1, 0.6, 1.3) * rng.uniform(0.5, 1.5, size=n)
    b = (a + scale[:, None] * rng.normal(size=(n, dim))).astype(np.float32)
    return quant(a), quant(b), [int(x) for x in lab]


# ---------------------------------------------------------------- retrieval
def sim_fns():
    def cos(e1, e2):
        return torch.mm(torch.nn.functional.normalize(e1, p=2, dim=1), torch.nn.functional.normalize(e2, p=2, dim=1).transpose(0, 1))

    return {
        "cosine_similarity": cos,
        "dot_score": lambda e1, e2: torch.mm(e1, e2.transpose(0, 1)),
        "euclidean_distance": lambda e1, e2: 100 / (torch.cdist(e1, e2) + 1e-4),
    }


def retrieval_metrics(golden, retrieved, acc_k, ndcg_k, max_k):
    res = {}
    for k in acc_k:
        acc = 0
        for rel, hits in zip(golden, retrieved):
            if len(rel) == 0:
                continue
            for h in hits[:k]:
                if h in rel:
                    acc += 1
                    break
        res[f"accuracy@{k}"] = acc / len(golden)
    for k in ndcg_k:
        tot = 0
        for rel, hits in zip(golden, retrieved):
            if len(rel) == 0:
                continue
            dcg = 0
            for rank, h in enumerate(hits[:k], start=1):
                if h in rel:
                    dcg += 1.0 / np.log2(rank + 1)
            idcg = sum([1 / np.log2(rank + 1) for rank in range(1, len(rel) + 1)])
            tot += dcg / idcg
        res[f"ndcg@{k}"] = float(tot / len(golden))
    mrr = 0
    for rel, hits in zip(golden, retrieved):
        if len(rel) == 0:
            continue
        for rank, h in enumerate(hits[:max_k], start=1):
            if h in rel:
                mrr += 1.0 / rank
                break
    res[f"mrr@{max_k}"] = mrr / len(golden)
    return res


def retrieval_run(q, docs, ids, golden, fn, chunk, acc_k=(1, 3, 5, 10), ndcg_k=(10,)):
    max_k = max(list(acc_k) + list(ndcg_k))
    qt = torch.tensor(q)
    idx_chunks, sc_chunks = [], []
    for off in range(0, len(docs), chunk):
        sim = fn(qt, torch.tensor(docs[off : off + chunk]))
        k = min(max_k, sim.shape[1])
        s, i = torch.topk(sim, k=k, dim=1)
        idx_chunks.append(i + off)
        sc_chunks.append(s)
    ti, ts = torch.cat(idx_chunks, axis=1), torch.cat(sc_chunks, axis=1)
    top_k = min(max_k, ti.shape[0])  # JMTEB's axis
    order = torch.argsort(-ts, axis=1)[:, :top_k]
    sorted_idx = torch.take_along_dim(ti, order, axis=1).tolist()
    retrieved = [[ids[i] for i in row] for row in sorted_idx]
    return retrieval_metrics(golden, retrieved, acc_k, ndcg_k, max_k)


def retrieval_eval(docs, ids, vq, vg, tq, tg, chunk, acc_k=(1, 3, 5, 10)):
    fns = sim_fns()
    val = {n: retrieval_run(vq, docs, ids, vg, f, chunk, acc_k) for n, f in fns.items()}
    opt = sorted(val.items(), key=lambda x: x[1]["ndcg@10"], reverse=True)[0][0]
    test = retrieval_run(tq, docs, ids, tg, fns[opt], chunk, acc_k)
    return {"optimal": opt, "val": val, "test": test, "value": test["ndcg@10"]}


def make_retrieval(rng, ndocs, dim, nq_val, nq_test):
    docs = rng.normal(size=(ndocs, dim)).astype(np.float32)
    docs *= rng.uniform(0.5, 2.0, size=(ndocs, 1)).astype(np.float32)
    ids = [f"d{i:04d}" for i in range(ndocs)]

    def queries(n):
        q, g = [], []
        for j in range(n):
            nrel = int(rng.integers(0, 4)) if j % 7 else 0
            rel = sorted(rng.choice(ndocs, size=max(nrel, 1), replace=False).tolist())
            v = docs[rel].mean(axis=0) + rng.normal(scale=1.2, size=dim)
            q.append(v)
            g.append([ids[i] for i in rel] if nrel > 0 else [])
        return np.array(q, dtype=np.float32), g

    docs = quant(docs)
    vq, vg = queries(nq_val)
    tq, tg = queries(nq_test)
    return docs, ids, quant(vq), vg, quant(tq), tg


# ---------------------------------------------------------------- reranking
def rerank_eval(docs, vq, vset, tq, tset, ks=(10, 20, 40)):
    fns = sim_fns()

    def run(q, qset, fn):
        reranked = []
        for i, (cands, rels) in enumerate(qset):
            s = fn(torch.tensor(q[i]).unsqueeze(0), torch.stack([torch.tensor(docs[c]) for c in cands]))
            order = torch.argsort(s, dim=1, descending=True)[0]
            reranked.append([cands[j] for j in order])
        res = {}
        for k in ks:
            tot = 0
            for (cands, rels), rr in zip(qset, reranked):
                dcg = 0
                for rank, d in enumerate(rr[:k], start=1):
                    dcg += rels[cands.index(d)] / np.log2(rank + 1)
                idcg = sum([r / np.log2(rank + 1) for rank, r in enumerate(sorted(rels)[::-1][:k], start=1)])
                tot += dcg / idcg
            res[f"ndcg@{k}"] = float(tot / len(qset))
        return res

    val = {n: run(vq, vset, f) for n, f in fns.items()}
    opt = sorted(val.items(), key=lambda x: x[1]["ndcg@10"], reverse=True)[0][0]
    test = run(tq, tset, fns[opt])
    return {"optimal": opt, "val": val, "test": test, "value": test["ndcg@10"]}


def make_rerank(rng, ndocs, dim, nq, ncand):
    docs = rng.normal(size=(ndocs, dim)).astype(np.float32)
    q, qs = [], []
    for _ in range(nq):
        cands = rng.choice(ndocs, size=ncand, replace=False).tolist()
        rels = [int(x) for x in rng.integers(0, 4, size=ncand)]
        rels[0] = max(rels[0], 1)
        w = np.array(rels, dtype=np.float64)
        q.append((w[:, None] * docs[cands]).sum(axis=0) / w.sum() + rng.normal(scale=0.8, size=dim))
        qs.append((cands, rels))
    return np.array(q, dtype=np.float32), qs


# ---------------------------------------------------------------- classification
def classification_eval(xtr, ytr, xv, yv, xt, yt):
    clfs = {
        "knn_cosine_k_2": KNeighborsClassifier(n_neighbors=2, metric="cosine", n_jobs=-1),
        "logreg": LogisticRegression(),
    }
    val, preds = {}, {}
    for name, c in clfs.items():
        c.fit(xtr, ytr)
        p = c.predict(xv)
        val[name] = {"accuracy": float(accuracy_score(yv, p)), "macro_f1": float(f1_score(yv, p, average="macro"))}
    opt = sorted(val.items(), key=lambda x: x[1]["macro_f1"], reverse=True)[0][0]
    for name, c in clfs.items():
        preds[name] = {"val": [int(x) for x in c.predict(xv)], "test": [int(x) for x in c.predict(xt)]}
    p = clfs[opt].predict(xt)
    test = {"accuracy": float(accuracy_score(yt, p)), "macro_f1": float(f1_score(yt, p, average="macro"))}
    lr = clfs["logreg"]
    return {
        "optimal": opt,
        "val": val,
        "test": test,
        "value": test["macro_f1"],
        "predictions": preds,
        "logreg_n_iter": int(lr.n_iter_[0]),
        "logreg_coef": [[float(x) for x in row] for row in lr.coef_],
        "logreg_intercept": [float(x) for x in lr.intercept_],
    }


def make_blobs(rng, n, dim, centers, spread):
    y = rng.integers(0, len(centers), size=n)
    x = centers[y] + spread * rng.normal(size=(n, dim))
    return quant(x), [int(v) for v in y]


# ---------------------------------------------------------------- clustering
def clustering_eval(xv, yv, xt, yt, seed):
    k = len(set(yt))
    ctors = {
        "MiniBatchKMeans": lambda: MiniBatchKMeans(n_clusters=k, n_init="auto", random_state=seed),
        "AgglomerativeClustering": lambda: AgglomerativeClustering(n_clusters=k),
        "BisectingKMeans": lambda: BisectingKMeans(n_clusters=k, random_state=seed),
        "Birch": lambda: Birch(n_clusters=k),
    }

    def ev(x, y, m):
        p = m.fit_predict(x)
        h, c, v = homogeneity_completeness_v_measure(labels_pred=p, labels_true=np.array(y))
        return {"v_measure_score": float(v), "homogeneity_score": float(h), "completeness_score": float(c)}, [int(a) for a in p]

    val, vpred = {}, {}
    for n, c in ctors.items():
        val[n], vpred[n] = ev(xv, yv, c())
    opt = sorted(val.items(), key=lambda x: x[1]["v_measure_score"], reverse=True)[0][0]
    tpred = {}
    test_all = {}
    for n, c in ctors.items():
        test_all[n], tpred[n] = ev(xt, yt, c())
    return {"optimal": opt, "val": val, "test": test_all[opt], "value": test_all[opt]["v_measure_score"],
            "test_all": test_all, "val_predictions": vpred, "test_predictions": tpred}


def main():
    out = {"note": "generated by scripts/reference/jmteb_reference.py; JMTEB's procedures with torch/sklearn/scipy"}
    rng = np.random.default_rng(14)

    v1, v2, vg = make_sts(rng, 60, 12)
    t1, t2, tg = make_sts(rng, 50, 12)
    out["sts"] = {"val": {"a": f32list(v1), "b": f32list(v2), "gold": vg}, "test": {"a": f32list(t1), "b": f32list(t2), "gold": tg},
                  "expected": sts_eval(v1, v2, vg, t1, t2, tg)}

    v1, v2, vl = make_pairs(rng, 80, 12)
    t1, t2, tl = make_pairs(rng, 60, 12)
    out["pair"] = {"val": {"a": f32list(v1), "b": f32list(v2), "labels": vl}, "test": {"a": f32list(t1), "b": f32list(t2), "labels": tl},
                   "expected": pair_eval(v1, v2, vl, t1, t2, tl)}

    cases = []
    for ndocs, nqv, nqt, chunk in [(300, 20, 25, 1000000), (300, 20, 25, 64), (120, 6, 5, 50)]:
        docs, ids, vq, vg_, tq, tg_ = make_retrieval(rng, ndocs, 16, nqv, nqt)
        cases.append({"doc_chunk_size": chunk, "corpus": f32list(docs), "ids": ids,
                      "val": {"queries": f32list(vq), "relevant": vg_}, "test": {"queries": f32list(tq), "relevant": tg_},
                      "expected": retrieval_eval(docs, ids, vq, vg_, tq, tg_, chunk)})
    # JMTEB 1.4 (the v2 suite): accuracy_at_k defaults to [1, 3, 5, 10, 20, 30, 50]
    rng_v2 = np.random.default_rng(1450)
    acc_v2 = [1, 3, 5, 10, 20, 30, 50]
    for ndocs, nqv, nqt, chunk in [(300, 20, 60, 64), (200, 8, 30, 1000000)]:
        docs, ids, vq, vg_, tq, tg_ = make_retrieval(rng_v2, ndocs, 16, nqv, nqt)
        cases.append({"doc_chunk_size": chunk, "accuracy_at_k": acc_v2, "corpus": f32list(docs), "ids": ids,
                      "val": {"queries": f32list(vq), "relevant": vg_}, "test": {"queries": f32list(tq), "relevant": tg_},
                      "expected": retrieval_eval(docs, ids, vq, vg_, tq, tg_, chunk, acc_v2)})
    out["retrieval"] = cases

    docs = quant(rng.normal(size=(200, 16)) * rng.uniform(0.5, 2.0, size=(200, 1)))
    vq, vset = make_rerank(rng, 200, 16, 15, 20)
    vq_docs = docs  # same corpus for both splits
    rng2 = np.random.default_rng(140)
    tq, tset = make_rerank(rng2, 200, 16, 20, 20)
    # make_rerank drew its own docs; rebuild queries against the shared corpus
    def requery(r, qset):
        q = []
        for cands, rels in qset:
            w = np.array(rels, dtype=np.float64)
            q.append((w[:, None] * docs[cands]).sum(axis=0) / w.sum() + r.normal(scale=0.8, size=16))
        return quant(np.array(q))
    vq, tq = requery(rng, vset), requery(rng2, tset)
    out["reranking"] = {"corpus": f32list(vq_docs),
                        "val": {"queries": f32list(vq), "candidates": [c for c, _ in vset], "relevance": [r for _, r in vset]},
                        "test": {"queries": f32list(tq), "candidates": [c for c, _ in tset], "relevance": [r for _, r in tset]},
                        "expected": rerank_eval(docs, vq, vset, tq, tset)}

    cls = []
    for nclass, dim, spread in [(4, 16, 1.6), (2, 16, 2.2), (6, 24, 2.4)]:
        centers = rng.normal(size=(nclass, dim)) * 1.5
        xtr, ytr = make_blobs(rng, 150, dim, centers, spread)
        xv, yv = make_blobs(rng, 60, dim, centers, spread)
        xt, yt = make_blobs(rng, 60, dim, centers, spread)
        cls.append({"train": {"x": f32list(xtr), "y": ytr}, "val": {"x": f32list(xv), "y": yv}, "test": {"x": f32list(xt), "y": yt},
                    "expected": classification_eval(xtr, ytr, xv, yv, xt, yt)})
    out["classification"] = cls

    clu = []
    for k, dim, spread, n in [(5, 8, 0.15, (120, 150)), (4, 10, 2.2, (100, 120))]:
        centers = rng.normal(size=(k, dim)) * 2
        xv, yv = make_blobs(rng, n[0], dim, centers, spread)
        xt, yt = make_blobs(rng, n[1], dim, centers, spread)
        clu.append({"val": {"x": f32list(xv), "y": yv}, "test": {"x": f32list(xt), "y": yt},
                    "expected": clustering_eval(xv, yv, xt, yt, seed=0)})
    out["clustering"] = clu

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(OUT, os.path.getsize(OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
