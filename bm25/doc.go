// Package bm25 implements BM25 for Japanese retrieval evaluation:
//
//   - Okapi, a reranker identical to rank_bm25's BM25Okapi as used by the
//     published JQaRA bm25 run (per question, over its candidates, k1=1.5,
//     b=0.75, epsilon=0.25, fugashi -Owakati tokens with the trailing empty
//     token), and OkapiScores, the same formula over pre-tokenised input.
//   - Index, an inverted index for full-collection retrieval with top-k
//     search pruned by MaxScore, Lucene's always-positive idf by default
//     (Okapi's floored idf available), saved to one checksummed file.
//
// See ../shared/specs/bm25-variants.md for the formulas of the anchors.
package bm25
