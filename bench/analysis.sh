#!/usr/bin/env bash
# Tokenisation throughput of `jretrieve analyze` (one worker) against the
# mecab CLI on the same Japanese prose (manpages-ja, ~9 MB), same run, for
# IPADIC (mecab-ipadic-utf8 vs kagome ipa) and UniDic (unidic-mecab 3.1.1
# vs kagome uni 2.1.2). Start-up (dictionary loading) is measured on empty
# input and reported separately. Also checks that the ipa output is
# identical to mecab's, line by line.
# Usage: bench/analysis.sh [workdir]
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-$(mktemp -d /tmp/jretrieve-anabench.XXXXXX)}
mkdir -p "$W"
go build -o "$W/jretrieve" ./cmd/jretrieve
go run ./bench/analysisbench -out "$W/corpus.txt"
MB=$(echo "$(stat -c %s "$W/corpus.txt") / 1000000" | bc -l)
now() { date +%s.%N; }
timeit() { # cmd... ; prints seconds
  local s e; s=$(now); "$@" < "$IN" > "$OUT"; e=$(now); echo "$e - $s" | bc -l
}
declare -A DICDIR=([ipa]=/var/lib/mecab/dic/ipadic-utf8 [uni]=/var/lib/mecab/dic/unidic)
printf '%-6s %-10s %9s %9s %9s\n' dict tool total_s startup_s MB/s
for d in ipa uni; do
  for tool in mecab jretrieve; do
    if [ $tool = mecab ]; then cmd=(mecab -d "${DICDIR[$d]}" -Owakati -b 1048576); else cmd=("$W/jretrieve" analyze -dict $d -j 1); fi
    IN=/dev/null OUT=/dev/null; st=$(timeit "${cmd[@]}")
    IN=$W/corpus.txt OUT=$W/$tool.$d; tt=$(timeit "${cmd[@]}")
    printf '%-6s %-10s %9.2f %9.2f %9.2f\n' $d $tool "$tt" "$st" "$(echo "$MB / ($tt - $st)" | bc -l)"
    eval "T_${tool}_$d=$tt S_${tool}_$d=$st"
  done
done
for d in ipa uni; do
  eval "tm=\$T_mecab_$d sm=\$S_mecab_$d tj=\$T_jretrieve_$d sj=\$S_jretrieve_$d"
  printf '%s: jretrieve/mecab throughput = %.2fx excluding start-up, %.2fx including (target >= 0.5x); %.1f MB\n' \
    $d "$(echo "($tm - $sm) / ($tj - $sj)" | bc -l)" "$(echo "$tm / $tj" | bc -l)" "$MB"
done
lines=$(wc -l < "$W/corpus.txt")
diffs=$(diff "$W/mecab.ipa" "$W/jretrieve.ipa" | grep -c '^<' || true)
echo "ipa: $diffs of $lines lines differ from mecab + mecab-ipadic-utf8"
