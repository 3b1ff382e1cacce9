// Package pipeline runs the evaluation job of jretrieve: it parses model
// expressions (catalog models, local ONNX directories, BM25, fusion and
// retrieve-then-rerank chains), produces one run per expression on a
// dataset, caches embeddings and runs, and evaluates all runs together
// through package eval.
package pipeline
