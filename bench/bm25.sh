#!/usr/bin/env bash
# BM25 index benchmark of issue 3: jretrieve's index vs SQLite FTS5 (sqlite3
# CLI) and Xapian (python3-xapian) on the same synthetic pre-tokenised
# corpus (100,000 documents of ~150 tokens, Zipf vocabulary of 50,000
# terms), 1,000 OR queries of 5-10 terms per set, top-10, one thread, plus a
# numpy exhaustive reference of jretrieve's formula.
#   content: query terms exclude the 200 most frequent (about 8% of docs match)
#   raw:     plain Zipf draws, particles included (about 93% match)
# Usage: bench/bm25.sh [workdir]   (default: a temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-$(mktemp -d /tmp/jretrieve-bm25bench.XXXXXX)}
mkdir -p "$W"
PY=/usr/bin/python3
echo "workdir $W" >&2
go build -o "$W/bm25bench" ./bench/bm25bench
[ -f "$W/corpus.tsv" ] || "$W/bm25bench" gen -dir "$W"

echo "== jretrieve" >&2
"$W/bm25bench" run -dir "$W" | tee "$W/jretrieve.json"

echo "== sqlite fts5" >&2
rm -f "$W/fts5.db"
cat > "$W/build.sql" <<SQL
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, body);
.mode tabs
.import $W/corpus.tsv docs
SQL
t0=$(date +%s.%N)
sqlite3 "$W/fts5.db" < "$W/build.sql"
t1=$(date +%s.%N)
for set in content raw; do
  awk '{ q=""; for (i=1;i<=NF;i++) q = q (i>1?" OR ":"") "\"" $i "\""; printf "SELECT id FROM docs WHERE docs MATCH '"'"'%s'"'"' ORDER BY rank LIMIT 10;\n", q }' \
    "$W/queries_$set.txt" > "$W/fts5_$set.sql"
done
declare -A FQ
for set in content raw; do
  s=$(date +%s.%N)
  sqlite3 "$W/fts5.db" < "$W/fts5_$set.sql" > "$W/fts5_$set.out"
  e=$(date +%s.%N)
  FQ[$set]=$(printf '%.3f' "$(echo "$(wc -l < "$W/queries_$set.txt") / ($e - $s)" | bc -l)")
done
echo "{\"system\":\"sqlite $(sqlite3 --version | cut -d' ' -f1) fts5\",\"build_s\":$(printf '%.3f' "$(echo "$t1 - $t0" | bc -l)"),\"qps\":{\"content\":${FQ[content]},\"raw\":${FQ[raw]}}}" | tee "$W/fts5.json"

echo "== xapian" >&2
$PY bench/bm25_xapian.py "$W" | tee "$W/xapian.json"

echo "== numpy reference" >&2
$PY bench/bm25_ref.py "$W" | tee "$W/ref.json"

$PY - "$W" <<'PYEOF'
import json, sys
w = sys.argv[1]
j = {n: json.load(open(f"{w}/{n}.json")) for n in ("jretrieve", "fts5", "xapian", "ref")}
print()
print(f"{'system':34} {'build s':>8} {'content q/s':>12} {'raw q/s':>10}")
for n in ("jretrieve", "fts5", "xapian", "ref"):
    r = j[n]
    b = f"{r['build_s']:.2f}" if "build_s" in r else "-"
    print(f"{r['system']:34} {b:>8} {r['qps']['content']:12.1f} {r['qps']['raw']:10.1f}")
jr, x, f = j["jretrieve"], j["xapian"], j["fts5"]
for s in ("content", "raw"):
    print(f"{s}: jretrieve/xapian = {jr['qps'][s]/x['qps'][s]:.2f}x (target >= 3), "
          f"jretrieve/fts5 = {jr['qps'][s]/f['qps'][s]:.1f}x, match fraction {jr['match_fraction'][s]:.3f}, "
          f"top-10 identical to exhaustive: {jr['top10_identical_to_exhaustive'][s]}/1000 (Go), "
          f"{j['ref']['top10_identical'][s]}/1000 (+{j['ref']['top10_differ_only_in_ties'][s]} tie-only) (numpy)")
print(f"build: jretrieve {jr['build_s']:.2f}s vs fts5 {f['build_s']:.2f}s = {f['build_s']/jr['build_s']:.2f}x faster (target >= 1)")
print(jr.get("note", ""))
PYEOF
