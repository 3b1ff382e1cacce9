// Package embed turns Japanese text into dense vectors with bi-encoder models
// (Ruri, GLuCoSE, RoSEtta, AMBER, SimCSE-ja, ...), applying each model's own
// prefixes, pooling and normalization, and into per-token vectors for
// late-interaction models (JaColBERT).
//
// # Opening a model
//
//	emb, err := embed.Open(ctx, "path/to/exported-model")          // a directory
//	emb, err := embed.Open(ctx, "cl-nagoya/ruri-v3-30m")            // a catalog name
//	emb, err := embed.Open(ctx, dir, embed.WithBackend("go"))       // pure Go (import onnx/gobackend)
//
// A model directory is a Hugging Face directory with an ONNX export
// (model.onnx or onnx/model.onnx whose first output is the last hidden
// state), config.json and the tokenizer files. The sentence-transformers
// files are read exactly as sentence-transformers reads them (see package
// onnx/modeldir): modules.json + 1_Pooling/config.json choose the pooling
// (CLS, mean, last token, max, mean/sqrt(len); include_prompt false leaves
// the prompt's tokens out), config_sentence_transformers.json supplies the
// query/document prompts, sentence_bert_config.json the maximum length.
// Names go through modeldir.Resolve: the catalog says where the ONNX graph
// lives (a conversion repository, or an export command when none exists)
// and files are downloaded into the huggingface_hub cache.
//
// Prefixes: WithPrefixes > the directory's prompts, resolved as
// sentence-transformers does (a prompt name from WithPromptNames or the
// catalog, such as AMBER's "Retrieval-query" / "Retrieval-passage"; else
// "query", and "document"/"passage"/"corpus"; else default_prompt_name;
// PromptNames and DescribePrompts say which was used) > the catalog (Ruri v3 "検索クエリ: " /
// "検索文書: ", Ruri v1/v2 "クエリ: " / "文章: ", GLuCoSE-v2 and RoSEtta
// "query: " / "passage: "). Vectors are L2-normalized by default, as
// JQaRA's and JaCWIR's evaluators request (WithNormalize(false) to keep the
// raw pooled vectors). do_lower_case in sentence_bert_config.json lower-cases
// prefix+text before tokenizing; WithStripInput strips it first, as
// sentence-transformers <= 5 did (6 does not, nor does the default).
//
// # Batching
//
// Texts are tokenized, truncated to the model's maximum length (counted in
// Stats().Truncated), sorted by length, cut into batches of WithBatchSize
// (default 32) so that each batch pads little, run, pooled, and written back
// in input order into one contiguous row-major matrix.
//
// # Backends and threads
//
// ONNX Runtime is the default (package onnx/ort; the library is found
// through WithLibrary, JRETRIEVE_ORT_LIB or the jretrieve cache where
// scripts/install-onnxruntime.sh puts it). WithThreads sets the intra-op
// threads (default 1). Models are safe for concurrent use, and several can be
// loaded at once.
//
// # Multi-vector models
//
// OpenMultiVector returns one L2-normalized vector per token, with
// JaColBERT's markers (WithMarkers("[unused0]", "[unused1]")) inserted after
// [CLS] and its [MASK] query augmentation (WithQueryAugmentation); Score is
// MaxSim (vecsim) divided by the number of real query tokens. The ONNX
// export must include the token projection (JaColBERT's 768->128 linear).
package embed
