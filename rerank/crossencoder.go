package rerank

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/modeldir"
	_ "github.com/jretrieve/jretrieve/onnx/ort" // default backend
	"github.com/jretrieve/jretrieve/tokenizer"
)

// ErrEmbedder is returned when the model directory holds an embedder (a
// bi-encoder: vectors per text, no classification head), not a
// cross-encoder. Open it with package embed.
var ErrEmbedder = errors.New("the model is an embedder (it maps each text to a vector), not a cross-encoder scoring query-passage pairs")

// CrossEncoderOptions configure OpenCrossEncoder. The zero value is the
// default: ONNX Runtime, 1 thread, batches of 32, the model's max length and
// activation.
type CrossEncoderOptions struct {
	// Backend is "ort" (default) or "go" (import onnx/gobackend).
	Backend string
	// Threads is the intra-op thread count (default 1); Spinning lets ORT
	// threads busy-wait.
	Threads  int
	Spinning bool
	// Library is the path of libonnxruntime.so (default: JRETRIEVE_ORT_LIB,
	// then the jretrieve cache).
	Library string
	// BatchSize is the number of pairs per encoder run (default 32).
	BatchSize int
	// MaxLength caps the pair length in tokens (default: the tokenizer's
	// model_max_length bounded by the position embeddings; JQaRA's
	// evaluator uses 512).
	MaxLength int
	// Activation overrides the activation read from config.json:
	// "sigmoid", "softmax", "identity" or "tanh". With two or more labels
	// the default is sentence-transformers' Identity (the positive label's
	// raw logit); "softmax" gives the positive label's probability instead.
	Activation string
	// StripInput strips leading and trailing whitespace from the query and
	// the document, as sentence-transformers <= 5 did (CrossEncoder:
	// text.strip()); sentence-transformers 6 does not, nor does the default.
	StripInput bool
	// Tokenizer replaces tokenizer.Load(dir).
	Tokenizer tokenizer.Tokenizer
	// Encoder replaces loading the directory's ONNX file (not closed by Close).
	Encoder onnx.Encoder
	// Resolve turns a model name or directory into a local directory
	// (default: modeldir.Resolve with the environment's Hub settings).
	Resolve func(ctx context.Context, name string) (modeldir.Source, error)
	// SequenceBuckets are the padded lengths of the "go" backend.
	SequenceBuckets []int
}

// CrossEncoder scores (query, document) pairs with a sequence-classification
// model, like sentence_transformers.CrossEncoder.predict: one logit ->
// sigmoid (the default activation for one label), two or more logits ->
// the raw logit of the positive label (id2label "relevant"/"positive"/
// "LABEL_1", else the last; sentence-transformers returns every logit, with
// its default Identity activation), unless config.json names another
// activation (sentence_transformers.activation_fn) or the options ask for
// "softmax" (the positive label's probability). It implements Reranker and
// is safe for concurrent use.
type CrossEncoder struct {
	cfg        *modeldir.Config
	tok        tokenizer.Tokenizer
	enc        onnx.Encoder
	ownEnc     bool
	maxLen     int
	batch      int
	activation string
	positive   int
	withTypes  bool
	strip      bool
	padID      int64
	stats      onnx.StatsCounter
}

// OpenCrossEncoder loads a cross-encoder from a model directory holding an
// ONNX export (model.onnx or onnx/model.onnx with a "logits" output),
// config.json and the tokenizer files, or from a catalog name or Hugging
// Face repository id (see modeldir.Resolve).
func OpenCrossEncoder(ctx context.Context, nameOrDir string, opts CrossEncoderOptions) (*CrossEncoder, error) {
	resolve := opts.Resolve
	if resolve == nil {
		resolve = func(ctx context.Context, name string) (modeldir.Source, error) {
			return modeldir.Resolve(ctx, name, nil)
		}
	}
	src, err := resolve(ctx, nameOrDir)
	if err != nil {
		return nil, err
	}
	dir := src.Dir
	cfg, err := modeldir.Read(dir)
	if err != nil {
		return nil, err
	}
	if !cfg.IsCrossEncoder() {
		return nil, fmt.Errorf("rerank: %s: %w", dir, ErrEmbedder)
	}
	if src.ONNX != "" {
		cfg.ONNX = filepath.Join(dir, src.ONNX)
	}
	c := &CrossEncoder{cfg: cfg, tok: opts.Tokenizer, enc: opts.Encoder, maxLen: cfg.MaxSeqLength,
		batch: opts.BatchSize, activation: cfg.Activation, positive: cfg.PositiveLabel(), strip: opts.StripInput}
	if c.batch <= 0 {
		c.batch = 32
	}
	if opts.MaxLength > 0 {
		c.maxLen = opts.MaxLength
	}
	if opts.Activation != "" {
		switch opts.Activation {
		case modeldir.ActSigmoid, modeldir.ActSoftmax, modeldir.ActIdentity, modeldir.ActTanh:
			c.activation = opts.Activation
		default:
			return nil, fmt.Errorf("rerank: unknown activation %q", opts.Activation)
		}
	}
	if c.tok == nil {
		if c.tok, err = tokenizer.Load(dir); err != nil {
			return nil, fmt.Errorf("rerank: %s: %w", dir, err)
		}
	}
	if err := cfg.CheckTokenizer(c.tok.VocabSize(), c.tok.Family()); err != nil {
		return nil, err
	}
	c.padID = int64(c.tok.PadID())
	if c.enc == nil {
		if err := cfg.CheckONNX(); err != nil {
			return nil, err
		}
		backend := opts.Backend
		if backend == "" {
			backend = "ort"
		}
		o := onnx.Options{Threads: opts.Threads, Spinning: opts.Spinning, Library: opts.Library, SequenceBuckets: opts.SequenceBuckets}
		if c.enc, err = onnx.Open(backend, cfg.ONNX, o); err != nil {
			return nil, err
		}
		c.ownEnc = true
	}
	for _, in := range c.enc.Inputs() {
		c.withTypes = c.withTypes || in == onnx.TokenTypeIDs
	}
	return c, nil
}

