package embed

import "context"

// Embedder encodes queries and documents into vectors of Dim() float32s.
// Both methods return a row-major matrix: row i (data[i*Dim():(i+1)*Dim()])
// is the vector of texts[i]. The model's query/document prefixes are applied
// by the embedder; callers pass raw text. Implementations must be safe for
// concurrent use.
type Embedder interface {
	Dim() int
	EmbedQueries(ctx context.Context, texts []string) ([]float32, error)
	EmbedDocuments(ctx context.Context, texts []string) ([]float32, error)
}
