// Package vecsim is the dense-vector similarity core of jretrieve: dot
// products, cosine similarity, L2 normalisation, batch scoring of a query
// block against a document matrix, deterministic top-k selection, an exact
// flat index (Flat), int8 and binary (sign) quantised indexes with optional
// float32 rescoring, MaxSim late-interaction scoring (ColBERT / JaColBERT) and
// .npy interchange with numpy and FAISS.
//
// # Storage
//
// A Matrix is row-major and contiguous: row i is Data[i*Dim:(i+1)*Dim]. Flat
// stores its vectors in one contiguous []float32 as well, but re-packed into
// panels of 16 documents ([k][16] interleaved) so that the scoring kernel can
// multiply one broadcast query element by 16 documents at a time.
//
// # Kernels and identical results
//
// On amd64 CPUs with AVX-512F the hot loops run in Go assembly; everywhere
// else (and with GODEBUG-free build tag purego) a pure-Go fallback runs. The
// fallback produces bit-identical results because it performs exactly the
// same float32 operations in exactly the same order:
//
//   - Dot (and Cosine, Normalize, which build on it) accumulates into 64
//     float32 partial sums, element i going to sum i%64 in ascending i, each
//     step being a float32 multiply followed by a float32 add (no fused
//     multiply-add, so there is no rounding difference to emulate). The 64
//     partial sums are then added in a fixed tree: s[l]+s[l+16], s[l+32]+
//     s[l+48], their sum, then halving 16→8→4→2→1 lanes.
//   - ScoreBlock, Flat, MaxSim score each (query, document) pair with one
//     float32 accumulator that runs over the dimensions in ascending order,
//     again with a separate multiply and add per element. The assembly gets its
//     parallelism across documents (16 lanes) and queries, never by splitting
//     a sum.
//   - int8 and binary kernels are integer arithmetic and therefore exact.
//
// Because Dot splits the sum 64 ways and the block kernels do not, Dot(q, d)
// and the Flat score of the same pair can differ in the last bits (both are
// within float32 rounding of the float64 value); each is reproducible on every
// CPU. On Zen 4/5 separate multiply and add run on different pipes, so giving
// up FMA costs no throughput there.
//
// # NaN and zero vectors
//
// Dot and the block kernels follow IEEE 754: a NaN in either input gives a NaN
// score, an Inf gives ±Inf or NaN. Top-k selection skips NaN scores, so a
// result list can hold fewer than k hits when NaNs are present. Cosine of a
// zero vector is 0. Normalize leaves a zero vector unchanged (all zeros, no
// NaN).
//
// # Ties
//
// TopK and every Search order hits by score descending, then by index
// ascending, so results are deterministic for any thread count.
//
// # Quantisation
//
// Int8Index stores each document as int8 codes with either one scale per
// dimension (ScalePerDim, trained as max |x| per dimension over the indexed
// data) or one scale per vector (ScalePerVector). The query is scaled (and,
// for per-dimension mode, multiplied by the dimension scales) and quantised to
// int8 as well; scores are integer dot products times the scales. With
// rescore > 0 the best rescore candidates are re-scored exactly in float32
// from the owning Flat. BinaryIndex keeps one sign bit per dimension and ranks
// by Hamming distance, again with optional float32 rescoring.
//
// # .npy files
//
// ReadNPY and WriteNPY read and write little-endian float32 arrays in C order
// with format version 1.0, 2.0 (and 3.0 on read), 1-D or 2-D shapes. Headers
// are validated strictly; size mismatches and truncated data are errors that
// name the problem. WriteNPYFile writes through a temporary file and renames
// it into place.
package vecsim
