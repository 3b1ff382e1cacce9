package embed

import (
	"context"
	"fmt"

	"github.com/jretrieve/jretrieve/catalog"
	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/vecsim"
)

// MultiVector is a late-interaction (ColBERT, JaColBERT) model: every token
// gets its own L2-normalized vector and a query-document score is MaxSim
// (for each query token, the best inner product over the document's tokens;
// summed, divided by the number of real query tokens). The ONNX export's
// first output must already be the projected token vectors (for JaColBERT:
// the 768->128 linear layer included). It implements the rerank.Reranker
// method set and is safe for concurrent use.
type MultiVector struct {
	l       *loaded
	dim     int
	batch   int
	padID   int64
	qMarker int64 // -1: none
	dMarker int64
	augment bool
	maskID  int64
	stats   onnx.StatsCounter
}

// OpenMultiVector loads a multi-vector model. WithMarkers sets the query
// and document marker tokens (JaColBERT: "[unused0]", "[unused1]"),
// inserted after the first special token; WithQueryAugmentation enables
// [MASK] query padding.
func OpenMultiVector(ctx context.Context, nameOrDir string, opts ...Option) (*MultiVector, error) {
	s := defaults()
	for _, o := range opts {
		o(&s)
	}
	l, err := load(ctx, nameOrDir, &s)
	if err != nil {
		return nil, err
	}
	// A catalog multi-vector model names its marker tokens in the prefix
	// fields and uses ColBERT's query augmentation.
	if l.src.InCatalog && l.src.Model.Kind == catalog.MultiVector && s.queryMarker == "" && s.docMarker == "" {
		s.queryMarker, s.docMarker, s.augment = l.src.Model.QueryPrefix, l.src.Model.DocumentPrefix, true
		l.prefixes = Prefixes{}
	}
	m := &MultiVector{l: l, batch: max(s.batchSize, 1), padID: int64(l.tok.PadID()), qMarker: -1, dMarker: -1, augment: s.augment}
	fail := func(err error) (*MultiVector, error) {
		m.Close()
		return nil, err
	}
	for _, mk := range []struct {
		tok string
		dst *int64
	}{{s.queryMarker, &m.qMarker}, {s.docMarker, &m.dMarker}} {
		if mk.tok == "" {
			continue
		}
		id, ok := l.tok.TokenID(mk.tok)
		if !ok {
			return fail(fmt.Errorf("embed: %s: marker token %q not in the vocabulary", l.cfg.Dir, mk.tok))
		}
		*mk.dst = int64(id)
	}
	if m.augment {
		id, ok := l.tok.TokenID("[MASK]")
		if !ok {
			return fail(fmt.Errorf("embed: %s: query augmentation needs a [MASK] token", l.cfg.Dir))
		}
		m.maskID = int64(id)
	}
	return m, nil
}

// Close releases the encoder.
func (m *MultiVector) Close() error {
	if m.l.ownEnc && m.l.enc != nil {
		err := m.l.enc.Close()
		m.l.enc = nil
		return err
	}
	return nil
}

// Stats returns the running counts.
func (m *MultiVector) Stats() onnx.Stats { return m.stats.Get() }

// QueryLength is ColBERT's augmented query length for n tokens.
func QueryLength(n int) int {
	if n%32 <= 8 {
		return n + 8
	}
	return (n + 31) / 32 * 32
}

// tokens tokenizes text with the marker inserted at position 1.
func (m *MultiVector) tokens(text string, marker int64) (onnx.Seq, bool) {
	maxLen := m.l.maxLen
	if marker >= 0 {
		maxLen--
	}
	e := m.l.tok.Encode(text, maxLen)
	ids, types := e.IDs, e.TypeIDs
	if marker >= 0 && len(ids) > 0 {
		ids = append(append(append([]int64{}, ids[:1]...), marker), ids[1:]...)
		types = append(append(append([]int64{}, types[:1]...), 0), types[1:]...)
	}
	return onnx.Seq{IDs: ids, TypeIDs: types}, e.Truncated
}

