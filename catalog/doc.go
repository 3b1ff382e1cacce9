// Package catalog lists the Japanese embedders, multi-vector models and
// cross-encoders that jretrieve knows, as data: architecture, tokenizer
// family, pooling, query/document prefixes, output size, maximum length,
// license, published JQaRA / JaCWIR / JMTEB scores, where an ONNX graph
// comes from, and whether the model can run yet (and why not).
//
//	m, ok := catalog.Lookup("ruri-v3-30m") // or "cl-nagoya/ruri-v3-30m"
//	for _, m := range catalog.All() { ... }
//
// The entries were transcribed from the project's catalog research
// (../shared/specs/model-catalog.md and .json); the tests check them
// against that file when it is present. Facts the research marked as
// inferred ([I]) or unknown ([?]) are listed, by their JSON path, in
// Model.Inferred and Model.Unknown: treat them as hypotheses (pooling modes
// and tokenizer details of several models are among them).
//
// # Getting an ONNX graph
//
// Model.Converted reports the models whose graph jretrieve builds itself
// from the checkpoint on the Hub (package onnx/convert: BERT, DistilBERT,
// XLM-RoBERTa, ModernBERT, LUKE, Llama (Sarashina) and the JaColBERT
// HF_ColBERT checkpoints):
// they run by name, converted once on first use. The rest of this section
// describes the alternative, and the only route for the others.
//
// None of the catalog's repositories was seen to ship an onnx/ folder, so
// without conversion almost every model needs a one-time export with Hugging Face Optimum
// (Python: pip install "optimum[exporters]" transformers; the MeCab-based
// tokenizers also need pip install fugashi unidic-lite because the export
// saves the tokenizer). The exported directory (model.onnx plus
// config.json and the tokenizer files) is what jretrieve loads. jretrieve
// pools and normalizes itself, so export the bare transformer
// (--library-name transformers), not the sentence-transformers pipeline.
// Model.ONNX.Export holds the exact command of each model; per family:
//
// Embedders: BERT (Ruri v1/v2 base/large, SimCSE-ja, fio), DistilBERT
// (Ruri small), ModernBERT (Ruri v3, AMBER; needs transformers >= 4.48 and
// an optimum release that knows ModernBERT, unverified), Llama (Sarashina):
//
//	optimum-cli export onnx --model cl-nagoya/ruri-base --task feature-extraction --library-name transformers --opset 17 ruri-base-onnx/
//
// Ruri small (v1/v2) and the small Ruri rerankers load the LINE DistilBERT
// tokenizer from remote code: add --trust-remote-code.
//
//	optimum-cli export onnx --model cl-nagoya/ruri-small --task feature-extraction --library-name transformers --opset 17 --trust-remote-code ruri-small-onnx/
//
// Cross-encoders: BERT / DistilBERT (Ruri reranker, hotchpotch base/large),
// ModernBERT (ruri-v3-reranker-310m), XLM-RoBERTa (hotchpotch xsmall/small,
// japanese-bge-reranker-v2-m3):
//
//	optimum-cli export onnx --model hotchpotch/japanese-reranker-cross-encoder-xsmall-v1 --task text-classification --library-name transformers --opset 17 japanese-reranker-cross-encoder-xsmall-v1-onnx/
//
// LUKE (GLuCoSE-base-ja and v2): Optimum has no LUKE exporter, so the
// command is a torch.onnx.export one-liner that feeds input_ids and
// attention_mask only (entity inputs are unused for plain text) and saves
// the tokenizer and config next to model.onnx (see Model.ONNX.Export).
//
// No route yet (Support Unsupported): RoSEtta and PLaMo-Embedding-1B
// use custom modeling code (trust_remote_code) that Optimum cannot export,
// PLaMo also a custom tokenizer; JaColBERT needs its 768->128 ColBERT
// projection inside the graph, which a plain BertModel export drops.
//
// ruri-v3-30m also has a third-party conversion (Teradata/ruri-v3-30m,
// Model.ONNX.Repo), recorded as unverified.
package catalog
