#!/usr/bin/env bash
# Cold start of the commands that segment Japanese (issue 15 item 16):
# wall time and peak RSS of one short sentence through `jretrieve analyze`
# (uni, ipa, uni -base) and of `jretrieve search` on a BM25 index of
# examples/rag/docs, against `mecab -Owakati` (ipadic-utf8 and unidic) in
# the same run. Each command is a new process; the median of N runs is
# reported, plus the very first run of each dictionary, which builds the
# dictionary image into an empty cache ($JRETRIEVE_CACHE=$W/cache).
#
# With --base REV, the jretrieve of git revision REV is built and measured
# in the same run (e.g. --base 5633e20, before dictionary images).
#
# The page cache of each freshly linked binary is dropped first (dd
# oflag=nocache): pages written by the linker sit in the page cache as
# large folios that the kernel maps whole, which adds ~15 MB of RSS to a
# just-built binary and not to an installed one after a reboot.
# Usage: bench/coldstart.sh [--base REV] [--runs N] [workdir]
set -euo pipefail
cd "$(dirname "$0")/.."
BASE= RUNS=15
while [ $# -gt 0 ]; do
  case $1 in
    --base) BASE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) break ;;
  esac
done
W=${1:-$(mktemp -d /tmp/jretrieve-coldstart.XXXXXX)}
mkdir -p "$W"
go build -o "$W/jretrieve" ./cmd/jretrieve
BINS=(jretrieve)
if [ -n "$BASE" ]; then
  rm -rf "$W/base-src"
  git worktree add -q --detach "$W/base-src" "$BASE"
  (cd "$W/base-src" && go build -o "$W/jretrieve-base" ./cmd/jretrieve)
  git worktree remove --force "$W/base-src"
  BINS+=(jretrieve-base)
fi
for b in "${BINS[@]}"; do dd of="$W/$b" oflag=nocache conv=notrunc,fdatasync count=0 status=none; done
export JRETRIEVE_CACHE=$W/cache
rm -rf "$W/cache" "$W/idx"
SENT='東京都に住んでいます'
Q='富士山の高さは？'
declare -A DICDIR=([ipa]=/var/lib/mecab/dic/ipadic-utf8 [uni]=/var/lib/mecab/dic/unidic)

# measure NAME cmd...: one run, stdin = $SENT; appends "wall_ms rss_kb".
measure() {
  local name=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  printf '%s\n' "$SENT" | /usr/bin/time -f '%M' -o "$W/time.out" "$@" > /dev/null 2>> "$W/stderr.log"
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000 )) $(tail -1 "$W/time.out")" >> "$W/$name.runs"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '# bench/coldstart.sh, %s, %s, load %s\n' "$(date -u +%FT%H:%MZ)" "$(nproc)-core machine (shared)" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "# one sentence ($SENT) per process; jretrieve cache: empty at the start"
echo
echo "first run (builds the dictionary image into the empty cache):"
for d in uni ipa; do
  rm -f "$W/first-$d.runs"
  measure first-$d "$W/jretrieve" analyze -dict $d
  read -r us kb < "$W/first-$d.runs"
  printf '  jretrieve analyze -dict %s   %8.3f s %8.1f MB\n' $d "$(echo "$us/1000000" | bc -l)" "$(echo "$kb/1024" | bc -l)"
done
rm -f "$W/first-base.runs"
measure first-base "$W/jretrieve" analyze -dict uni -base
read -r us kb < "$W/first-base.runs"
printf '  jretrieve analyze -dict uni -base (base-form image) %8.3f s %8.1f MB\n' "$(echo "$us/1000000" | bc -l)" "$(echo "$kb/1024" | bc -l)"
"$W/jretrieve" index --model bm25 --out "$W/idx" examples/rag/docs > /dev/null 2>> "$W/stderr.log"
echo "image files: $(ls "$W/cache/analysis" | tr '\n' ' ')"
echo "image sizes (MB): $(du -m "$W/cache/analysis"/* | awk '{printf "%s ", $1}')"
echo

declare -a NAMES CMDS
add() { NAMES+=("$1"); shift; CMDS+=("$*"); }
add "mecab ipadic-utf8" mecab -d "${DICDIR[ipa]}" -Owakati
add "mecab unidic" mecab -d "${DICDIR[uni]}" -Owakati
for b in "${BINS[@]}"; do
  add "$b analyze -dict ipa" "$W/$b" analyze -dict ipa
  add "$b analyze -dict uni" "$W/$b" analyze -dict uni
  add "$b analyze -dict uni -base" "$W/$b" analyze -dict uni -base
  add "$b search (bm25, uni)" "$W/$b" search --index "$W/idx" -k 5 "$Q"
done
for i in "${!NAMES[@]}"; do rm -f "$W/r$i.runs"; done
# Interleave the commands so that load changes hit all of them alike.
for ((r = 0; r < RUNS; r++)); do
  for i in "${!NAMES[@]}"; do
    # shellcheck disable=SC2086
    measure r$i ${CMDS[$i]}
  done
done
printf '%-36s %10s %10s %12s %10s\n' command wall_ms rss_MB wall/mecab rss/mecab
declare -A MW MR
for i in "${!NAMES[@]}"; do
  w=$(awk '{print $1}' "$W/r$i.runs" | median)
  m=$(awk '{print $2}' "$W/r$i.runs" | median)
  MW[$i]=$w MR[$i]=$m
done
for i in "${!NAMES[@]}"; do
  ref=0  # mecab with the matching dictionary
  case ${NAMES[$i]} in *uni*|*search*) ref=1 ;; esac
  printf '%-36s %10.1f %10.1f %12.2f %10.2f\n' "${NAMES[$i]}" "$(echo "${MW[$i]}/1000" | bc -l)" "$(echo "${MR[$i]}/1024" | bc -l)" \
    "$(echo "${MW[$i]}/${MW[$ref]}" | bc -l)" "$(echo "${MR[$i]}/${MR[$ref]}" | bc -l)"
done
echo "(median of $RUNS runs; wall includes fork/exec and /usr/bin/time; mecab ratios against the same dictionary family, search against mecab unidic)"
echo "goal (issue 15 item 16): analyze and search within 5x of mecab's wall time (~0.1 s) and under 60 MB"
