package embed

import (
	"context"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/modeldir"
	"github.com/jretrieve/jretrieve/tokenizer"
)

// Option configures Open.
type Option func(*settings)

type settings struct {
	backend     string
	onnx        onnx.Options
	batchSize   int
	maxLength   int
	normalize   *bool
	query, doc  *string
	tok         tokenizer.Tokenizer
	encoder     onnx.Encoder
	resolve     Resolver
	onnxFile    string
	queryMarker string
	docMarker   string
	augment     bool
	pooling     string
	qName       string
	dName       string
	strip       bool
}

func defaults() settings {
	return settings{backend: "ort", batchSize: 32, resolve: DefaultResolver}
}

// Resolver turns a model name or directory into a local model directory
// (see modeldir.Resolve, the default).
type Resolver func(ctx context.Context, name string) (modeldir.Source, error)

// Prefixes are the texts prepended to queries and documents.
type Prefixes struct{ Query, Document string }

// PromptNames say where the prefixes came from: the
// config_sentence_transformers.json prompt name of each role ("" when the
// prefix did not come from a named prompt), and Source: "option"
// (WithPrefixes), "model" (the directory's prompts), "catalog" or "" (none).
type PromptNames struct{ Query, Document, Source string }

// WithBackend selects the encoder backend by name: "ort" (default, ONNX
// Runtime) or "go" (hugot's pure-Go backend; the program must import
// github.com/jretrieve/jretrieve/onnx/gobackend).
func WithBackend(name string) Option { return func(s *settings) { s.backend = name } }

// WithThreads sets the encoder's intra-op threads (default 1).
func WithThreads(n int) Option { return func(s *settings) { s.onnx.Threads = n } }

// WithSpinning lets ONNX Runtime threads spin between ops (latency over CPU).
func WithSpinning(on bool) Option { return func(s *settings) { s.onnx.Spinning = on } }

// WithLibrary sets the path of libonnxruntime.so (overrides JRETRIEVE_ORT_LIB
// and the cache).
func WithLibrary(path string) Option { return func(s *settings) { s.onnx.Library = path } }

// WithBatchSize sets the number of sequences per encoder run (default 32).
func WithBatchSize(n int) Option { return func(s *settings) { s.batchSize = n } }

// WithMaxLength overrides the maximum sequence length in tokens (special
// tokens included). The default is the model directory's (see
// onnx/modeldir). JQaRA's evaluator forces 512.
func WithMaxLength(n int) Option { return func(s *settings) { s.maxLength = n } }

// WithNormalize forces L2 normalization on or off. By default vectors are
// normalized (as JQaRA/JaCWIR's evaluators call encode(normalize_embeddings=True)).
func WithNormalize(on bool) Option { return func(s *settings) { s.normalize = &on } }

// WithPrefixes sets the query and document prefixes, overriding the model
// directory's prompts and the catalog.
func WithPrefixes(query, document string) Option {
	return func(s *settings) { s.query, s.doc = &query, &document }
}

// WithPromptNames names the config_sentence_transformers.json prompts used
// for queries and documents, like sentence-transformers'
// encode(prompt_name=...); "" keeps the default resolution (see
// modeldir.Config.RolePrompt). Models in the catalog whose prompts have other
// names (AMBER: "Retrieval-query", "Retrieval-passage") get theirs from the
// catalog.
func WithPromptNames(query, document string) Option {
	return func(s *settings) { s.qName, s.dName = query, document }
}

// WithStripInput strips leading and trailing whitespace from prefix+text
// before tokenizing, as sentence-transformers <= 5 did (Transformer.tokenize:
// str(s).strip()); sentence-transformers 6 no longer strips, and neither does
// jretrieve by default. It matters for SentencePiece-style tokenizers, where
// a leading space or newline becomes a token.
func WithStripInput(on bool) Option { return func(s *settings) { s.strip = on } }

// WithTokenizer uses t instead of tokenizer.Load(dir).
func WithTokenizer(t tokenizer.Tokenizer) Option { return func(s *settings) { s.tok = t } }

// WithEncoder uses enc instead of loading the directory's ONNX file. The
// embedder does not close it.
func WithEncoder(enc onnx.Encoder) Option { return func(s *settings) { s.encoder = enc } }

// WithONNXFile names the ONNX file inside the model directory (default
// model.onnx, then onnx/model.onnx).
func WithONNXFile(rel string) Option { return func(s *settings) { s.onnxFile = rel } }

// WithResolver sets how model names (not directories) are resolved.
func WithResolver(r Resolver) Option { return func(s *settings) { s.resolve = r } }

// WithSequenceBuckets sets the padded lengths of the "go" backend.
func WithSequenceBuckets(b ...int) Option {
	return func(s *settings) { s.onnx.SequenceBuckets = b }
}

// WithMarkers sets the multi-vector (ColBERT) query and document marker
// tokens, inserted after the first special token (JaColBERT: "[unused0]",
// "[unused1]").
func WithMarkers(query, document string) Option {
	return func(s *settings) { s.queryMarker, s.docMarker = query, document }
}

// WithQueryAugmentation pads multi-vector queries with [MASK] tokens
// (attention mask 0) to ColBERT's query length: len+8 if len%32 <= 8, else the
// next multiple of 32, as JQaRA's ColBERT evaluator does. Their vectors take
// part in MaxSim; the sum is divided by the number of real query tokens.
func WithQueryAugmentation(on bool) Option { return func(s *settings) { s.augment = on } }

// WithPooling sets the pooling mode ("cls", "mean", "lasttoken", "max",
// "mean_sqrt_len_tokens") for directories without a sentence-transformers
// Pooling module (e.g. a plain Optimum export); it overrides the catalog.
func WithPooling(mode string) Option { return func(s *settings) { s.pooling = mode } }
