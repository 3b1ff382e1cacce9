package vecsim

import "math"

// Block kernel geometry. Documents are packed in panels of panelW documents
// with their elements interleaved ([k][16]); blockDocs documents (kernP
// panels) form one kernel block. Queries are packed in groups of kernQ
// ([k][6]).
const (
	panelW    = 16
	kernP     = 4
	blockDocs = panelW * kernP // 64
	kernQ     = 6
	tileLen   = kernQ * blockDocs
)

// kernTile scores one query group against one document block:
// tile[q*64+j] = sum_k qp[k*6+q]*dp[panel(j)*16*dim + k*16 + j%16], summed
// with one float32 accumulator per (q, j) in ascending k by fused multiply-add.
// rowmax[q] is the largest non-NaN score of row q (-Inf if none).
var kernTile = kernTileGeneric

func kernTileGeneric(qp, dp []float32, dim int, tile *[tileLen]float32, rowmax *[kernQ]float32) {
	var acc [kernQ][blockDocs]float32
	ps := panelW * dim
	qp = qp[:kernQ*dim]
	dp = dp[:blockDocs*dim]
	for k := 0; k < dim; k++ {
		qk := qp[k*kernQ : k*kernQ+kernQ : k*kernQ+kernQ]
		for p := 0; p < kernP; p++ {
			d := dp[p*ps+k*panelW : p*ps+k*panelW+panelW : p*ps+k*panelW+panelW]
			for q := 0; q < kernQ; q++ {
				x := qk[q]
				a := acc[q][p*panelW : p*panelW+panelW : p*panelW+panelW]
				for l := range a {
					a[l] = fma32(x, d[l], a[l])
				}
			}
		}
	}
	for q := 0; q < kernQ; q++ {
		m := float32(math.Inf(-1))
		for j, s := range acc[q] {
			tile[q*blockDocs+j] = s
			if s > m {
				m = s
			}
		}
		rowmax[q] = m
	}
}

// kernSingle scores one query (plain layout) against one document block:
// tile[j] for j < 64 in the same order as kernTile, rowmax the largest
// non-NaN score (-Inf if none). It streams 4 panels with 4 FMA chains and is
// the memory-bound single-query path.
var kernSingle = kernSingleGeneric

func kernSingleGeneric(q, dp []float32, dim int, tile *[blockDocs]float32, rowmax *float32) {
	var acc [blockDocs]float32
	ps := panelW * dim
	q = q[:dim]
	dp = dp[:blockDocs*dim]
	for k, x := range q {
		for p := 0; p < kernP; p++ {
			d := dp[p*ps+k*panelW : p*ps+k*panelW+panelW : p*ps+k*panelW+panelW]
			a := acc[p*panelW : p*panelW+panelW : p*panelW+panelW]
			for l := range a {
				a[l] = fma32(x, d[l], a[l])
			}
		}
	}
	m := float32(math.Inf(-1))
	for j, s := range acc {
		tile[j] = s
		if s > m {
			m = s
		}
	}
	*rowmax = m
}

// packQueries packs rows of m (row-major) into groups of kernQ queries,
// [g][k][q] order, padding the last group with zero queries.
func packQueries(m Matrix) []float32 {
	groups := (m.Rows + kernQ - 1) / kernQ
	out := make([]float32, groups*kernQ*m.Dim)
	for i := 0; i < m.Rows; i++ {
		g, q := i/kernQ, i%kernQ
		base := g * kernQ * m.Dim
		row := m.Row(i)
		for k, x := range row {
			out[base+k*kernQ+q] = x
		}
	}
	return out
}

// packDocsInto writes rows [r0, r0+n) of m (n <= blockDocs) into dst, one
// block in panel layout, zero-filling missing documents.
func packDocsInto(dst []float32, m Matrix, r0, n int) {
	dim := m.Dim
	dst = dst[:blockDocs*dim]
	if n < blockDocs {
		clear(dst)
	}
	for j := 0; j < n; j++ {
		row := m.Row(r0 + j)
		p, l := j/panelW, j%panelW
		base := p*panelW*dim + l
		for k, x := range row {
			dst[base+k*panelW] = x
		}
	}
}

// ScoreBlock computes out[q*docs.Rows+j] = score(queries row q, docs row j)
// for all pairs, using the same kernel (and therefore bit-identical scores)
// as Flat. out must hold queries.Rows*docs.Rows values. It panics on shape
// mismatch.
func ScoreBlock(queries, docs Matrix, out []float32) {
	if queries.Dim != docs.Dim {
		panic("vecsim: ScoreBlock dimension mismatch")
	}
	if err := queries.Validate(); err != nil {
		panic(err)
	}
	if err := docs.Validate(); err != nil {
		panic(err)
	}
	if len(out) < queries.Rows*docs.Rows {
		panic("vecsim: ScoreBlock output too short")
	}
	if queries.Rows == 0 || docs.Rows == 0 {
		return
	}
	if queries.Dim == 0 {
		clear(out[:queries.Rows*docs.Rows])
		return
	}
	scoreBlockPacked(packQueries(queries), queries.Rows, docs, out)
}

// scoreBlockPacked is ScoreBlock with the queries already packed.
func scoreBlockPacked(qp []float32, nq int, docs Matrix, out []float32) {
	dim := docs.Dim
	groups := (nq + kernQ - 1) / kernQ
	dp := make([]float32, blockDocs*dim)
	var tile [tileLen]float32
	var rmax [kernQ]float32
	for r0 := 0; r0 < docs.Rows; r0 += blockDocs {
		n := min(blockDocs, docs.Rows-r0)
		packDocsInto(dp, docs, r0, n)
		for g := 0; g < groups; g++ {
			kernTile(qp[g*kernQ*dim:], dp, dim, &tile, &rmax)
			for q := 0; q < kernQ; q++ {
				qi := g*kernQ + q
				if qi >= nq {
					break
				}
				copy(out[qi*docs.Rows+r0:qi*docs.Rows+r0+n], tile[q*blockDocs:q*blockDocs+n])
			}
		}
	}
}

// dotSeq is the scalar reference of the block-kernel order (one accumulator,
// ascending k, fused multiply-add).
func dotSeq(a, b []float32) float32 {
	var s float32
	for i := range a {
		s = fma32(a[i], b[i], s)
	}
	return s
}

// kernPanelQ8 scores up to 8 queries (plain layout; nil entries are
// skipped) against one panel of 16 documents: out[q][j] =
// sum_k qs[q][k]*dp[k*16+j], one FMA chain per score in ascending k, the
// same bits as kernSingle and kernTile give for that (query, document).
var kernPanelQ8 = kernPanelQ8Generic

// rescorePanels selects how Int8Index re-scores candidates: by panel with
// kernPanelQ8 (where it has an assembly kernel), or by 64-document block
// with kernSingle. Both give the same bits.
var rescorePanels = false

func kernPanelQ8Generic(qs *[8][]float32, dp []float32, dim int, out *[8][panelW]float32) {
	dp = dp[:panelW*dim]
	for q, v := range qs {
		if v == nil {
			continue
		}
		var acc [panelW]float32
		for k, x := range v[:dim] {
			d := dp[k*panelW : k*panelW+panelW : k*panelW+panelW]
			for l := range acc {
				acc[l] = fma32(x, d[l], acc[l])
			}
		}
		out[q] = acc
	}
}
