package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jretrieve/jretrieve/analysis"
	"github.com/jretrieve/jretrieve/bm25"
	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/modeldir"
	"github.com/jretrieve/jretrieve/rerank"
)

// Model is one opened leaf of a model expression. Exactly one of Embedder,
// Reranker or Index is set.
type Model struct {
	// Name is the name the expression used.
	Name string
	// Identity names everything that determines the model's scores (model
	// id, revision, settings); it keys the embedding cache.
	Identity string
	// Embedder is a bi-encoder: queries and documents are embedded and
	// scored by cosine similarity.
	Embedder embed.Embedder
	// QueryPrefix and DocumentPrefix are the embedder's prefixes (for the
	// cache key; the embedder applies them itself).
	QueryPrefix, DocumentPrefix string
	// Prompts says which prompt each role uses (embed.Model.DescribePrompts).
	Prompts string
	// MaxLength is the embedder's token limit (for the cache key).
	MaxLength int
	// Reranker scores a query's candidates directly (BM25, cross-encoders).
	Reranker rerank.Reranker
	// Index, when set, makes the model a lexical retriever over a
	// collection: the pipeline builds an index of the task's documents.
	Index *bm25.BuildOptions
	// Close releases the model; may be nil.
	Close func() error
}

// Opener opens the leaf models of expressions by name.
type Opener interface {
	Open(ctx context.Context, name string) (*Model, error)
}

// OpenerFunc adapts a function to Opener.
type OpenerFunc func(ctx context.Context, name string) (*Model, error)

// Open calls f.
func (f OpenerFunc) Open(ctx context.Context, name string) (*Model, error) { return f(ctx, name) }

// ModelOptions configure the models DefaultOpener opens.
type ModelOptions struct {
	Threads   int    // ONNX Runtime intra-op threads (default 1)
	BatchSize int    // sequences per encoder run (default 32)
	MaxLength int    // token limit; 0 = the model's (JQaRA's evaluator uses 512)
	Backend   string // "ort" (default) or "go"
	Library   string // libonnxruntime.so path (default: JRETRIEVE_ORT_LIB, then the cache)
	// Resolve turns a catalog name into a local model directory (for
	// example by downloading an ONNX export); nil: only directories work.
	Resolve func(ctx context.Context, name string) (dir string, err error)
	// ResolveDirs sends directories through Resolve too (for example to
	// convert a local checkpoint in a non-default graph form).
	ResolveDirs bool
}

// ErrUnknownModel is returned for a name that is neither a builtin, a
// directory nor a resolvable model.
var ErrUnknownModel = errors.New("unknown model")

// BM25Analysis is how the JQaRA bm25 baseline tokenizes: fugashi -Owakati
// with unidic-lite, no normalization, nothing dropped.
var BM25Analysis = analysis.Options{Dict: analysis.Uni}

