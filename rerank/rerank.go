// Package rerank defines the interface shared by every reranker in jretrieve
// (BM25 over the candidates, cross-encoders, dense bi-encoders used as
// rerankers) and the cross-encoder implementation.
package rerank

import "context"

// Reranker scores candidate documents for a query. Higher is better.
// Score returns one score per document, in the order of docs.
// Implementations must be safe for concurrent use.
type Reranker interface {
	Score(ctx context.Context, query string, docs []string) ([]float64, error)
}

// Func adapts a function to the Reranker interface.
type Func func(ctx context.Context, query string, docs []string) ([]float64, error)

// Score calls f.
func (f Func) Score(ctx context.Context, query string, docs []string) ([]float64, error) {
	return f(ctx, query, docs)
}