// EmbedQueries returns one matrix of token vectors per query (real tokens,
// plus the [MASK] padding with WithQueryAugmentation).
func (m *MultiVector) EmbedQueries(ctx context.Context, texts []string) ([]vecsim.Matrix, []int, error) {
	return m.embed(ctx, texts, m.l.prefixes.Query, m.qMarker, m.augment)
}

// EmbedDocuments returns one matrix of token vectors per document.
func (m *MultiVector) EmbedDocuments(ctx context.Context, texts []string) ([]vecsim.Matrix, error) {
	mats, _, err := m.embed(ctx, texts, m.l.prefixes.Document, m.dMarker, false)
	return mats, err
}

// embed returns the token matrices and, per text, the number of real tokens.
func (m *MultiVector) embed(ctx context.Context, texts []string, prefix string, marker int64, augment bool) ([]vecsim.Matrix, []int, error) {
	seqs := make([]onnx.Seq, len(texts))
	real := make([]int, len(texts))
	lens := make([]int, len(texts))
	var st onnx.Stats
	for i, t := range texts {
		s, trunc := m.tokens(prefix+t, marker)
		if len(s.IDs) == 0 {
			return nil, nil, fmt.Errorf("embed: text %d tokenizes to nothing", i)
		}
		seqs[i], real[i], lens[i] = s, len(s.IDs), len(s.IDs)
		if augment {
			lens[i] = QueryLength(real[i])
		}
		if trunc {
			st.Truncated++
		}
		st.Tokens += int64(real[i])
	}
	out := make([]vecsim.Matrix, len(texts))
	for _, group := range onnx.Plan(lens, m.batch) {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		width := 0
		for _, i := range group {
			width = max(width, lens[i])
		}
		b := onnx.Pack(seqs, group, m.padID, width, m.l.types)
		if augment {
			for r, i := range group {
				for j := real[i]; j < lens[i]; j++ {
					b.InputIDs[r*b.SeqLen+j] = m.maskID // attention mask stays 0
				}
			}
		}
		if err := m.l.cfg.CheckInput(b.InputIDs, b.TokenTypeIDs, b.SeqLen); err != nil {
			return nil, nil, fmt.Errorf("embed: %w", err)
		}
		t, err := m.l.enc.Run(ctx, b)
		if err != nil {
			return nil, nil, fmt.Errorf("embed: %s: %w", m.l.cfg.Dir, err)
		}
		if len(t.Shape) != 3 || t.Shape[0] != b.Size || t.Shape[1] != b.SeqLen {
			return nil, nil, fmt.Errorf("embed: %s: encoder output shape %v, want [%d %d dim]", m.l.cfg.Dir, t.Shape, b.Size, b.SeqLen)
		}
		h := t.Shape[2]
		for r, i := range group {
			mat := vecsim.Matrix{Rows: lens[i], Dim: h, Data: make([]float32, lens[i]*h)}
			copy(mat.Data, t.Data[r*b.SeqLen*h:(r*b.SeqLen+lens[i])*h])
			for k := range mat.Rows {
				Normalize(mat.Data[k*h : (k+1)*h])
			}
			out[i] = mat
		}
		st.Batches++
		st.PaddedTokens += int64(b.Size * b.SeqLen)
	}
	st.Sequences = int64(len(texts))
	m.stats.Add(st)
	return out, real, nil
}

// Score implements rerank.Reranker: MaxSim of the query against each document,
// divided by the number of real query tokens.
func (m *MultiVector) Score(ctx context.Context, query string, docs []string) ([]float64, error) {
	q, n, err := m.EmbedQueries(ctx, []string{query})
	if err != nil {
		return nil, err
	}
	d, err := m.EmbedDocuments(ctx, docs)
	if err != nil {
		return nil, err
	}
	sims := vecsim.MaxSimBatch(q[0], d)
	out := make([]float64, len(docs))
	for i, s := range sims {
		out[i] = float64(s) / float64(n[0])
	}
	return out, nil
}
