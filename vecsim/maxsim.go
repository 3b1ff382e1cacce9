package vecsim

import "math"

// MaxSim returns the late-interaction (ColBERT / JaColBERT) score of a query
// token matrix against a document token matrix: for every query token the
// maximum inner product over the document tokens, summed over query tokens
// in ascending order in float32. Query tokens whose scores are all NaN, and
// every token when doc has no rows, contribute 0. Inner products come from the
// block kernel, so they are bit-identical to ScoreBlock.
func MaxSim(query, doc Matrix) float32 {
	if query.Rows == 0 || doc.Rows == 0 {
		return 0
	}
	scores := make([]float32, query.Rows*doc.Rows)
	ScoreBlock(query, doc, scores)
	return maxSimFromScores(scores, query.Rows, doc.Rows)
}

func maxSimFromScores(scores []float32, nq, nd int) float32 {
	var sum float32
	for q := 0; q < nq; q++ {
		m := float32(math.Inf(-1))
		for _, s := range scores[q*nd : (q+1)*nd] {
			if s > m {
				m = s
			}
		}
		if !math.IsInf(float64(m), -1) {
			sum += m
		}
	}
	return sum
}

// MaxSimBatch scores one query against many documents; the result has one
// score per document (bit-identical to MaxSim). The query is packed once.
// It panics if a document's dimension differs from the query's.
func MaxSimBatch(query Matrix, docs []Matrix) []float32 {
	out := make([]float32, len(docs))
	if query.Rows == 0 || query.Dim == 0 {
		return out
	}
	if err := query.Validate(); err != nil {
		panic(err)
	}
	qp := packQueries(query)
	var scores []float32
	for i, d := range docs {
		if d.Rows == 0 {
			continue
		}
		if d.Dim != query.Dim {
			panic("vecsim: MaxSimBatch dimension mismatch")
		}
		if err := d.Validate(); err != nil {
			panic(err)
		}
		if cap(scores) < query.Rows*d.Rows {
			scores = make([]float32, query.Rows*d.Rows)
		}
		s := scores[:query.Rows*d.Rows]
		scoreBlockPacked(qp, query.Rows, d, s)
		out[i] = maxSimFromScores(s, query.Rows, d.Rows)
	}
	return out
}
