#!/usr/bin/env bash
# JQaRA-protocol BM25 reranking end to end: 1,667 questions x 100 synthetic
# passages (title + " " + text from manpages-ja prose, ~300 characters),
# tokenised with the uni dictionary and scored with rank_bm25 BM25Okapi per
# question, on all CPUs. Prints seconds as JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./bench/bm25bench rerank "$@"
