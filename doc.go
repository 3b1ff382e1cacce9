// Package jretrieve is a toolkit for evaluating and composing Japanese
// retrieval: embedders, rerankers and BM25, measured on JQaRA and JaCWIR with
// metrics identical to ranx, and put together into RAG pipelines.
//
// The root package holds no code; it documents the layout and hosts the
// reranking benchmarks (bench_test.go). The packages, from the bottom up:
//
//   - analysis: MeCab-exact Japanese word segmentation (UniDic, IPADIC).
//   - tokenizer: model tokenizers (BERT-Japanese, SentencePiece, tokenizer.json).
//   - onnx, onnx/ort, onnx/gobackend: encoders on ONNX Runtime or pure Go.
//   - vecsim: the dense similarity core (flat, int8, binary indexes, MaxSim, .npy).
//   - bm25: the JQaRA-exact Okapi reranker and an inverted index.
//   - embed: bi-encoders (and multi-vector models) from ONNX model directories.
//   - rerank: the Reranker interface and cross-encoders.
//   - eval: runs, qrels, ranx-identical metrics, significance tests, fusion.
//   - hub, catalog: Hugging Face downloads and the known Japanese models.
//   - datasets: JQaRA, JaCWIR, BEIR directories and an embedded sample.
//   - pipeline: the evaluation job of `jretrieve eval`.
//   - rag: retrieval for applications: BM25, dense and hybrid retrievers,
//     reranking, and a document store persisted to a directory.
//   - cmd/jretrieve: the command line.
//
// # Benchmarks
//
// `go test -bench . -run '^$'` in the repository root ranks the embedded
// sample (datasets.Sample: 50 questions x 20 candidates) with BM25, the
// similarity core at several collection sizes, every available model and the
// full retrieve-then-rerank pipeline. Besides ns/op each benchmark reports
// docs/s and the quality of what it ranked (nDCG@10 and MRR@10 through package
// eval), so benchstat shows speed and quality side by side. The tiny fixture
// models of testdata/models always run (ONNX Runtime when installed, else the
// pure-Go backend); set JRETRIEVE_MODELS to a directory of exported models
// (one sub-directory each) to benchmark real ones.
//
// Comparing two models (sub-benchmarks are named model=NAME) or two commits
// with benchstat (go install golang.org/x/perf/cmd/benchstat@latest):
//
//	go test -bench 'Rerank' -run '^$' -count 6 . > models.txt
//	benchstat -col /model -filter '/model:(bert-tiny OR xlmr-tiny)' models.txt
//
//	git checkout OLD && go test -bench . -run '^$' -count 6 . > old.txt
//	git checkout NEW && go test -bench . -run '^$' -count 6 . > new.txt
//	benchstat old.txt new.txt
package jretrieve
