// Package bm25 implements BM25 for Japanese retrieval evaluation.
//
// # Okapi reranker (JQaRA baseline)
//
// Okapi is identical to rank_bm25's BM25Okapi as used by the published
// JQaRA bm25 run: per question, over its candidates only (N = 100), k1=1.5,
// b=0.75, epsilon=0.25, negative idf replaced by epsilon times the mean idf,
// query tokens counted with repetition, text = title + " " + text (see
// JoinTitle), tokens = fugashi + unidic-lite `-Owakati` split on " " —
// analysis.Options{Dict: analysis.Uni}; a text without tokens becomes [""]
// (Python's "".split(" ")), which counts 1 in lengths. No empty token ends
// the other lists: fugashi's parse() right-strips MeCab's output, which
// also drops trailing words made of Python whitespace (U+3000, CR, ...).
// TestJQaRABM25Reference checks tokens and scores against the evaluator's
// own code (fugashi 1.5.2, unidic-lite 1.0.8, rank_bm25 0.2.2) on the
// sample's 50 questions, 40 manpages-ja groups and whitespace edge cases:
// every token identical, every score bit-identical.
// OkapiScores is the same formula over pre-tokenised input. Okapi
// implements rerank.Reranker.
//
// # Index (full-collection retrieval)
//
// Index is an in-memory inverted index built from a stream of documents
// (Build, or NewBuilder/Add/Finish) with a progress callback. Scores:
//
//	score(q,d) = sum over distinct query terms t (first-occurrence order) of
//	             qtf(t) * idf(t) * tf*(k1+1) / (tf + k1*(1-b+b*dl/avgdl))
//
// with Lucene's idf ln(1+(N-n+0.5)/(n+0.5)) by default (k1=1.2, b=0.75) or
// the Okapi idf of rank_bm25 over the whole collection (Variant OkapiIdf).
// Search returns the top k with MaxScore dynamic pruning and is identical
// to SearchExhaustive (ties: lower document number first); the final score
// of every candidate is summed in the canonical term order so that pruning
// never changes a score. The zero IndexParams means the defaults (set
// Variant explicitly to use b = 0).
//
// Save writes one file (magic, version, payload length, CRC-32C, then the
// payload; see format.go) through a temporary file renamed into place;
// Load rejects truncated, corrupt or foreign files with an error wrapping
// ErrFormat that names the file and the offending field. The analyzer
// options an index was built with are stored in it, so SearchText tokenises
// queries the same way.
//
// See ../shared/specs/bm25-variants.md for the formulas of the anchors
// (rank_bm25, SQLite FTS5, Xapian).
package bm25
