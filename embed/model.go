package embed

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/jretrieve/jretrieve/catalog"
	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/modeldir"
	_ "github.com/jretrieve/jretrieve/onnx/ort" // default backend
	"github.com/jretrieve/jretrieve/tokenizer"
)

// Model is a bi-encoder loaded from a model directory. It implements
// Embedder and is safe for concurrent use.
type Model struct {
	cfg       *modeldir.Config
	tok       tokenizer.Tokenizer
	enc       onnx.Encoder
	ownEnc    bool
	dim       int
	maxLen    int
	batch     int
	normalize bool
	prefixes  Prefixes
	names     PromptNames
	lower     bool
	strip     bool
	withTypes bool
	padID     int64
	stats     onnx.StatsCounter
}

// DefaultResolver resolves directories, catalog names and Hugging Face
// repository ids with modeldir.Resolve and the Hub settings of the
// environment (HF_HOME, HF_HUB_CACHE, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE).
func DefaultResolver(ctx context.Context, name string) (modeldir.Source, error) {
	return modeldir.Resolve(ctx, name, nil)
}

// loaded is what Open and OpenMultiVector share.
type loaded struct {
	cfg      *modeldir.Config
	tok      tokenizer.Tokenizer
	enc      onnx.Encoder
	ownEnc   bool
	prefixes Prefixes
	names    PromptNames
	maxLen   int
	types    bool
	src      modeldir.Source
}

// ErrCrossEncoder is returned when the model directory holds a cross-encoder
// (a sequence-classification head scoring query-passage pairs): it gives
// one score per pair, not vectors. Open it with rerank.OpenCrossEncoder.
var ErrCrossEncoder = errors.New("the model is a cross-encoder (it scores query-passage pairs), not an embedder; use it as a reranker")

func load(ctx context.Context, nameOrDir string, s *settings) (*loaded, error) {
	src, err := s.resolve(ctx, nameOrDir)
	if err != nil {
		return nil, err
	}
	dir := src.Dir
	cfg, err := modeldir.Read(dir)
	if err != nil {
		return nil, err
	}
	if cfg.IsCrossEncoder() {
		return nil, fmt.Errorf("embed: %s: %w", dir, ErrCrossEncoder)
	}
	if src.ONNX != "" {
		cfg.ONNX = filepath.Join(dir, src.ONNX)
	}
	if s.onnxFile != "" {
		cfg.ONNX = filepath.Join(dir, s.onnxFile)
	}
	// Pooling: the directory's Pooling module > WithPooling > the catalog.
	if cfg.Pooling == "" {
		switch {
		case s.pooling != "":
			cfg.Pooling = s.pooling
		case src.InCatalog && src.Model.Pooling != catalog.PoolTokens:
			cfg.Pooling = string(src.Model.Pooling)
		}
	}
	fromCatalog := src.InCatalog && src.Model.Kind == catalog.Embedder
	catPrefixes := Prefixes{Query: src.Model.QueryPrefix, Document: src.Model.DocumentPrefix}
	l := &loaded{cfg: cfg, tok: s.tok, enc: s.encoder, maxLen: cfg.MaxSeqLength, src: src}
	if s.maxLength > 0 {
		l.maxLen = s.maxLength
	}
	if l.tok == nil {
		if l.tok, err = tokenizer.Load(dir); err != nil {
			return nil, fmt.Errorf("embed: %s: %w", dir, err)
		}
	}
	if err := cfg.CheckTokenizer(l.tok.VocabSize(), l.tok.Family()); err != nil {
		return nil, err
	}
	// Prefixes: explicit option > the directory's prompts (resolved as
	// sentence-transformers does, with the prompt names of the options or the
	// catalog) > the catalog's prefixes.
	qn, dn := s.qName, s.dName
	if src.InCatalog {
		if qn == "" {
			qn = src.Model.QueryPromptName
		}
		if dn == "" {
			dn = src.Model.DocumentPromptName
		}
	}
	qName, q, err := cfg.RolePrompt(modeldir.RoleQuery, qn)
	if err != nil {
		return nil, err
	}
	dName, d, err := cfg.RolePrompt(modeldir.RoleDocument, dn)
	if err != nil {
		return nil, err
	}
	switch {
	case qName != "" || dName != "":
		l.prefixes = Prefixes{Query: q, Document: d}
		l.names = PromptNames{Query: qName, Document: dName, Source: "model"}
	case fromCatalog && (catPrefixes.Query != "" || catPrefixes.Document != ""):
		l.prefixes = catPrefixes
		l.names = PromptNames{Source: "catalog"}
	}
	if s.query != nil {
		l.prefixes = Prefixes{Query: *s.query, Document: *s.doc}
		l.names = PromptNames{Source: "option"}
	}
	if l.enc == nil {
		if err := cfg.CheckONNX(); err != nil {
			return nil, err
		}
		if l.enc, err = onnx.Open(s.backend, cfg.ONNX, s.onnx); err != nil {
			return nil, err
		}
		l.ownEnc = true
	}
	for _, in := range l.enc.Inputs() {
		l.types = l.types || in == onnx.TokenTypeIDs
	}
	return l, nil
}

