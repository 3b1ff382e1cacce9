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
# wall and CPU (user+sys of the child, from bash's time) seconds
cpu_of() { local TIMEFORMAT='%U %S'; { time "$@" > /dev/null 2>>"$W/stderr.log"; } 2>&1 | awk '{print $1+$2}'; }
t0=$(date +%s.%N)
BCPU=$(cpu_of sqlite3 "$W/fts5.db" -init "$W/build.sql" ".quit")
t1=$(date +%s.%N)
for set in content raw; do
  awk '{ q=""; for (i=1;i<=NF;i++) q = q (i>1?" OR ":"") "\"" $i "\""; printf "SELECT id FROM docs WHERE docs MATCH '"'"'%s'"'"' ORDER BY rank LIMIT 10;\n", q }' \
    "$W/queries_$set.txt" > "$W/fts5_$set.sql"
done
declare -A FQ FC
for set in content raw; do
  n=$(wc -l < "$W/queries_$set.txt")
  s=$(date +%s.%N)
  c=$(cpu_of sqlite3 "$W/fts5.db" -init "$W/fts5_$set.sql" ".quit")
  e=$(date +%s.%N)
  FQ[$set]=$(printf '%.3f' "$(echo "$n / ($e - $s)" | bc -l)")
  FC[$set]=$(printf '%.3f' "$(echo "$n / $c" | bc -l)")
done
echo "{\"system\":\"sqlite $(sqlite3 --version | cut -d' ' -f1) fts5\",\"build_s\":$(printf '%.3f' "$(echo "$t1 - $t0" | bc -l)"),\"build_cpu_s\":$BCPU,\"qps\":{\"content\":${FQ[content]},\"raw\":${FQ[raw]}},\"qps_cpu\":{\"content\":${FC[content]},\"raw\":${FC[raw]}}}" | tee "$W/fts5.json"

echo "== xapian" >&2
$PY bench/bm25_xapian.py "$W" | tee "$W/xapian.json"

echo "== numpy reference" >&2
$PY bench/bm25_ref.py "$W" | tee "$W/ref.json"

$PY - "$W" <<'PYEOF'
import json, sys
w = sys.argv[1]
j = {n: json.load(open(f"{w}/{n}.json")) for n in ("jretrieve", "fts5", "xapian", "ref")}
print()
print("wall = elapsed time; cpu = user+sys CPU seconds of the process (robust on a loaded machine)")
print(f"{'system':28} {'build s':>8} {'build cpu':>9} {'content q/s':>12} {'(cpu)':>9} {'raw q/s':>9} {'(cpu)':>9}")
for n in ("jretrieve", "fts5", "xapian", "ref"):
    r = j[n]
    b = f"{r['build_s']:.2f}" if "build_s" in r else "-"
    bc = f"{r['build_cpu_s']:.2f}" if "build_cpu_s" in r else "-"
    print(f"{r['system']:28} {b:>8} {bc:>9} {r['qps']['content']:12.1f} {r['qps_cpu']['content']:9.1f} {r['qps']['raw']:9.1f} {r['qps_cpu']['raw']:9.1f}")
jr, x, f = j["jretrieve"], j["xapian"], j["fts5"]
for s in ("content", "raw"):
    print(f"{s}: jretrieve/xapian = {jr['qps'][s]/x['qps'][s]:.2f}x wall, {jr['qps_cpu'][s]/x['qps_cpu'][s]:.2f}x cpu (target >= 3); "
          f"jretrieve/fts5 = {jr['qps'][s]/f['qps'][s]:.1f}x wall, {jr['qps_cpu'][s]/f['qps_cpu'][s]:.1f}x cpu; match fraction {jr['match_fraction'][s]:.3f}; "
          f"top-10 identical to exhaustive: {jr['top10_identical_to_exhaustive'][s]}/1000 (Go), "
          f"{j['ref']['top10_identical'][s]}/1000 (+{j['ref']['top10_differ_only_in_ties'][s]} tie-only) (numpy)")
print(f"build: jretrieve {jr['build_s']:.2f}s wall / {jr['build_cpu_s']:.2f}s cpu vs fts5 {f['build_s']:.2f}s / {f['build_cpu_s']:.2f}s: "
      f"{f['build_s']/jr['build_s']:.2f}x wall, {f['build_cpu_s']/jr['build_cpu_s']:.2f}x cpu faster (target >= 1)")
print(jr.get("note", ""))
PYEOF