// DefaultOpener opens the builtin models ("bm25": the JQaRA-exact Okapi
// reranker over UniDic (unidic-lite) words; "bm25-ipa": the same over
// IPADIC words; "bm25-index": a Lucene-style BM25 inverted index over the
// task's documents) and ONNX model directories, which are bi-encoders when
// the directory is a sentence-transformers model with a Pooling module and
// cross-encoders when config.json declares a classification head.
func DefaultOpener(opt ModelOptions) Opener {
	return OpenerFunc(func(ctx context.Context, name string) (*Model, error) {
		switch name {
		case "bm25":
			a, err := analysis.New(BM25Analysis)
			if err != nil {
				return nil, err
			}
			return &Model{Name: name, Identity: "bm25-okapi(k1=1.5,b=0.75,eps=0.25;uni-wakati)",
				Reranker: bm25.NewOkapi(a, bm25.DefaultOkapiParams)}, nil
		case "bm25-ipa":
			a, err := analysis.New(analysis.Options{Dict: analysis.IPA})
			if err != nil {
				return nil, err
			}
			return &Model{Name: name, Identity: "bm25-okapi(k1=1.5,b=0.75,eps=0.25;ipa-wakati)",
				Reranker: bm25.NewOkapi(a, bm25.DefaultOkapiParams)}, nil
		case "bm25-index":
			a, err := analysis.New(BM25Analysis)
			if err != nil {
				return nil, err
			}
			return &Model{Name: name, Identity: "bm25-index(lucene;uni-wakati)",
				Index: &bm25.BuildOptions{Analyzer: a}}, nil
		}
		dir := name
		if st, err := os.Stat(name); err != nil || !st.IsDir() || (opt.ResolveDirs && opt.Resolve != nil) {
			if opt.Resolve == nil {
				return nil, fmt.Errorf("%w %q: not bm25, bm25-index or a model directory", ErrUnknownModel, name)
			}
			d, err := opt.Resolve(ctx, name)
			if err != nil {
				return nil, fmt.Errorf("model %q: %w", name, err)
			}
			dir = d
		}
		return openDir(ctx, name, dir, opt)
	})
}

// IsCrossEncoderDir reports whether dir holds a sequence-classification
// model (a cross-encoder) rather than an embedder.
func IsCrossEncoderDir(dir string) bool {
	cfg, err := modeldir.Read(dir)
	return err == nil && isCrossEncoder(cfg)
}

// isCrossEncoder: no sentence-transformers module chain, and a
// classification head in config.json.
func isCrossEncoder(cfg *modeldir.Config) bool { return cfg.IsCrossEncoder() }

func openDir(ctx context.Context, name, dir string, opt ModelOptions) (*Model, error) {
	abs, _ := filepath.Abs(dir)
	// A requested length beyond the position embeddings (a small model,
	// or JQaRA's 512 on a 128-token model) falls back to the model's own
	// limit, which the embedder bounds by them.
	cfg, err := modeldir.Read(dir)
	if err != nil {
		return nil, err
	}
	if cfg.MaxPositionEmbeddings > 0 && opt.MaxLength > cfg.MaxPositionEmbeddings {
		opt.MaxLength = 0
	}
	if isCrossEncoder(cfg) {
		ce, err := rerank.OpenCrossEncoder(ctx, dir, rerank.CrossEncoderOptions{
			Backend: opt.Backend, Threads: opt.Threads, Library: opt.Library,
			BatchSize: opt.BatchSize, MaxLength: opt.MaxLength,
		})
		if err != nil {
			return nil, err
		}
		return &Model{Name: name, Identity: "cross-encoder:" + abs, Reranker: ce, Close: ce.Close}, nil
	}
	var eo []embed.Option
	if opt.Backend != "" {
		eo = append(eo, embed.WithBackend(opt.Backend))
	}
	if opt.Threads > 0 {
		eo = append(eo, embed.WithThreads(opt.Threads))
	}
	if opt.BatchSize > 0 {
		eo = append(eo, embed.WithBatchSize(opt.BatchSize))
	}
	if opt.MaxLength > 0 {
		eo = append(eo, embed.WithMaxLength(opt.MaxLength))
	}
	if opt.Library != "" {
		eo = append(eo, embed.WithLibrary(opt.Library))
	}
	m, err := embed.Open(ctx, dir, eo...)
	if err != nil {
		return nil, err
	}
	p := m.Prefixes()
	return &Model{Name: name, Identity: "embedder:" + abs + fileStamp(m.Config().ONNX), Embedder: m,
		QueryPrefix: p.Query, DocumentPrefix: p.Document, Prompts: m.DescribePrompts(), MaxLength: m.MaxLength(), Close: m.Close}, nil
}

// fileStamp identifies a model file by size and modification time, so
// that re-exporting a model into the same directory invalidates caches.
func fileStamp(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("@%d-%d", st.Size(), st.ModTime().UnixNano())
}
