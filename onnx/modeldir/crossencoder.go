package modeldir

import "strings"

// IsCrossEncoder reports whether the directory holds a sequence-
// classification model (a cross-encoder scoring query-passage pairs)
// rather than an embedder: no sentence-transformers module chain, and a
// classification head in config.json (an architecture ending in
// ForSequenceClassification, or labels).
func (c *Config) IsCrossEncoder() bool {
	if c.SentenceTransformers {
		return false
	}
	for _, a := range c.Architectures {
		if strings.HasSuffix(a, "ForSequenceClassification") {
			return true
		}
	}
	return c.NumLabels > 0
}
