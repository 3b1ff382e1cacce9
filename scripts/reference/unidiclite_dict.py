"""Derive the unidic-lite dictionary data that package analysis applies to
kagome's UniDic 2.1.2 (github.com/ikawaha/kagome-dict/uni) so that it
segments exactly as MeCab with unidic-lite's own files.

unidic-lite 1.0.8 is UniDic 2.1.2 with three changes (its README): 令和
entries added, single-character numeric and alphabetic words deleted, and
unk.def changed so that unknown punctuation is not a noun. This script reads
the compiled dictionary that the wheel ships (sys.dic, unk.dic: MeCab's
binary format, a Darts double array over the surfaces plus the token array)
and compares it, entry by entry, with kagome's dictionary (dumped by
analysis/internal/unidump). It writes:

  analysis/unidiclite/unk.def    unidic-lite's unknown-word entries (unk.dic),
                                 per char.def category, in MeCab's order
  analysis/unidiclite/lex.patch  surfaces absent from unidic-lite, and entries
                                 whose cost or features differ (㋿)
  analysis/unidiclite/order.gz   for every surface whose entries kagome
                                 stores in another order than MeCab's token
                                 array: the MeCab order (it decides ties)

and fails if the two dictionaries differ in any other way (connection ids,
costs, entry counts). char.bin and matrix.bin are checked against
analysis/chardef/unidic.def and kagome's matrix by the Go test
TestUniDicLiteFiles (run it with JRETRIEVE_UNIDIC_LITE_DIR set).

Run from the repository root: python scripts/reference/unidiclite_dict.py
"""
import collections
import gzip
import io
import os
import struct
import subprocess
import sys

import numpy as np
import unidic_lite

OUT = os.path.join("analysis", "unidiclite")


