#!/usr/bin/env python3
"""Transcribe ../shared/specs/model-catalog.json into catalog/models_data.go.

Used once to write the first version of models_data.go; the Go file is the
source of truth afterwards and catalog_test.go checks it against the JSON
whenever ../shared is present. The curated judgements that the JSON does not
hold (architecture and tokenizer family, pooling mode, ONNX route, support
level and reason) are in CURATED below.

Usage: python3 catalog/testdata/transcribe.py ../shared/specs/model-catalog.json > catalog/models_data.go
"""
import json
import re
import sys

# Export commands, per (kind, needs remote code). Optimum writes model.onnx
# next to config.json and the tokenizer files. --library-name transformers
# keeps the raw last_hidden_state output: jretrieve pools itself.
EXPORT_EMB = "optimum-cli export onnx --model {id} --task feature-extraction --library-name transformers --opset 17{trust} {short}-onnx/"
EXPORT_CE = "optimum-cli export onnx --model {id} --task text-classification --library-name transformers --opset 17{trust} {short}-onnx/"
EXPORT_LUKE = (
    "python3 -c \"import torch; from transformers import AutoModel, AutoTokenizer; "
    "m = AutoModel.from_pretrained('{id}').eval(); "
    "AutoTokenizer.from_pretrained('{id}').save_pretrained('{short}-onnx'); m.config.save_pretrained('{short}-onnx'); "
    "x = torch.ones(1, 8, dtype=torch.long); "
    "torch.onnx.export(m, (x, x), '{short}-onnx/model.onnx', input_names=['input_ids', 'attention_mask'], "
    "output_names=['last_hidden_state'], dynamic_axes={{n: {{0: 'batch', 1: 'sequence'}} for n in ['input_ids', 'attention_mask', 'last_hidden_state']}}, opset_version=17)\""
)

NEEDS_EXPORT = "no ONNX file in the repository: export it with the command in ONNX.Export and pass the directory"

CURATED = {
    # id: dict(arch, tok, pool, support, reason, onnx source, extra inferred keys, ...)
}


def arch_of(m):
    a = m["architecture"]["value"]
    if "ModernBERT" in a or "ModernBert" in a:
        return "ArchModernBERT"
    if "DistilBert" in a or "DistilBERT" in a:
        return "ArchDistilBERT"
    if "XLMRoberta" in a:
        return "ArchXLMRoberta"
    if "LUKE" in a:
        return "ArchLUKE"
    if "retrieva-bert" in a:
        return "ArchRetrievaBERT"
    if "Llama" in a:
        return "ArchLlama"
    if "Plamo" in a:
        return "ArchPLaMo"
    if "BERT" in a or "Bert" in a:
        return "ArchBERT"
    raise SystemExit("unknown architecture " + a)


def tok_of(m, arch):
    t = m["tokenizer"]
    needs_mecab = t["needs_mecab"]["value"] is True
    if arch == "ArchPLaMo":
        return "TokCustom", True
    if needs_mecab:
        if "DistilBert" in t["cls"]["value"]:
            return "TokDistilBertJapanese", t["cls"]["status"] != "confirmed" and t["needs_mecab"]["status"] != "confirmed"
        return "TokBertJapanese", t["needs_mecab"]["status"] != "confirmed"
    if t["has_tokenizer_json"]["value"] is True:
        return "TokTokenizerJSON", t["has_tokenizer_json"]["status"] != "confirmed"
    return "TokSentencePiece", t["cls"]["status"] != "confirmed"


def first_int(v):
    if isinstance(v, int):
        return v
    if not isinstance(v, str):
        return 0
    mm = re.search(r"\d[\d,]*", v)
    if not mm:
        return 0
    return int(mm.group(0).replace(",", ""))


def pool_of(m):
    if m["group"] == "cross-encoder":
        return "PoolNone"
    p = m["pooling"]["value"].lower()
    if p.startswith("none (per-token"):
        return "PoolTokens"
    if p.startswith("cls"):
        return "PoolCLS"
    if p.startswith("last token"):
        return "PoolLastToken"
    if "mean" in p:
        return "PoolMean"
    raise SystemExit("pooling " + p)


def go_str(s):
    return json.dumps(s, ensure_ascii=False)


def status_paths(m):
    inferred, unknown = [], []

    def walk(prefix, node):
        if isinstance(node, dict) and "status" in node and "value" in node:
            if node["status"] == "inferred":
                inferred.append(prefix)
            elif node["status"] == "unknown":
                unknown.append(prefix)
            return
        if isinstance(node, dict):
            for k, v in node.items():
                walk(prefix + "." + k if prefix else k, v)

    for k, v in m.items():
        if k in ("id", "group", "family", "notes"):
            continue
        walk(k, v)
    return sorted(inferred), sorted(unknown)


