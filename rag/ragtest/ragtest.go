// Package ragtest provides a deterministic, dependency-free embedder for
// tests, examples and benchmarks of package rag.
package ragtest

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"

	"github.com/jretrieve/jretrieve/rag"
)

// HashEmbedder embeds text as the L2-normalized counts of its character
// unigrams and bigrams hashed (FNV-1a) into Dim buckets: a lexical model
// with no weights, so that dense retrieval can be tested and benchmarked
// without a neural network. Queries get QueryPrefix prepended, documents
// DocumentPrefix. It is safe for concurrent use.
type HashEmbedder struct {
	Size                        int
	QueryPrefix, DocumentPrefix string
}

// New returns a HashEmbedder of dimension dim.
func New(dim int) *HashEmbedder { return &HashEmbedder{Size: dim} }

// Dim implements embed.Embedder.
func (h *HashEmbedder) Dim() int { return h.Size }

// EmbedQueries implements embed.Embedder.
func (h *HashEmbedder) EmbedQueries(ctx context.Context, texts []string) ([]float32, error) {
	return h.embed(ctx, texts, h.QueryPrefix)
}

// EmbedDocuments implements embed.Embedder.
func (h *HashEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([]float32, error) {
	return h.embed(ctx, texts, h.DocumentPrefix)
}

// ModelInfo implements rag.Describer.
func (h *HashEmbedder) ModelInfo() (rag.ModelInfo, error) {
	return rag.ModelInfo{Name: "hash-bigram", Fingerprint: fmt.Sprintf("hash-bigram-v1/%d", h.Size), Dim: h.Size,
		QueryPrefix: h.QueryPrefix, DocumentPrefix: h.DocumentPrefix}, nil
}

// Vector returns the embedding of one text (no prefix added).
func (h *HashEmbedder) Vector(text string) []float32 {
	v := make([]float32, h.Size)
	h.fill(text, v)
	return v
}

func (h *HashEmbedder) embed(ctx context.Context, texts []string, prefix string) ([]float32, error) {
	if h.Size <= 0 {
		return nil, fmt.Errorf("ragtest: dimension %d", h.Size)
	}
	out := make([]float32, len(texts)*h.Size)
	for i, t := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h.fill(prefix+t, out[i*h.Size:(i+1)*h.Size])
	}
	return out, nil
}

func (h *HashEmbedder) fill(text string, v []float32) {
	bucket := func(s string) int {
		f := fnv.New32a()
		f.Write([]byte(s))
		return int(f.Sum32() % uint32(len(v)))
	}
	rs := []rune(text)
	for i, r := range rs {
		v[bucket(string(r))]++
		if i+1 < len(rs) {
			v[bucket(string(rs[i:i+2]))]++
		}
	}
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n > 0 {
		inv := float32(1 / math.Sqrt(n))
		for i := range v {
			v[i] *= inv
		}
	}
}
