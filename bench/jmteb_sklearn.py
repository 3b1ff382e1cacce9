"""bench/jmteb_sklearn.py: the scikit-learn side of bench/jmteb.sh.

gen DIR N D K   writes blobs: train/val/test .npy + labels (classification) and
                clus.npy + clus_labels.npy (clustering), float32
run DIR WHAT    times JMTEB's classifiers / clustering models as JMTEB calls them,
                prints one JSON line per step
"""
import json
import sys
import time

import numpy as np


def gen(d, n, dim, k):
    rng = np.random.default_rng(768)
    centers = rng.normal(size=(k, dim)) * 0.12
    def blobs(m):
        y = rng.integers(0, k, size=m)
        x = centers[y] + rng.normal(size=(m, dim))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        return x.astype(np.float32), y.astype(np.int64)
    for name, m in [("train", n), ("val", n // 5), ("test", n // 5), ("clus", n)]:
        x, y = blobs(m)
        np.save(f"{d}/{name}.npy", x)
        np.save(f"{d}/{name}_labels.npy", y)


def run(d, what):
    from sklearn.cluster import AgglomerativeClustering, Birch, BisectingKMeans, MiniBatchKMeans
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, homogeneity_completeness_v_measure
    from sklearn.neighbors import KNeighborsClassifier

    def out(step, secs, cpu, **kw):
        print(json.dumps({"impl": "sklearn", "step": step, "seconds": round(secs, 3), "cpu_seconds": round(cpu, 3), **kw}), flush=True)

    if what in ("all", "classification"):
        xtr, ytr = np.load(f"{d}/train.npy"), np.load(f"{d}/train_labels.npy")
        xv, yv = np.load(f"{d}/val.npy"), np.load(f"{d}/val_labels.npy")
        for name, c in [("knn_cosine_k_2", KNeighborsClassifier(n_neighbors=2, metric="cosine", n_jobs=-1)),
                        ("logreg", LogisticRegression())]:
            t, pt = time.perf_counter(), time.process_time()
            c.fit(xtr, ytr)
            p = c.predict(xv)
            extra = {"n_iter": int(c.n_iter_[0])} if name == "logreg" else {}
            out(name, time.perf_counter() - t, time.process_time() - pt, macro_f1=f1_score(yv, p, average="macro"), **extra)
    if what in ("all", "clustering"):
        x, y = np.load(f"{d}/clus.npy"), np.load(f"{d}/clus_labels.npy")
        k = len(set(y.tolist()))
        for name, m in [("MiniBatchKMeans", MiniBatchKMeans(n_clusters=k, n_init="auto", random_state=0)),
                        ("AgglomerativeClustering", AgglomerativeClustering(n_clusters=k)),
                        ("BisectingKMeans", BisectingKMeans(n_clusters=k, random_state=0)),
                        ("Birch", Birch(n_clusters=k))]:
            t, pt = time.perf_counter(), time.process_time()
            p = m.fit_predict(x)
            out(name, time.perf_counter() - t, time.process_time() - pt, v_measure=homogeneity_completeness_v_measure(y, p)[2])


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        run(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "all")
