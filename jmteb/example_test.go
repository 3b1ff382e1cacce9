package jmteb_test

import (
	"context"
	"fmt"

	"github.com/jretrieve/jretrieve/jmteb"
	"github.com/jretrieve/jretrieve/vecsim"
)

// Evaluate your own embeddings with JMTEB's retrieval protocol: the
// corpus rows, their ids, and per query its relevant ids.
func ExampleRetrieval() {
	corpus, _ := vecsim.MatrixFromRows([][]float32{{1, 0}, {0, 1}, {0.7, 0.7}})
	queries, _ := vecsim.MatrixFromRows([][]float32{{0.9, 0.1}, {0.1, 0.9}})
	split := jmteb.RetrievalSplit{Queries: queries, Relevant: [][]string{{"a"}, {"c"}}}
	r, err := jmteb.Retrieval(context.Background(), corpus, []string{"a", "b", "c"}, split, split, jmteb.RetrievalOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s = %.4f (%s)\n", r.Metric, r.Value, r.Optimal)
	// Output: ndcg@10 = 0.8155 (cosine_similarity)
}

// Write a summary.json that JMTEB's leaderboard tooling reads.
func ExampleSummary() {
	var s jmteb.Summary
	s.Add("STS", "jsts", &jmteb.Result{Metric: "spearman", Value: 0.8})
	s.Add("Classification", "amazon_review_classification", &jmteb.Result{Metric: "macro_f1", Value: 0.5})
	b, _ := s.MarshalJSON()
	fmt.Println(string(b))
	fmt.Printf("average %.2f\n", s.Averages().Overall*100)
	// Output:
	// {
	//     "Classification": {
	//         "amazon_review_classification": {
	//             "macro_f1": 0.5
	//         }
	//     },
	//     "STS": {
	//         "jsts": {
	//             "spearman": 0.8
	//         }
	//     }
	// }
	// average 65.00
}
