package jmteb

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/jretrieve/jretrieve/vecsim"
)

// reference.json is written by scripts/reference/jmteb_reference.py:
// synthetic embeddings and JMTEB's procedures run with torch, sklearn and
// scipy.
type refExpected struct {
	Optimal string                        `json:"optimal"`
	Val     map[string]map[string]float64 `json:"val"`
	Test    map[string]float64            `json:"test"`
	Value   float64                       `json:"value"`
}

type refPairSplit struct {
	A, B   [][]float64
	Gold   []float64
	Labels []int
}

type refRetrievalSplit struct {
	Queries    [][]float64
	Relevant   [][]string
	Candidates [][]int
	Relevance  [][]float64
}

type refLabeled struct {
	X [][]float64
	Y []int
}

type reference struct {
	STS struct {
		Val, Test refPairSplit
		Expected  refExpected
	}
	Pair struct {
		Val, Test refPairSplit
		Expected  refExpected
	}
	Retrieval []struct {
		DocChunkSize int   `json:"doc_chunk_size"`
		AccuracyAtK  []int `json:"accuracy_at_k"`
		Corpus       [][]float64
		IDs          []string
		Val, Test    refRetrievalSplit
		Expected     refExpected
	}
	Reranking struct {
		Corpus    [][]float64
		Val, Test refRetrievalSplit
		Expected  refExpected
	}
	Classification []struct {
		Train, Val, Test refLabeled
		Expected         struct {
			refExpected
			Predictions map[string]struct{ Val, Test []int }
			LogregNIter int         `json:"logreg_n_iter"`
			LogregCoef  [][]float64 `json:"logreg_coef"`
		}
	}
	Clustering []struct {
		Val, Test refLabeled
		Expected  struct {
			refExpected
			TestAll         map[string]map[string]float64 `json:"test_all"`
			ValPredictions  map[string][]int              `json:"val_predictions"`
			TestPredictions map[string][]int              `json:"test_predictions"`
		}
	}
}

