#!/usr/bin/env bash
# Installs the ONNX Runtime shared library (from the npm package onnxruntime-node)
# into jretrieve's cache: ${JRETRIEVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jretrieve}/onnxruntime/<version>/libonnxruntime.so
# The library is verified against a pinned sha256 before it is moved into place.
set -euo pipefail
VERSION="${ORT_NPM_VERSION:-1.26.0}"
CACHE="${JRETRIEVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jretrieve}"
DEST="$CACHE/onnxruntime/$VERSION"
LIB="$DEST/libonnxruntime.so"
# sha256 of package/bin/napi-v6/linux/x64/libonnxruntime.so.1 in each known onnxruntime-node
# release; another version needs ORT_SHA256.
case "$VERSION" in
1.26.0) known=57625571931dd813257ed422fe73ba2c25aadcc5640d9c6743e71540135c227e ;;
1.31.1) known=f19a4da48c4c65e0cdccff82354482f657fa91a3455b66174195b94ca55b0e6f ;;
*) known= ;;
esac
SHA256="${ORT_SHA256:-$known}"
[ -n "$SHA256" ] || { echo "install-onnxruntime: no pinned sha256 for onnxruntime-node@$VERSION: set ORT_SHA256" >&2; exit 1; }
if [ -f "$LIB" ] && [ "$(sha256sum "$LIB" | cut -d' ' -f1)" = "$SHA256" ]; then
  echo "$LIB"; exit 0
fi
command -v npm >/dev/null || { echo "install-onnxruntime: npm is required" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "onnxruntime-node@$VERSION" >/dev/null )
tar -xzf "$tmp"/onnxruntime-node-*.tgz -C "$tmp" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
got=$(sha256sum "$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" | cut -d' ' -f1)
if [ "$got" != "$SHA256" ]; then
  echo "install-onnxruntime: sha256 mismatch: got $got, want $SHA256" >&2; exit 1
fi
mkdir -p "$DEST"
cp "$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$LIB.tmp"
mv "$LIB.tmp" "$LIB"
echo "$LIB"