// Config returns the model directory's configuration.
func (c *CrossEncoder) Config() *modeldir.Config { return c.cfg }

// Activation returns the activation applied to the logits.
func (c *CrossEncoder) Activation() string { return c.activation }

// Stats returns the running counts (pairs, truncations, padding).
func (c *CrossEncoder) Stats() onnx.Stats { return c.stats.Get() }

// Close releases the encoder (unless it was given in the options).
func (c *CrossEncoder) Close() error {
	if c.ownEnc && c.enc != nil {
		err := c.enc.Close()
		c.enc = nil
		return err
	}
	return nil
}

// Score implements Reranker: one score per document, in input order.
func (c *CrossEncoder) Score(ctx context.Context, query string, docs []string) ([]float64, error) {
	out := make([]float64, len(docs))
	if len(docs) == 0 {
		return out, nil
	}
	seqs := make([]onnx.Seq, len(docs))
	lens := make([]int, len(docs))
	var st onnx.Stats
	if c.strip {
		query = strings.TrimFunc(query, isPySpace)
	}
	for i, d := range docs {
		if c.strip {
			d = strings.TrimFunc(d, isPySpace)
		}
		e := c.tok.EncodePair(query, d, c.maxLen)
		if e.Len() == 0 {
			return nil, fmt.Errorf("rerank: pair %d tokenizes to nothing", i)
		}
		seqs[i] = onnx.Seq{IDs: e.IDs, TypeIDs: e.TypeIDs}
		lens[i] = e.Len()
		if e.Truncated {
			st.Truncated++
		}
		st.Tokens += int64(e.Len())
	}
	for _, group := range onnx.Plan(lens, c.batch) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b := onnx.Pack(seqs, group, c.padID, 0, c.withTypes)
		if err := c.cfg.CheckInput(b.InputIDs, b.TokenTypeIDs, b.SeqLen); err != nil {
			return nil, fmt.Errorf("rerank: %w", err)
		}
		t, err := c.enc.Run(ctx, b)
		if err != nil {
			return nil, fmt.Errorf("rerank: %s: %w", c.cfg.Dir, err)
		}
		if len(t.Shape) != 2 || t.Shape[0] != b.Size || t.Shape[1] < 1 {
			return nil, fmt.Errorf("rerank: %s: encoder output shape %v, want [%d labels]", c.cfg.Dir, t.Shape, b.Size)
		}
		l := t.Shape[1]
		if c.positive >= l {
			return nil, fmt.Errorf("rerank: %s: positive label %d but the model has %d logits", c.cfg.Dir, c.positive, l)
		}
		for r, i := range group {
			out[i] = activate(c.activation, t.Data[r*l:(r+1)*l], c.positive)
		}
		st.Batches++
		st.PaddedTokens += int64(b.Size * b.SeqLen)
	}
	st.Sequences = int64(len(docs))
	c.stats.Add(st)
	return out, nil
}

// activate turns one row of logits into a score.
func activate(act string, logits []float32, positive int) float64 {
	if len(logits) == 1 {
		positive = 0
	}
	x := float64(logits[positive])
	switch act {
	case "sigmoid":
		return 1 / (1 + math.Exp(-x))
	case "tanh":
		return math.Tanh(x)
	case "softmax":
		if len(logits) == 1 {
			return 1
		}
		m := math.Inf(-1)
		for _, v := range logits {
			m = max(m, float64(v))
		}
		var sum float64
		for _, v := range logits {
			sum += math.Exp(float64(v) - m)
		}
		return math.Exp(x-m) / sum
	default: // identity
		return x
	}
}

var _ Reranker = (*CrossEncoder)(nil)

// isPySpace is Python's str.isspace for one character (what str.strip
// removes): Unicode white space plus the separators U+001C..U+001F.
func isPySpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }
