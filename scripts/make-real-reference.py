#!/usr/bin/env python3
"""Write reference.json next to a real exported model for jretrieve's
env-gated tests (JRETRIEVE_REAL_MODELS=DIR go test ./embed ./rerank).

Needs sentence-transformers (not available on the build machine; run it
wherever the model was exported):

    python3 scripts/make-real-reference.py embed  MODEL_ID_OR_DIR OUTDIR/model
    python3 scripts/make-real-reference.py rerank MODEL_ID_OR_DIR OUTDIR/model

OUTDIR/model must be the ONNX export of the same model (Optimum), with the
sentence-transformers files copied beside it.
"""
import json
import sys

TEXTS = ["日本の首都は東京です。", "瑠璃色はどんな色？", "吾輩は猫である。名前はまだ無い。",
         "Retrieval-augmented generation combines search with LLMs."]
QUERY = "日本の首都はどこ？"


def main(kind, model, out):
    items = []
    if kind == "embed":
        from sentence_transformers import SentenceTransformer
        m = SentenceTransformer(model, device="cpu")
        for k in ("query", "document"):
            prompt = (m.prompts or {}).get(k) or (m.prompts or {}).get("passage" if k == "document" else k)
            v = m.encode(TEXTS, prompt=prompt, normalize_embeddings=True)
            items += [{"kind": k, "text": t, "normalized": [float(x) for x in row]} for t, row in zip(TEXTS, v)]
        ref = {"max_seq_length": m.max_seq_length, "items": items}
    else:
        from sentence_transformers import CrossEncoder
        m = CrossEncoder(model, device="cpu", max_length=512)
        scores = m.predict([[QUERY, t] for t in TEXTS])
        items = [{"query": QUERY, "document": t, "score": float(s)} for t, s in zip(TEXTS, scores)]
        ref = {"max_length": 512, "items": items}
    with open(out + "/reference.json", "w", encoding="utf-8") as f:
        json.dump(ref, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:4])
