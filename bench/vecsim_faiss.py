#!/usr/bin/env python3
"""Anchor side of bench/vecsim.sh: FAISS IndexFlatIP and numpy matvec.

usage: vecsim_faiss.py gen DIR N Q D           write DIR/docs.npy, DIR/queries.npy
       vecsim_faiss.py run DIR THREADS [QSUB]  print one JSON line of timings

With QSUB, the FAISS batch search runs on the first QSUB queries only and
faiss_batch_s is scaled linearly to all queries (batch_extrapolated_from
says so); used when FAISS sits on the slow reference BLAS.

Run the `run` form with OPENBLAS_NUM_THREADS/OMP_NUM_THREADS = THREADS and
OMP_WAIT_POLICY=PASSIVE, and without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE so
OpenBLAS picks its AVX-512 kernels (the issue's anchor setup).
"""
import json
import os
import sys
import time

import numpy as np


def gen(d, n, q, dim):
    rng = np.random.default_rng(20261125)
    os.makedirs(d, exist_ok=True)
    docs = np.empty((n, dim), dtype=np.float32)
    for i in range(0, n, 65536):
        docs[i:i + 65536] = rng.standard_normal((min(65536, n - i), dim), dtype=np.float32)
    np.save(os.path.join(d, "docs.npy"), docs)
    qs = rng.standard_normal((q, dim), dtype=np.float32)
    np.save(os.path.join(d, "queries.npy"), qs)


def median_time(fn, reps):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2]


def run(d, threads, qsub=0):
    import faiss
    faiss.omp_set_num_threads(threads)
    blas = blas_info()
    if blas.get("core") and "haswell" in blas["core"].lower() and "avx512" in open("/proc/cpuinfo").read():
        sys.exit("vecsim_faiss.py: OpenBLAS runs its Haswell kernel on an AVX-512 machine "
                 "(OPENBLAS_CORETYPE set?): the anchor would be unfair; unset it")
    if blas.get("num_threads") is not None and blas["num_threads"] != threads:
        sys.exit("vecsim_faiss.py: OpenBLAS uses %s threads, want %d" % (blas["num_threads"], threads))
    docs = np.load(os.path.join(d, "docs.npy"))
    qs = np.load(os.path.join(d, "queries.npy"))
    index = faiss.IndexFlatIP(docs.shape[1])
    index.add(docs)
    index.search(qs[:64], 10)  # warm up
    sub = qs if qsub <= 0 or qsub >= len(qs) else qs[:qsub]
    t0 = time.perf_counter()
    c0 = time.process_time()
    _, ids = index.search(sub, 10)
    batch = time.perf_counter() - t0
    batch_cpu = time.process_time() - c0
    scale = len(qs) / len(sub)
    np.save(os.path.join(d, "faiss_ids_t%d.npy" % threads), ids.astype(np.int64))
    reps = 5
    i = iter(range(10**9))
    mv = median_time(lambda: docs @ qs[next(i) % len(qs)], reps)
    fs = median_time(lambda: index.search(qs[next(i) % len(qs)][None, :], 10), reps)
    print(json.dumps({"threads": threads, "n": docs.shape[0], "q": qs.shape[0], "dim": docs.shape[1],
                      "faiss_batch_s": batch * scale, "faiss_batch_cpu_s": batch_cpu * scale,
                      "batch_extrapolated_from": len(sub), "numpy_matvec_s": mv, "faiss_single_s": fs,
                      "faiss": faiss.__version__, "numpy": np.__version__, "blas": blas}))


def blas_info():
    """The BLAS numpy/FAISS run on, as threadpoolctl reports it (kernel, threads).

    threadpoolctl (Debian python3-threadpoolctl or PyPI) is optional; without it
    the kernel is unverified and the record says so."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return {"verified": False, "why": "threadpoolctl not installed"}
    for lib in threadpool_info():
        if lib.get("user_api") == "blas":
            return {"verified": True, "internal_api": lib.get("internal_api"),
                    "core": lib.get("architecture"), "num_threads": lib.get("num_threads"),
                    "version": lib.get("version")}
    return {"verified": False, "why": "no BLAS loaded"}


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