// Open loads a bi-encoder from a model directory, or from a model name
// through the resolver. The directory must hold an ONNX export (model.onnx
// or onnx/model.onnx), config.json and the tokenizer files; the
// sentence-transformers files (modules.json, 1_Pooling/config.json,
// config_sentence_transformers.json, sentence_bert_config.json) configure
// pooling, normalization, prompts and the maximum length. Without
// modules.json the model is mean-pooled (the sentence-transformers default).
func Open(ctx context.Context, nameOrDir string, opts ...Option) (*Model, error) {
	s := defaults()
	for _, o := range opts {
		o(&s)
	}
	l, err := load(ctx, nameOrDir, &s)
	if err != nil {
		return nil, err
	}
	cfg := l.cfg
	if cfg.Pooling == "" {
		cfg.Pooling = modeldir.PoolMean
	}
	m := &Model{
		cfg: cfg, tok: l.tok, enc: l.enc, ownEnc: l.ownEnc, dim: cfg.HiddenSize, maxLen: l.maxLen,
		batch: max(s.batchSize, 1), normalize: true, prefixes: l.prefixes, names: l.names, withTypes: l.types,
		lower: cfg.DoLowerCase, strip: s.strip,
		padID: int64(l.tok.PadID()),
	}
	if s.normalize != nil {
		m.normalize = *s.normalize
	}
	if m.dim <= 0 {
		m.Close()
		return nil, fmt.Errorf("embed: %s: config.json has no hidden_size", cfg.Dir)
	}
	return m, nil
}

// Dim implements Embedder.
func (m *Model) Dim() int { return m.dim }

// Config returns the model directory's configuration.
func (m *Model) Config() *modeldir.Config { return m.cfg }

// Prefixes returns the query and document prefixes in use.
func (m *Model) Prefixes() Prefixes { return m.prefixes }

// PromptNames says which named prompt each role uses (see PromptNames).
func (m *Model) PromptNames() PromptNames { return m.names }

// DescribePrompts says which prompt each role uses, for logs:
// `query: prompt "query" = "検索クエリ: "; document: no prompt`.
func (m *Model) DescribePrompts() string {
	one := func(name, prefix string) string {
		switch {
		case m.names.Source == "model" && name != "":
			return fmt.Sprintf("prompt %q = %q", name, prefix)
		case prefix == "":
			return "no prompt"
		case m.names.Source == "catalog":
			return fmt.Sprintf("catalog prefix %q", prefix)
		default:
			return fmt.Sprintf("prefix %q", prefix)
		}
	}
	return "query: " + one(m.names.Query, m.prefixes.Query) + "; document: " + one(m.names.Document, m.prefixes.Document)
}

// MaxLength returns the maximum sequence length in tokens.
func (m *Model) MaxLength() int { return m.maxLen }

// Stats returns the running counts (sequences, truncations, padding).
func (m *Model) Stats() onnx.Stats { return m.stats.Get() }

// Tokenizer returns the model's tokenizer.
func (m *Model) Tokenizer() tokenizer.Tokenizer { return m.tok }

// Close releases the encoder (unless it was given with WithEncoder).
func (m *Model) Close() error {
	if m.ownEnc && m.enc != nil {
		err := m.enc.Close()
		m.enc = nil
		return err
	}
	return nil
}

