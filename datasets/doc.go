// Package datasets loads retrieval evaluation sets: JQaRA and JaCWIR (from
// the Hugging Face Hub through a Fetcher, or from local parquet / JSON Lines
// files of the same schema), generic BEIR-style directories, and an embedded
// Japanese sample in JQaRA's schema that needs no network.
//
// Two shapes of task are produced:
//
//   - Dataset, rerank style: ordered queries, each with an ordered list of
//     candidate passages, and qrels. This is the JQaRA protocol (1,667 test
//     questions x 100 candidates, text title + " " + text, qrels from
//     label == 1) and JaCWIR's rerank protocol (5,000 questions, the
//     positive plus 99 hard negatives, query IDs "q_id##<doc_id>", text
//     title + " " + description). Passages repeated across questions are
//     stored once (Dataset.Docs), so an embedder embeds each once.
//   - Retrieval, full-collection style: queries, qrels and a corpus that is
//     streamed (JaCWIR's ~500,000-document collection, a BEIR corpus).
//
// Parquet files are read with github.com/parquet-go/parquet-go one page at
// a time, decoding only the needed columns, so memory stays small even for
// the 209 MB JaCWIR collection. Integer IDs (JQaRA's passage_row_id) are
// formatted in decimal. A missing column, a column of the wrong type, a
// null value or a file without rows is an error naming the file, the row
// (or line) and the column.
//
// Qrels.WriteTREC writes judgments byte-for-byte the way ranx saves a
// .trec qrels file, the format of the published JQaRA and JaCWIR qrels.
//
// Limit keeps the first N query IDs in sorted order, like the JQaRA
// evaluator's debug mode.
package datasets
