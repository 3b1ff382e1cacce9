#!/usr/bin/env bash
# Long inputs (issue 15 item 17): wall time and peak RSS of
#   - `jretrieve analyze` (uni, ipa) on ONE line of ~6.6 MB (manpages-ja
#     prose joined without separators; analysis/testdata/prose.txt repeated
#     without manpages-ja),
#   - `jretrieve tokenize --max-length 512` of the same line with a MeCab
#     tokenizer (tokenizer/testdata/line-like: MeCab unidic_lite +
#     SentencePiece; and bert-base-japanese-v3, MeCab + WordPiece, when
#     ../shared is present), where only what 512 tokens consume is segmented,
#   - `jretrieve eval --model bm25 --model bm25-ipa` on a one-question
#     dataset whose first passage has 2,000,000 characters (BM25 needs all
#     of its words: bounded-memory segmentation, no truncation),
# and `mecab -Owakati` on the same line for reference (mecab caps its input
# buffer at 5,242,880 bytes, MAX_INPUT_BUFFER_SIZE, whatever -b says: it
# splits a longer line, warns and exits non-zero, so its output is compared
# only when the line fits). With --base REV the
# jretrieve of git revision REV is measured in the same run and the outputs
# are compared byte for byte (they must be identical).
# Usage: bench/longinput.sh [--base REV] [--mb 6.6] [workdir]
set -euo pipefail
cd "$(dirname "$0")/.."
BASE= MB=6.6
while [ $# -gt 0 ]; do
  case $1 in
    --base) BASE=$2; shift 2 ;;
    --mb) MB=$2; shift 2 ;;
    *) break ;;
  esac
done
W=${1:-$(mktemp -d /tmp/jretrieve-longinput.XXXXXX)}
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
export JRETRIEVE_CACHE=$W/cache
go run ./bench/analysisbench -max-mb "$MB" -out "$W/corpus.txt" -eval-dataset "$W/ds.jsonl" -passage-chars 2000000 2>/dev/null
{ tr -d '\n' < "$W/corpus.txt"; echo; } > "$W/line.txt"
BYTES=$(stat -c %s "$W/line.txt")
CHARS=$(wc -m < "$W/line.txt")
# Build the dictionary images outside the measurements.
for b in "${BINS[@]}"; do for d in uni ipa; do echo 東京 | "$W/$b" analyze -dict $d > /dev/null; done; done
MODELS=(tokenizer/testdata/line-like)
SHARED=../shared/reference/tokenizers/bert-base-japanese-v3
[ -f "$SHARED/vocab.txt" ] && MODELS+=("$SHARED")

# run NAME OUT cmd...: stdin = the line; prints wall s and peak RSS MB.
run() {
  local name=$1 out=$2; shift 2
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$W/time.out" "$@" < "$W/line.txt" > "$out" 2>> "$W/stderr.log" || echo "($name failed, see $W/stderr.log)"
  t1=$(date +%s%N)
  printf '%-58s %9.2f %10.1f\n' "$name" "$(echo "($t1 - $t0)/1000000000" | bc -l)" "$(echo "$(tail -1 "$W/time.out")/1024" | bc -l)"
}
printf '# bench/longinput.sh, %s, %s, load %s\n' "$(date -u +%FT%H:%MZ)" "$(nproc)-core machine (shared)" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "# input: one line of $BYTES bytes, $CHARS characters"
printf '%-58s %9s %10s\n' command wall_s rss_MB
run "mecab -d ipadic-utf8 -Owakati -b 5242880" "$W/mecab.ipa" mecab -d /var/lib/mecab/dic/ipadic-utf8 -Owakati -b 5242880
run "mecab -d unidic -Owakati -b 5242880" "$W/mecab.uni" mecab -d /var/lib/mecab/dic/unidic -Owakati -b 5242880
for b in "${BINS[@]}"; do
  for d in uni ipa; do
    run "$b analyze -dict $d" "$W/$b.analyze.$d" "$W/$b" analyze -dict $d
  done
  rm -rf "$W/evout-$b"
  run "$b eval --model bm25 --model bm25-ipa (2M-char passage)" "$W/$b.eval" "$W/$b" eval -q --dataset "$W/ds.jsonl" --model bm25 --model bm25-ipa --no-plots --cache "" --out "$W/evout-$b"
  for m in "${MODELS[@]}"; do
    run "$b tokenize --max-length 512 $(basename "$m")" "$W/$b.tok.$(basename "$m")" "$W/$b" tokenize --model "$m" --max-length 512
  done
done
if [ -n "$BASE" ]; then
  for f in analyze.uni analyze.ipa eval $(for m in "${MODELS[@]}"; do echo "tok.$(basename "$m")"; done); do
    if cmp -s "$W/jretrieve.$f" "$W/jretrieve-base.$f"; then echo "$f: output identical to $BASE"; else echo "$f: OUTPUT DIFFERS from $BASE"; fi
  done
fi
if [ "$BYTES" -le 5242880 ]; then
  echo "jretrieve analyze -dict ipa vs mecab ipadic-utf8 on the line: $(cmp -s "$W/jretrieve.analyze.ipa" "$W/mecab.ipa" && echo identical || echo differs)"
else
  echo "(line longer than mecab's 5,242,880-byte input buffer: mecab split it, outputs not compared)"
fi