// EmbedQueries implements Embedder: the query prefix is prepended.
func (m *Model) EmbedQueries(ctx context.Context, texts []string) ([]float32, error) {
	return m.Embed(ctx, texts, m.prefixes.Query)
}

// EmbedDocuments implements Embedder: the document prefix is prepended.
func (m *Model) EmbedDocuments(ctx context.Context, texts []string) ([]float32, error) {
	return m.Embed(ctx, texts, m.prefixes.Document)
}

// promptSkip is the number of leading tokens that pooling leaves out when
// the Pooling module has include_prompt false: sentence-transformers'
// len(tokenize(prompt)) - 1.
func (m *Model) promptSkip(prefix string) int {
	if m.cfg.IncludePrompt || prefix == "" {
		return 0
	}
	return m.tok.Encode(m.input(prefix, ""), m.maxLen).Len() - 1
}

// input is the string the tokenizer sees: prefix+text, stripped when
// WithStripInput is on, lower-cased when sentence_bert_config.json says
// do_lower_case (sentence-transformers adds a Lowercase normalizer).
func (m *Model) input(prefix, text string) string {
	s := prefix + text
	if m.strip {
		s = strings.TrimFunc(s, isPySpace)
	}
	if m.lower {
		s = strings.ToLower(s)
	}
	return s
}

// Encode tokenizes prefix+text exactly as Embed does.
func (m *Model) Encode(prefix, text string) tokenizer.Encoding {
	return m.tok.Encode(m.input(prefix, text), m.maxLen)
}

// Embed encodes texts with prefix prepended and returns len(texts) x Dim()
// float32s, row-major, in input order.
func (m *Model) Embed(ctx context.Context, texts []string, prefix string) ([]float32, error) {
	out := make([]float32, len(texts)*m.dim)
	if len(texts) == 0 {
		return out, nil
	}
	seqs := make([]onnx.Seq, len(texts))
	lens := make([]int, len(texts))
	var st onnx.Stats
	for i, t := range texts {
		e := m.Encode(prefix, t)
		if e.Len() == 0 {
			return nil, fmt.Errorf("embed: text %d tokenizes to nothing", i)
		}
		seqs[i] = onnx.Seq{IDs: e.IDs, TypeIDs: e.TypeIDs}
		lens[i] = e.Len()
		if e.Truncated {
			st.Truncated++
		}
		st.Tokens += int64(e.Len())
	}
	skip := m.promptSkip(prefix)
	for _, group := range onnx.Plan(lens, m.batch) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b := onnx.Pack(seqs, group, m.padID, 0, m.withTypes)
		if err := m.cfg.CheckInput(b.InputIDs, b.TokenTypeIDs, b.SeqLen); err != nil {
			return nil, fmt.Errorf("embed: %w", err)
		}
		t, err := m.enc.Run(ctx, b)
		if err != nil {
			return nil, fmt.Errorf("embed: %s: %w", m.cfg.Dir, err)
		}
		if len(t.Shape) != 3 || t.Shape[0] != b.Size || t.Shape[1] != b.SeqLen || t.Shape[2] != m.dim {
			return nil, fmt.Errorf("embed: %s: encoder output shape %v, want [%d %d %d]", m.cfg.Dir, t.Shape, b.Size, b.SeqLen, m.dim)
		}
		rowLen := b.SeqLen * m.dim
		for r, i := range group {
			dst := out[i*m.dim : (i+1)*m.dim]
			if err := Pool(m.cfg.Pooling, t.Data[r*rowLen:(r+1)*rowLen], m.dim, lens[i], skip, dst); err != nil {
				return nil, err
			}
			if m.normalize {
				Normalize(dst)
			}
		}
		st.Batches++
		st.PaddedTokens += int64(b.Size * b.SeqLen)
	}
	st.Sequences = int64(len(texts))
	m.stats.Add(st)
	return out, nil
}

var _ Embedder = (*Model)(nil)

// isPySpace is Python's str.isspace for one character (what str.strip
// removes): Unicode white space plus the separators U+001C..U+001F.
func isPySpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }
