#!/usr/bin/python3
"""Xapian side of bench/bm25.sh: build a Xapian (glass) database from
corpus.tsv (pre-tokenised, space-separated terms) and run the OR query sets
top-10 with Enquire's default BM25Weight, one thread. Prints one JSON line.

Usage: bm25_xapian.py DIR
"""
import collections
import json
import os
import sys
import time

import xapian


def main():
    d = sys.argv[1]
    path = os.path.join(d, "xapian.db")
    os.environ.setdefault("XAPIAN_FLUSH_THRESHOLD", "1000000")
    t0, c0 = time.perf_counter(), time.process_time()
    db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
    with open(os.path.join(d, "corpus.tsv"), encoding="utf-8") as f:
        for line in f:
            did, text = line.rstrip("\n").split("\t", 1)
            doc = xapian.Document()
            for t, n in collections.Counter(text.split(" ")).items():
                doc.add_term(t, n)
            doc.set_data(did)
            db.add_document(doc)
    db.commit()
    db.close()
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    db = xapian.Database(path)
    enq = xapian.Enquire(db)  # default weighting: BM25Weight(1, 0, 1, 0.5, 0.5)
    qps, qps_cpu = {}, {}
    for name in ("content", "raw"):
        with open(os.path.join(d, f"queries_{name}.txt"), encoding="utf-8") as f:
            queries = [l.split() for l in f.read().splitlines()]
        out = []
        t, c = time.perf_counter(), time.process_time()
        for terms in queries:
            enq.set_query(xapian.Query(xapian.Query.OP_OR, terms))
            out.append([m.docid for m in enq.get_mset(0, 10)])
        el, cpu = time.perf_counter() - t, time.process_time() - c
        qps[name] = len(queries) / el
        qps_cpu[name] = len(queries) / cpu
    print(json.dumps({"system": "xapian " + xapian.version_string(), "build_s": build, "build_cpu_s": build_cpu, "qps": qps, "qps_cpu": qps_cpu}))


if __name__ == "__main__":
    main()
