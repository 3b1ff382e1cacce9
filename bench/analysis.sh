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
# timeit cmd...: prints "wall cpu" seconds (cpu = user+sys of the child,
# robust when the machine is shared)
timeit() {
  local TIMEFORMAT='%R %U %S'
  { time "$@" < "$IN" > "$OUT" 2>>"$W/stderr.log"; } 2>&1 | awk '{printf "%.3f %.3f\n", $1, $2+$3}'
}
declare -A DICDIR=([ipa]=/var/lib/mecab/dic/ipadic-utf8 [uni]=/var/lib/mecab/dic/unidic)
printf '%-5s %-10s %8s %8s %10s %10s %8s %8s\n' dict tool wall_s cpu_s startup_w startup_cpu MB/s MB/cpu-s
for d in ipa uni; do
  for tool in mecab jretrieve; do
    if [ $tool = mecab ]; then cmd=(mecab -d "${DICDIR[$d]}" -Owakati -b 1048576); else cmd=("$W/jretrieve" analyze -dict $d -j 1); fi
    IN=/dev/null OUT=/dev/null; read -r sw sc < <(timeit "${cmd[@]}")
    IN=$W/corpus.txt OUT=$W/$tool.$d; read -r tw tc < <(timeit "${cmd[@]}")
    printf '%-5s %-10s %8.2f %8.2f %10.2f %10.2f %8.2f %8.2f\n' $d $tool "$tw" "$tc" "$sw" "$sc" \
      "$(echo "$MB / ($tw - $sw)" | bc -l)" "$(echo "$MB / ($tc - $sc)" | bc -l)"
    eval "TW_${tool}_$d=$tw SW_${tool}_$d=$sw TC_${tool}_$d=$tc SC_${tool}_$d=$sc"
  done
done
for d in ipa uni; do
  eval "tm=\$TC_mecab_$d sm=\$SC_mecab_$d tj=\$TC_jretrieve_$d sj=\$SC_jretrieve_$d"
  eval "wtm=\$TW_mecab_$d wsm=\$SW_mecab_$d wtj=\$TW_jretrieve_$d wsj=\$SW_jretrieve_$d"
  printf '%s: jretrieve/mecab throughput (CPU time) = %.2fx excluding start-up, %.2fx including; wall: %.2fx / %.2fx (target >= 0.5x); %.1f MB\n' \
    $d "$(echo "($tm - $sm) / ($tj - $sj)" | bc -l)" "$(echo "$tm / $tj" | bc -l)" \
    "$(echo "($wtm - $wsm) / ($wtj - $wsj)" | bc -l)" "$(echo "$wtm / $wtj" | bc -l)" "$MB"
done
lines=$(wc -l < "$W/corpus.txt")
diffs=$(diff "$W/mecab.ipa" "$W/jretrieve.ipa" | grep -c '^<' || true)
echo "ipa: $diffs of $lines lines differ from mecab + mecab-ipadic-utf8"