func loadReference(t testing.TB) *reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func mat(rows [][]float64) vecsim.Matrix {
	if len(rows) == 0 {
		return vecsim.Matrix{}
	}
	m := vecsim.NewMatrix(len(rows), len(rows[0]))
	for i, r := range rows {
		for j, x := range r {
			m.Data[i*m.Dim+j] = float32(x)
		}
	}
	return m
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// checkResult compares every validation score, the choice and the test
// scores; tol is per metric name (default 1e-9).
func checkResult(t *testing.T, got *Result, want refExpected, tol map[string]float64) {
	t.Helper()
	tl := func(m string) float64 {
		if x, ok := tol[m]; ok {
			return x
		}
		return 1e-9
	}
	for fn, ws := range want.Val {
		for m, w := range ws {
			if g, ok := got.Val[fn][m]; !ok || !near(g, w, tl(m)) {
				t.Errorf("val %s %s = %v, want %v", fn, m, g, w)
			}
		}
	}
	if got.Optimal != want.Optimal {
		t.Errorf("optimal = %s, want %s", got.Optimal, want.Optimal)
	}
	for m, w := range want.Test {
		if g := got.Test[got.Optimal][m]; !near(g, w, tl(m)) {
			t.Errorf("test %s = %v, want %v", m, g, w)
		}
	}
	if !near(got.Value, want.Value, 1e-9) {
		t.Errorf("value = %.17g, want %.17g (diff %.3g)", got.Value, want.Value, got.Value-want.Value)
	}
}

func TestSTSReference(t *testing.T) {
	ref := loadReference(t)
	s := ref.STS
	r, err := STS(PairSet{mat(s.Val.A), mat(s.Val.B)}, s.Val.Gold, PairSet{mat(s.Test.A), mat(s.Test.B)}, s.Test.Gold)
	if err != nil {
		t.Fatal(err)
	}
	// Pearson of cosine similarities: torch sums float32 products in its
	// own order; values agree to float32 rounding.
	checkResult(t, r, s.Expected, map[string]float64{"pearson": 1e-7})
}

func TestPairClassificationReference(t *testing.T) {
	ref := loadReference(t)
	s := ref.Pair
	r, err := PairClassification(PairSet{mat(s.Val.A), mat(s.Val.B)}, s.Val.Labels, PairSet{mat(s.Test.A), mat(s.Test.B)}, s.Test.Labels)
	if err != nil {
		t.Fatal(err)
	}
	// thresholds are float32 midpoints of float32 scores
	checkResult(t, r, s.Expected, map[string]float64{"accuracy_threshold": 1e-5, "binary_f1_threshold": 1e-5})
}

func TestRetrievalReference(t *testing.T) {
	ref := loadReference(t)
	for i, c := range ref.Retrieval {
		r, err := Retrieval(context.Background(), mat(c.Corpus), c.IDs,
			RetrievalSplit{mat(c.Val.Queries), c.Val.Relevant}, RetrievalSplit{mat(c.Test.Queries), c.Test.Relevant},
			RetrievalOptions{DocChunkSize: c.DocChunkSize, AccuracyAtK: c.AccuracyAtK})
		if err != nil {
			t.Fatal(err)
		}
		t.Run(string(rune('a'+i)), func(t *testing.T) { checkResult(t, r, c.Expected, nil) })
	}
}

func TestRerankingReference(t *testing.T) {
	ref := loadReference(t)
	c := ref.Reranking
	r, err := Reranking(mat(c.Corpus),
		RerankingSplit{mat(c.Val.Queries), c.Val.Candidates, c.Val.Relevance},
		RerankingSplit{mat(c.Test.Queries), c.Test.Candidates, c.Test.Relevance}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, r, c.Expected, nil)
}

func TestClassificationReference(t *testing.T) {
	ref := loadReference(t)
	for ci, c := range ref.Classification {
		train := LabeledSet{mat(c.Train.X), c.Train.Y}
		val := LabeledSet{mat(c.Val.X), c.Val.Y}
		test := LabeledSet{mat(c.Test.X), c.Test.Y}
		clfs := DefaultClassifiers()
		for name, want := range c.Expected.Predictions {
			if err := clfs[name].Fit(context.Background(), train.X, train.Y); err != nil {
				t.Fatal(err)
			}
			for split, w := range map[string][]int{"val": want.Val, "test": want.Test} {
				x := val.X
				if split == "test" {
					x = test.X
				}
				got := clfs[name].Predict(x)
				diff := 0
				for i := range w {
					if got[i] != w[i] {
						diff++
					}
				}
				if diff > 0 {
					t.Errorf("case %d %s %s: %d of %d predictions differ from scikit-learn", ci, name, split, diff, len(w))
				}
			}
		}
		lr := clfs["logreg"].(*LogReg)
		var maxd, maxc float64
		for i, row := range lr.Coef() {
			for j, v := range row {
				var w float64
				if j < len(row)-1 {
					w = c.Expected.LogregCoef[i][j]
				} else {
					continue
				}
				maxd = math.Max(maxd, math.Abs(v-w))
				maxc = math.Max(maxc, math.Abs(w))
			}
		}
		t.Logf("case %d: logreg %d iterations (sklearn %d), max |coef diff| %.3g (max |coef| %.3g)", ci, lr.NIter, c.Expected.LogregNIter, maxd, maxc)
		r, err := Classification(context.Background(), train, val, test)
		if err != nil {
			t.Fatal(err)
		}
		checkResult(t, r, c.Expected.refExpected, nil)
	}
}

// samePartition reports whether two labelings group the rows identically.
func samePartition(a, b []int) bool {
	m, r := map[int]int{}, map[int]int{}
	for i := range a {
		if x, ok := m[a[i]]; ok && x != b[i] {
			return false
		}
		if x, ok := r[b[i]]; ok && x != a[i] {
			return false
		}
		m[a[i]], r[b[i]] = b[i], a[i]
	}
	return true
}

func TestClusteringReference(t *testing.T) {
	ref := loadReference(t)
	ctx := context.Background()
	for ci, c := range ref.Clustering {
		val := LabeledSet{mat(c.Val.X), c.Val.Y}
		test := LabeledSet{mat(c.Test.X), c.Test.Y}
		k := len(sortedLabels(test.Y))
		// deterministic algorithms: the same partition as scikit-learn
		for _, alg := range []string{"AgglomerativeClustering", "Birch"} {
			for split, s := range map[string]LabeledSet{"val": val, "test": test} {
				got, err := Cluster(ctx, alg, s.X, k, 0)
				if err != nil {
					t.Fatal(err)
				}
				want := c.Expected.ValPredictions[alg]
				if split == "test" {
					want = c.Expected.TestPredictions[alg]
				}
				if !samePartition(got, want) {
					t.Errorf("case %d %s %s: partition differs from scikit-learn", ci, alg, split)
				}
				_, _, v := VMeasure(s.Y, got)
				_, _, w := VMeasure(s.Y, want)
				if !near(v, w, 1e-12) {
					t.Errorf("case %d %s %s: V-measure %v, want %v", ci, alg, split, v, w)
				}
			}
		}
		// randomised algorithms (numpy's random streams are not reproduced):
		// the same V-measure on the separable case, reported on the other
		for _, alg := range []string{"MiniBatchKMeans", "BisectingKMeans"} {
			got, err := Cluster(ctx, alg, test.X, k, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, _, v := VMeasure(test.Y, got)
			w := c.Expected.TestAll[alg]["v_measure_score"]
			if ci == 0 && !near(v, w, 1e-12) {
				t.Errorf("case %d %s: V-measure %v, scikit-learn %v", ci, alg, v, w)
			}
			t.Logf("case %d %s: V-measure %.4f (scikit-learn seed 0: %.4f)", ci, alg, v, w)
		}
		if ci == 0 {
			r, err := Clustering(ctx, val, test, ClusteringOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, r, c.Expected.refExpected, nil)
		}
	}
}

func TestVMeasure(t *testing.T) {
	// sklearn: homogeneity_completeness_v_measure([0,0,1,1,2,2],[0,0,1,2,2,2])
	h, c, v := VMeasure([]int{0, 0, 1, 1, 2, 2}, []int{0, 0, 1, 2, 2, 2})
	if !near(h, 0.7103099178571525, 1e-12) || !near(c, 0.7715561736794712, 1e-12) || !near(v, 0.739667376800759, 1e-12) {
		t.Errorf("VMeasure = %v %v %v", h, c, v)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	x := vecsim.NewMatrix(3, 2)
	for _, alg := range clusteringOrder {
		if _, err := Cluster(ctx, alg, x, 4, 0); err == nil {
			t.Errorf("%s: 4 clusters of 3 rows accepted", alg)
		}
	}
	if _, err := Ward(ctx, x, 0); err == nil {
		t.Error("Ward: 0 clusters accepted")
	}
	bad := vecsim.Matrix{Rows: 2, Dim: 2, Data: make([]float32, 3)}
	if _, err := STS(PairSet{bad, bad}, []float64{1, 2}, PairSet{bad, bad}, []float64{1, 2}); err == nil {
		t.Error("STS: malformed matrix accepted")
	}
	ok := vecsim.NewMatrix(2, 2)
	if _, err := PairClassification(PairSet{ok, ok}, []int{1, 1}, PairSet{ok, ok}, []int{0, 1}); err == nil {
		t.Error("pair classification with one label accepted")
	}
	if _, err := Reranking(ok, RerankingSplit{ok, [][]int{{0}, {5}}, [][]float64{{1}, {1}}}, RerankingSplit{ok, [][]int{{0}, {1}}, [][]float64{{1}, {1}}}, nil); err == nil {
		t.Error("reranking: candidate outside the corpus accepted")
	}
	if _, err := Reranking(ok, RerankingSplit{ok, [][]int{{0}, {1}}, [][]float64{{0}, {1}}}, RerankingSplit{ok, [][]int{{0}, {1}}, [][]float64{{1}, {1}}}, nil); err == nil {
		t.Error("reranking: query without relevant candidate accepted")
	}
	if _, err := Classification(ctx, LabeledSet{ok, []int{0, 0}}, LabeledSet{ok, []int{0, 1}}, LabeledSet{ok, []int{0, 1}}); err == nil {
		t.Error("classification with one training class accepted")
	}
}
