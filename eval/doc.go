// Package eval computes retrieval metrics exactly as ranx does, reads and
// writes run and qrels files, compares runs with significance tests, and fuses
// runs.
//
// Data: Qrels maps query -> doc -> graded relevance; Run maps query -> doc ->
// score and keeps each query's documents in file order, because ranx's order
// of tied documents depends on it. Runs are read from TREC run files (rank
// column ignored, as ranx does), ranx JSON and ranx .lz4 files (CBOR inside
// an LZ4 frame inside another LZ4 frame); ReadRunFile detects the format.
//
// Metrics use ranx names and semantics: ndcg, ndcg_burges, dcg, dcg_burges,
// mrr, map, precision, recall, hit_rate, hits, f1, r-precision, bpref and
// rbp (rank-biased precision, "rbp.95" for persistence 0.95), each with an
// optional "@k" cutoff and "-l<n>" relevance level (a judged document is
// relevant iff its relevance is >= n; default 1; an unjudged document never
// is). The reported value is the mean over all qrels queries; a query with no
// relevant document scores 0. bpref is NaN, as in ranx, for a query with no
// judged non-relevant document (JQaRA's qrels list relevant documents only).
//
// Ties: TiesRanx (default) orders tied documents as ranx does, by emulating
// numba's quicksort argsort of the negated scores over the file order; this
// reproduces the published JQaRA leaderboard. TiesTREC breaks ties by
// document id descending (trec_eval); TiesStable keeps file order. Every
// Result also carries tie-aware bounds: each metric's value when the relevant
// documents of every tied group come last (pessimistic) or first
// (optimistic). Runs scored in fp16 have many ties, and the bounds show how
// much of a difference between two systems is tie-breaking luck.
//
// Compare evaluates several runs, tests every pair with a paired two-sided
// Student t-test (ranx's default) or Fisher's randomization test, marks
// significant wins with ranx-style superscript letters, adds bootstrap 95%
// confidence intervals, and writes the table as text, Markdown, CSV, JSON or
// LaTeX. Fuse combines runs as ranx.fuse does, with every unsupervised
// method ranx offers (rrf, combsum/sum, combmnz/mnz, anz, gmnz, max, min,
// med, wsum, wmnz, mixed, isr, log_isr, logn_isr, rbc, bordafuse,
// w_bordafuse) after any of its normalizations (min-max, min-max-inverted,
// max, sum, zmuv, rank, borda, none); the fused run has the first run's
// queries, as ranx's fusion functions do. All of this is checked against
// ranx itself (testdata/ranx, scripts/reference/ranx_reference.py).
//
// Writing: WriteRunFile picks the format from the extension and writes
// through a temporary file and a rename. Every writer keeps each query's
// document order and writes scores that read back bit for bit, so a round
// trip (ranx's reader included) preserves the evaluation, tie order
// included. The TREC writer gives each line its rank in ranx order (from 1)
// but keeps the lines in document order: lines sorted by rank, as ranx's own
// TREC export writes them, would be re-sorted on reading and rank tied
// documents differently. Run.Diff compares two runs exactly; `jretrieve
// convert` uses it to warn when an output cannot hold its input.
//
// Command line (cmd/jretrieve):
//
//	jretrieve evaluate --qrels qrels.trec [--metrics ndcg@10,mrr@10] [--ties ranx|trec|stable]
//	    [--format text|markdown|csv|json|latex] [--make-comparable] [--test student|fisher|none]
//	    [--bonferroni] [--ci] RUN...
//	jretrieve fuse --method rrf|combsum|combmnz|... [--norm minmax|zscore|...] -o fused.lz4 RUN...
//	jretrieve convert IN OUT
package eval