def read_dic(path):
    b = open(path, "rb").read()
    (magic, version, typ, lexsize, lsize, rsize, dsize, tsize, fsize, _dummy) = struct.unpack_from("<10I", b, 0)
    if magic ^ 0xEF718F77 != len(b):
        sys.exit(f"{path}: not a MeCab dictionary")
    off = 72
    da = np.frombuffer(b, dtype=np.dtype([("base", "<i4"), ("check", "<u4")]), count=dsize // 8, offset=off)
    off += dsize
    toks = np.frombuffer(b, dtype=np.dtype([("l", "<u2"), ("r", "<u2"), ("pos", "<u2"), ("w", "<i2"), ("f", "<u4"), ("c", "<u4")]), count=tsize // 16, offset=off)
    off += tsize
    feat = b[off : off + fsize]
    return da, toks, feat


def entries(path):
    """Every (surface, left, right, cost, feature) of a MeCab dictionary, in
    token-array order (surfaces sorted by bytes, entries in MeCab's order)."""
    da, toks, feat = read_dic(path)
    base = da["base"].astype(np.int64)
    check = da["check"].astype(np.int64)
    n = len(base)
    keys = []
    stack = [(int(base[0]), b"")]
    while stack:
        b, key = stack.pop()
        if 0 <= b < n and check[b] == b and base[b] < 0:
            keys.append((key, int(-base[b] - 1)))
        lo, hi = b + 1, min(b + 257, n)
        if lo >= n:
            continue
        for i in np.nonzero(check[lo:hi] == b)[0]:
            if i:
                stack.append((int(base[lo + i]), key + bytes([int(i)])))
    keys.sort()
    out = []
    for key, v in keys:
        start, cnt = v >> 8, v & 0xFF
        for t in toks[start : start + cnt]:
            fo = int(t["f"])
            f = feat[fo : feat.index(b"\0", fo)].decode()
            out.append((key.decode(), int(t["l"]), int(t["r"]), int(t["w"]), f))
    if len(out) != len(toks):
        sys.exit(f"{path}: {len(out)} entries reached from the double array, {len(toks)} tokens")
    return out


def main():
    dicdir = unidic_lite.DICDIR
    lite = entries(os.path.join(dicdir, "sys.dic"))
    keys = "".join(sorted({e[0] + "\n" for e in lite}))
    dump = subprocess.run(["go", "run", "./analysis/internal/unidump"], input=keys.encode(), capture_output=True, check=True).stdout.decode()
    kag = collections.defaultdict(list)
    for line in dump.splitlines():
        k, i, l, r, w, f = line.split("\t")
        kag[k].append((int(i), int(l), int(r), int(w), f))
    bykey = collections.defaultdict(list)
    for e in lite:
        bykey[e[0]].append(e[1:])

    deleted = sorted(set(kag) - set(bykey))
    added = sorted(set(bykey) - set(kag))
    if added:
        sys.exit(f"surfaces in unidic-lite but not in kagome: {added[:20]}")
    overrides = []
    orders = []
    for k in sorted(bykey, key=lambda s: s.encode()):
        le, ke = bykey[k], kag[k]
        if len(le) != len(ke):
            sys.exit(f"{k!r}: {len(le)} entries in unidic-lite, {len(ke)} in kagome")
        ids = [e[0] for e in ke]
        if ids != list(range(ids[0], ids[0] + len(ids))):
            sys.exit(f"{k!r}: kagome ids not consecutive: {ids}")
        free = list(ke)
        perm = [None] * len(le)
        # identical entries first (left, right, cost, the 17 features kagome keeps)
        for j, (l, r, w, f) in enumerate(le):
            for x, (i, kl, kr, kw, kf) in enumerate(free):
                if (kl, kr, kw) == (l, r, w) and (f == kf or f.startswith(kf + ",")):
                    perm[j] = i
                    del free[x]
                    break
        # then the same connection ids with another cost or features
        for j, (l, r, w, f) in enumerate(le):
            if perm[j] is not None:
                continue
            for x, (i, kl, kr, kw, kf) in enumerate(free):
                if (kl, kr) == (l, r):
                    perm[j] = i
                    del free[x]
                    overrides.append((i, k, kw, w, ",".join(f.split(",")[: len(kf.split(","))])))
                    break
            else:
                sys.exit(f"{k!r}: unidic-lite entry {(l, r, w, f)} has no kagome counterpart")
        if perm != ids:
            orders.append((ids[0], [p - ids[0] for p in perm]))

    os.makedirs(OUT, exist_ok=True)
    total_deleted = sum(len(kag[k]) for k in deleted)
    with open(os.path.join(OUT, "lex.patch"), "w", encoding="utf-8", newline="\n") as w:
        w.write("# unidic-lite 1.0.8 vs kagome-dict/uni (UniDic 2.1.2); generated by scripts/reference/unidiclite_dict.py\n")
        w.write(f"# entries<TAB>kagome entries<TAB>unidic-lite entries\n")
        w.write(f"entries\t{sum(len(v) for v in kag.values())}\t{len(lite)}\n")
        w.write("# delete<TAB>surface<TAB>entries: surface absent from unidic-lite\n")
        w.write("# set<TAB>kagome id<TAB>surface<TAB>kagome cost<TAB>unidic-lite cost<TAB>unidic-lite features\n")
        for k in deleted:
            w.write(f"delete\t{k}\t{len(kag[k])}\n")
        for i, k, old, new, f in overrides:
            w.write(f"set\t{i}\t{k}\t{old}\t{new}\t{f}\n")
    buf = io.StringIO()
    prev = 0
    for first, perm in orders:
        buf.write(f"{first - prev} {','.join(map(str, perm))}\n")
        prev = first
    with open(os.path.join(OUT, "order.gz"), "wb") as w:
        with gzip.GzipFile(filename="", mode="wb", fileobj=w, mtime=0, compresslevel=9) as g:
            g.write(buf.getvalue().encode())

    # unknown words: unk.dic's surfaces are the char.def categories
    unk = entries(os.path.join(dicdir, "unk.dic"))
    b = open(os.path.join(dicdir, "char.bin"), "rb").read()
    ncat = struct.unpack_from("<I", b)[0]
    cats = [b[4 + 32 * i : 4 + 32 * i + 32].rstrip(b"\0").decode() for i in range(ncat)]
    with open(os.path.join(OUT, "unk.def"), "w", encoding="utf-8", newline="\n") as w:
        w.write("# unidic-lite 1.0.8 unk.dic (category,left,right,cost,features) in MeCab's order; generated by scripts/reference/unidiclite_dict.py\n")
        for c in cats:
            for k, l, r, cost, f in unk:
                if k == c:
                    w.write(f"{k},{l},{r},{cost},{f}\n")
    print(f"deleted surfaces {len(deleted)} ({total_deleted} entries), overrides {len(overrides)}, reordered surfaces {len(orders)}", file=sys.stderr)


if __name__ == "__main__":
    main()
