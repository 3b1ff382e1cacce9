package datasets_test

import (
	"context"
	"fmt"
	"os"

	"github.com/jretrieve/jretrieve/datasets"
)

func ExampleSample() {
	d := datasets.Sample()
	fmt.Println(d.Name, len(d.Queries), "questions,", d.NumPairs(), "pairs,", len(d.Docs), "distinct passages")
	fmt.Println(d.Queries[0].ID, d.Queries[0].Text)
	// Output:
	// sample 50 questions, 1000 pairs, 139 distinct passages
	// sample-001 富士山の次に標高が高い日本の山はどれですか？
}

func ExampleOpenJQaRA() {
	d, err := datasets.OpenJQaRA(context.Background(), "testdata/mini.jsonl")
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, q := range d.Queries {
		fmt.Println(q.ID, q.Text)
		for _, doc := range d.CandidateDocs(i) {
			fmt.Printf("  %s %s\n", doc.ID, doc.Text)
		}
	}
	// The passage 21 is a candidate of both questions but stored once.
	fmt.Println(len(d.Docs), "distinct passages")
	// Output:
	// q2 日本で一番長い川は？
	//   20 信濃川 信濃川は日本一長い川である。
	//   21 利根川 利根川は流域面積が日本一の川である。
	// q1 日本で一番高い山は？
	//   10 富士山 富士山は日本の最高峰である。
	//   21 利根川 利根川は流域面積が日本一の川である。
	// 3 distinct passages
}

func ExampleQrels_WriteTREC() {
	d, _ := datasets.OpenJQaRA(context.Background(), "testdata/mini.jsonl")
	d.Qrels.WriteTREC(os.Stdout) // sorted by query, no final newline, like ranx
	fmt.Println()
	// Output:
	// q1 0 10 1
	// q2 0 20 1
}

func ExampleDataset_Limit() {
	d, _ := datasets.OpenJQaRA(context.Background(), "testdata/mini.jsonl")
	first := d.Limit(1) // the first query id in sorted order
	fmt.Println(first.Queries[0].ID, first.NumPairs())
	// Output:
	// q1 2
}

func ExampleRetrieval_Docs() {
	r := datasets.Sample().Retrieval()
	n := 0
	for doc, err := range r.Docs(context.Background()) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if n == 0 {
			fmt.Println(doc.ID)
		}
		n++
	}
	fmt.Println(n, r.NumDocs)
	// Output:
	// 102
	// 139 139
}
