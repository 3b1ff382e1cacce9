// Package datasets loads retrieval evaluation sets: JQaRA and JaCWIR (from
// the Hugging Face Hub through a Fetcher, or from local parquet / JSON Lines
// files of the same schema), generic BEIR-style directories, and an embedded
// Japanese sample in JQaRA's schema that needs no network.
//
// # Tasks
//
// Two shapes of task are produced:
//
//   - Dataset, rerank style: ordered queries, each with an ordered list of
//     candidate passages, and qrels. Passages repeated across questions
//     (same ID and text) are stored once in Dataset.Docs and referenced by
//     index from Dataset.Candidates, so an embedder embeds each once.
//   - Retrieval, full-collection style: queries, qrels and a corpus that is
//     streamed with Retrieval.Docs (JaCWIR's ~500,000-document collection,
//     a BEIR corpus, or a Dataset's distinct passages via Dataset.Retrieval).
//
// # Protocols
//
// The loaders reproduce the published evaluators:
//
//   - JQaRA (LoadJQaRA, OpenJQaRA): one row per (question, candidate) with
//     columns q_id, question, passage_row_id, label, title, text (answers is
//     not needed). Queries in file order; candidates in file order with doc
//     ID passage_row_id (an integer is written in decimal) and text
//     title + " " + text; qrels from label > 0 (JQaRA's labels are 0 or 1,
//     so label == 1). The test split is 1,667
//     questions x 100 candidates.
//   - JaCWIR rerank (LoadJaCWIR, OpenJaCWIR): eval rows (query, positive,
//     negatives) give query ID "q_id##" + positive and candidates positive
//     then the 99 negatives; texts title + " " + description come from the
//     collection (doc_id, title, description), streamed keeping only the
//     needed documents; qrels (q_id##X, X, 1).
//   - JaCWIR retrieval (LoadJaCWIRRetrieval, OpenJaCWIRRetrieval): the same
//     queries and qrels over every collection document.
//   - BEIR (OpenBEIR): corpus.jsonl, queries.jsonl and qrels/<split>.tsv.
//
// Open resolves the names and paths the command line accepts ("sample",
// "jqara", "jacwir", "jacwir-retrieval", files, directories,
// "retrieval:SPEC"). Limit keeps the first N query IDs in sorted order,
// like the JQaRA evaluator's debug mode.
//
// Qrels.WriteTREC writes judgments byte-for-byte the way ranx saves a .trec
// qrels file (queries sorted, no final newline), the format of the
// published JQaRA and JaCWIR qrels; Qrels.Eval converts them for the eval
// package.
//
// # Files
//
// Parquet files are read with github.com/parquet-go/parquet-go one page at
// a time, decoding only the needed columns, so memory stays small even for
// the 209 MB JaCWIR collection. String, integer and list-of-string columns
// are accepted in the encodings pyarrow and arrow-rs write (nullable
// columns, 3-level LIST, dictionary pages, v1 and v2 data pages). JSON
// Lines files hold one object per row with the same field names.
//
// A missing file or column, a column of the wrong type, a null value, a
// broken JSON line, a file without rows (ErrEmpty) or a corrupt parquet
// file is an error naming the file, the row or line, and the column.
//
// # Sample
//
// Sample returns 50 Japanese questions about Japanese geography, history,
// science and culture with 20 candidate passages each, written for this
// project (sampledata/source.txt), so the evaluation runs offline.
package datasets
