package eval_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/jretrieve/jretrieve/eval"
)

func ExampleEvaluate() {
	qrels := eval.NewQrels()
	qrels.Add("q1", "d1", 1)
	qrels.Add("q1", "d3", 2)
	run := eval.NewRun("bm25")
	run.Add("q1", "d1", 12.5)
	run.Add("q1", "d2", 11.0)
	run.Add("q1", "d3", 11.0) // tied with d2: DCG 1 + 2/log2(4) = 2, IDCG 2 + 1/log2(3)
	res, err := eval.Evaluate(qrels, run, []string{"mrr@10", "ndcg@3"}, eval.Options{})
	if err != nil {
		panic(err)
	}
	for _, m := range res.Metrics {
		lo, hi := res.TieRange(m)
		fmt.Printf("%s %.4f tie range [%.4f, %.4f]\n", m, res.Mean[m], lo, hi)
	}
	// Output:
	// mrr@10 1.0000 tie range [1.0000, 1.0000]
	// ndcg@3 0.7602 tie range [0.7602, 0.8597]
}

func ExampleCompare() {
	qrels, _ := eval.ReadTRECQrels(strings.NewReader("q1 0 a 1\nq2 0 b 1\n"), "qrels")
	r1 := eval.NewRun("first")
	r1.Add("q1", "a", 2)
	r1.Add("q1", "x", 1)
	r1.Add("q2", "b", 2)
	r2 := eval.NewRun("second")
	r2.Add("q1", "x", 2)
	r2.Add("q1", "a", 1)
	r2.Add("q2", "b", 1)
	r2.Add("q2", "y", 1)
	rep, err := eval.Compare(qrels, []*eval.Run{r1, r2}, []string{"mrr"}, eval.CompareOptions{})
	if err != nil {
		panic(err)
	}
	rep.Write(os.Stdout, "markdown")
	// Output:
	// | # | Run | mrr |
	// | --- | --- | --- |
	// | a | first | 1.0000 |
	// | b | second | 0.7500 [0.5000, 0.7500] |
	//
	// Letters: significantly better than that run (paired two-sided Student t-test, p < 0.01).<br>
	// [lo, hi]: range over all orders of tied scores (shown where it exceeds 0.0005); values use ranx tie order.
}

func ExampleFuse() {
	a := eval.NewRun("bm25")
	a.Add("q", "d1", 9)
	a.Add("q", "d2", 3)
	b := eval.NewRun("dense")
	b.Add("q", "d2", 0.8)
	b.Add("q", "d3", 0.7)
	fused, _ := eval.Fuse("rrf", []*eval.Run{a, b}, eval.FuseOptions{})
	docs, scores := fused.Docs("q")
	for i, d := range docs {
		fmt.Printf("%s %.5f\n", d, scores[i])
	}
	// Output:
	// d2 0.03252
	// d1 0.01639
	// d3 0.01613
}
