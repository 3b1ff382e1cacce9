// Package jmteb reproduces the evaluators of JMTEB, the Japanese Massive
// Text Embedding Benchmark (github.com/sbintuitions/JMTEB), on any
// embeddings given as vecsim.Matrix ([]float32 rows), and writes results in
// JMTEB's summary.json format.
//
// # Evaluators
//
// Every evaluator follows JMTEB's protocol: candidates (similarity
// functions, classifiers, clustering algorithms) are compared on the
// validation split by the main metric, the best one (the first on ties,
// as Python's stable sort keeps it) is applied to the test split, and the
// Result records the main metric, the choice and all scores.
//
//   - Retrieval: exhaustive search of the corpus by cosine, dot product
//     and Euclidean distance through vecsim's exact flat index, the corpus
//     scanned in chunks (doc_chunk_size) keeping only top hits, so memory
//     is linear in the corpus; accuracy@{1,3,5,10}, ndcg@10 (binary gain,
//     ideal DCG over all relevant documents), mrr@10.
//   - Reranking: each query's candidates ordered by the same functions;
//     ndcg@{10,20,40} with graded relevance.
//   - STS: Spearman (and Pearson) correlation of the gold scores with
//     cosine, negative Manhattan, JMTEB's "euclidean" (also Manhattan) and
//     dot product.
//   - PairClassification: thresholds maximising accuracy and binary F1 on
//     the validation split, applied to the test split; main metric
//     binary_f1.
//   - Classification: k-NN (k=2, cosine) and multinomial logistic
//     regression (L2, C=1, sklearn's defaults) trained on the train split;
//     macro-F1.
//   - Clustering: MiniBatchKMeans, Ward agglomerative clustering,
//     BisectingKMeans and Birch with as many clusters as test classes;
//     V-measure.
//
// JMTEB's own quirks are kept where they change numbers, and documented
// at each function: its pair classification treats cosine similarity as
// a distance (a key-name mismatch), its STS "euclidean" is a Manhattan
// distance, its retrieval averages count queries without relevant
// documents as 0 and keep min(10, number of queries) hits.
//
// # Exactness
//
// scripts/reference/jmteb_reference.py runs JMTEB's procedures with torch,
// scikit-learn and scipy (JMTEB itself is not on PyPI) on synthetic
// embeddings; the tests compare every score. Retrieval, reranking, STS
// Spearman and pair classification agree to 1e-9; STS Pearson to 1e-7
// (torch sums float32 products in a different order).
//
// # Tasks and summaries
//
// Tasks lists the JMTEB tasks (the v1 suite of 16 and the v2 suite of 28),
// their category, Hub configs and splits; Summary holds per-task main
// scores and writes summary.json byte-compatible with JMTEB's
// (json.dump(indent=4), categories in the order JMTEB runs them); Averages
// computes the leaderboard's per-category and overall averages.
package jmteb
