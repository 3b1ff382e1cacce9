// Package rag composes retrieval for RAG pipelines over Japanese text:
// a BM25 inverted index, a dense flat index with an embedder, hybrid fusion,
// and an optional reranker (a cross-encoder) over the top N, on top of a
// document store persisted to one directory.
//
// # Pipeline
//
// Every stage is a Retriever (Retrieve(ctx, query, k) []Hit) and can be used
// alone or wrapped by the next one; the code reads like the pipeline it
// runs:
//
//	st, _ := rag.Open(ctx, "index", rag.OpenOptions{Embedder: emb})
//	lexical, _ := st.BM25()                        // bm25.Index.SearchText
//	dense, _ := st.Dense(emb)                      // embed query, vecsim.Flat search
//	hybrid := rag.Fuse(rag.RRF, lexical, dense)    // eval.Fuse, as `jretrieve eval` fuses runs
//	p := rag.Rerank(hybrid, crossEncoder, 50)      // rerank.Reranker over the top 50
//	hits, _ := p.Retrieve(ctx, "日本で一番高い山は？", 10)
//
// NewBM25 and NewDense build the first stages from a bm25.Index or a
// vecsim.Flat and any Corpus whose document i is the index's document i;
// RerankHits reranks a candidate list the caller already has. Fusion uses
// eval.Fuse (RRF, CombSUM, CombMNZ with its normalizations and weights),
// matching documents by id. All retrievers are
// safe for concurrent queries, honour cancellation, keep no global state and
// never print.
//
// # Store
//
// A Store keeps each Document's id, text and metadata beside a BM25 index
// (bm25.Build with the analysis options given, default UniDic -Owakati) and,
// when an embedder is given, the document vectors (EmbedDocuments, with the
// model's document prefix). Save writes one directory:
//
//	manifest.json     format, document count, analysis options, BM25 parameters,
//	                  the model identity (ModelInfo) and the size and sha256 of:
//	documents.jsonl   {"id", "text", "meta"} per line
//	bm25.idx          the bm25 index file
//	embeddings.npy    float32 (documents x dim), readable by numpy / FAISS
//
// Save takes a writer lock (LockDir: an flock on ".NAME.lock" beside the
// directory; a second writer fails with ErrLocked), writes the complete
// store into a new directory beside it and swaps that in (renameat2
// RENAME_EXCHANGE on Linux), so a reader sees the previous store or the new
// one, never a mix; an existing directory holding anything else is refused.
// Open reads the directory back without re-embedding, verifies every
// file against the manifest (ErrCorrupt), and compares the stored settings
// with the embedder and analysis options it is given: a different model
// (weights fingerprint), dimension, query or document prefix, maximum
// length, pooling or tokenizer is an error wrapping ErrMismatch, because
// such query vectors would not be comparable with the stored ones.
// Describe derives that identity from an *embed.Model; other embedders can
// implement Describer.
//
// Package ragtest has a weightless character n-gram embedder for tests and
// examples.
package rag