def scores_of(m):
    s = m["scores"]
    out = {}
    other = {}
    for k, node in s.items():
        v = node["value"]
        if v is None:
            continue
        if k == "jqara":
            out["JQaRANDCG10"] = v["ndcg@10"]
            out["JQaRAMRR10"] = v["mrr@10"]
        elif k == "jacwir":
            out["JaCWIRMAP10"] = v["map@10"]
            out["JaCWIRHit10"] = v["hit_rate@10"]
        elif k == "jmteb_v1":
            out["JMTEBAvg"] = v["avg"]
            out["JMTEBRetrieval"] = v["retrieval"]
            out["JMTEBReranking"] = v["reranking"]
        elif k == "jmteb_avg":
            out["JMTEBAvg"] = float(v)
        elif isinstance(v, dict):
            for kk, vv in v.items():
                other[k + "/" + kk] = vv
        else:
            other[k] = v
    parts = ["%s: %r" % (k, v) for k, v in out.items()]
    if other:
        parts.append("Other: map[string]float64{" + ", ".join("%s: %r" % (go_str(k), v) for k, v in sorted(other.items())) + "}")
    return "Scores{" + ", ".join(parts) + "}"


def main():
    d = json.load(open(sys.argv[1]))
    w = sys.stdout.write
    w("// Code transcribed from ../shared/specs/model-catalog.json by testdata/transcribe.py,\n")
    w("// then maintained by hand. catalog_test.go checks it against the JSON.\n\n")
    w("package catalog\n\nvar models = []Model{\n")
    for m in d["models"]:
        mid = m["id"]
        short = mid.split("/")[-1]
        kind = {"embedder": "Embedder", "cross-encoder": "CrossEncoder", "multi-vector": "MultiVector"}[m["group"]]
        arch = arch_of(m)
        tok, tok_inferred = tok_of(m, arch)
        pool = pool_of(m)
        inferred, unknown = status_paths(m)
        if tok_inferred:
            inferred.append("tokenizer.family")
        hidden = first_int(m["hidden_size"]["value"])
        dims = hidden
        if kind == "MultiVector":
            dims = 128
        if kind == "CrossEncoder":
            dims = 0
        maxlen = m["max_seq_length"]["value"]
        if kind == "CrossEncoder" and isinstance(m["cross_encoder"]["max_length"]["value"], int):
            maxlen = m["cross_encoder"]["max_length"]["value"]
        maxlen = first_int(maxlen) if not (isinstance(maxlen, str) and maxlen.startswith("trained at")) else 512
        t = m["tokenizer"]
        trust = arch in ("ArchRetrievaBERT", "ArchPLaMo") or tok == "TokDistilBertJapanese"
        lic = m["license"]["value"]
        noncommercial = "non-commercial" in lic.lower() or "noncommercial" in lic.lower()
        rev = m.get("revision", {}).get("value", "") or ""
        rev = rev.split(" ")[0]

        # ONNX route and support level.
        community = m["onnx"]["community"]["value"] or []
        onnx_src, onnx_repo, onnx_file, export = "ONNXExport", "", "", ""
        support, reason = "NeedsExport", NEEDS_EXPORT
        tflag = " --trust-remote-code" if trust else ""
        if kind == "CrossEncoder":
            export = EXPORT_CE.format(id=mid, short=short, trust=tflag)
        else:
            export = EXPORT_EMB.format(id=mid, short=short, trust=tflag)
        if arch == "ArchModernBERT":
            inferred.append("onnx.export")
            reason = NEEDS_EXPORT + " (ModernBERT export needs transformers >= 4.48 and an optimum release that knows ModernBERT (unverified))"
        if tok in ("TokBertJapanese", "TokDistilBertJapanese"):
            reason += "; the export loads the MeCab tokenizer: pip install fugashi unidic-lite"
        if mid == "cl-nagoya/ruri-v3-30m":
            onnx_src, onnx_repo, onnx_file = "ONNXConversion", "Teradata/ruri-v3-30m", "onnx/model.onnx"
            inferred.append("onnx.conversion")
            reason = "no ONNX file in the repository: use the conversion in ONNX.Repo (unverified) or export with ONNX.Export"
        if arch == "ArchLUKE":
            export = EXPORT_LUKE.format(id=mid, short=short)
            inferred.append("onnx.export")
            reason = "no ONNX file and Optimum has no LUKE exporter: run the torch.onnx script in ONNX.Export (feeds input_ids and attention_mask only; entity inputs unused)"
        if arch == "ArchRetrievaBERT":
            onnx_src, export, support = "ONNXNone", "", "Unsupported"
            reason = "custom modeling code (retrieva-bert, trust_remote_code) that Optimum cannot export, and pooling unverified"
        if arch == "ArchPLaMo":
            onnx_src, export, support = "ONNXNone", "", "Unsupported"
            reason = "custom model and tokenizer code (trust_remote_code), query instruction tokens excluded from mean pooling: no ONNX route and no Go tokenizer"
        if kind == "MultiVector":
            onnx_src, export, support = "ONNXNone", "", "Unsupported"
            reason = "ColBERT checkpoint: the ONNX graph must include the 768->128 projection, which a plain BertModel export drops; no export recipe yet"
        if mid.startswith("retrieva-jp/amber"):
            reason = NEEDS_EXPORT + " (ModernBERT export needs an optimum release that knows ModernBERT, unverified); the Japanese prompts are read from config_sentence_transformers.json (unverified)"
        if mid.startswith("sbintuitions/sarashina"):
            reason = NEEDS_EXPORT + " (1.2B parameters: the export writes external data files; last-token pooling assumes the tokenizer appends EOS, unverified)"
            inferred.append("onnx.export")
        inferred = sorted(set(inferred))

        prefixes = m.get("prefixes", {}).get("value")
        qp = dp = ""
        prompts_in_model = False
        if isinstance(prefixes, dict):
            if "mechanism" in prefixes:
                prompts_in_model = True
            elif mid.startswith("pfnet/"):
                qp = "次の文章に対して、関連する文章を検索してください: "
            elif kind == "MultiVector":
                qp, dp = "[unused0]", "[unused1]"
            else:
                qp, dp = prefixes.get("query", ""), prefixes.get("document", "")

        ce = m.get("cross_encoder")
        fields = [
            ("ID", go_str(mid)), ("Kind", kind), ("Family", go_str(m["family"])), ("Arch", arch),
            ("Architecture", go_str(m["architecture"]["value"])), ("BaseModel", go_str(m["base_model"]["value"])),
            ("Params", go_str(m["params"]["value"])),
            ("Dims", str(dims)), ("HiddenSize", str(hidden)), ("Layers", str(first_int(m["layers"]["value"]))),
            ("MaxLength", str(maxlen)), ("Vocab", str(first_int(m["vocab_size"]["value"]))),
            ("Tokenizer", tok), ("TokenizerClass", go_str(t["cls"]["value"])),
            ("HasTokenizerJSON", "true" if t["has_tokenizer_json"]["value"] is True else "false"),
            ("NeedsMeCab", "true" if t["needs_mecab"]["value"] is True else "false"),
            ("LowerCase", "true" if t["do_lower_case"]["value"] is True else "false"),
            ("Pooling", pool), ("Normalize", "false" if kind == "CrossEncoder" else "true"),
            ("QueryPrefix", go_str(qp)), ("DocumentPrefix", go_str(dp)),
            ("PromptsInModel", "true" if prompts_in_model else "false"),
            ("NumLabels", str(ce["num_labels"]["value"]) if ce else "0"),
            ("Activation", go_str("sigmoid") if ce else '""'),
            ("License", go_str(lic)), ("NonCommercial", "true" if noncommercial else "false"),
            ("TrustRemoteCode", "true" if trust else "false"),
            ("Revision", go_str(rev)),
            ("WeightsDType", go_str(m.get("weights_dtype", {}).get("value", ""))),
            ("Library", go_str(m.get("library", {}).get("value", ""))),
            ("Scores", scores_of(m)),
            ("ONNX", "ONNX{Source: %s, Repo: %s, File: %s, Export: %s, Community: %s}" % (
                onnx_src, go_str(onnx_repo), go_str(onnx_file), go_str(export),
                "[]string{" + ", ".join(go_str(c) for c in community) + "}" if community else "nil")),
            ("Support", support), ("Reason", go_str(reason)),
            ("Inferred", "[]string{" + ", ".join(go_str(x) for x in inferred) + "}" if inferred else "nil"),
            ("Unknown", "[]string{" + ", ".join(go_str(x) for x in unknown) + "}" if unknown else "nil"),
            ("Notes", "[]string{" + ", ".join(go_str(x) for x in m["notes"]) + "}" if m["notes"] else "nil"),
        ]
        w("\t{\n")
        for k, v in fields:
            if v in ('""', "0", "false", "nil", "PoolNone") and k not in ("ID",):
                continue
            w("\t\t%s: %s,\n" % (k, v))
        w("\t},\n")
    w("}\n")


if __name__ == "__main__":
    main()
