package bm25_test

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jretrieve/jretrieve/analysis"
	"github.com/jretrieve/jretrieve/bm25"
)

func ExampleOkapiScores() {
	docs := [][]string{{"a", "b", "a"}, {"b", "c"}, {"a", "d", "e", "f"}}
	fmt.Printf("%.4f\n", bm25.OkapiScores([]string{"c"}, docs, bm25.DefaultOkapiParams))
	// Output: [0.0000 0.6010 0.0000]
}

func ExampleNewOkapi() {
	a, err := analysis.New(analysis.Options{Dict: analysis.Uni})
	if err != nil {
		panic(err)
	}
	o := bm25.NewOkapi(a, bm25.OkapiParams{}) // rank_bm25 defaults, JQaRA tokenisation
	scores, err := o.Score(context.Background(), "東京の寺", []string{
		bm25.JoinTitle("浅草寺", "東京都台東区浅草にある寺"),
		bm25.JoinTitle("大阪城", "大阪市中央区にある城"),
		bm25.JoinTitle("名古屋城", "名古屋市中区にある城"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.4f\n", scores)
	// Output: [1.1911 0.0000 0.0000]
}

func ExampleBuild() {
	docs := slices.All([]string{"a b a", "b c", "a d e f"})
	stream := func(yield func(bm25.Doc, error) bool) {
		for i, t := range docs {
			if !yield(bm25.Doc{ID: fmt.Sprint("doc", i), Tokens: strings.Fields(t)}, nil) {
				return
			}
		}
	}
	ix, err := bm25.Build(context.Background(), stream, bm25.BuildOptions{})
	if err != nil {
		panic(err)
	}
	for _, h := range ix.Search([]string{"a", "c"}, 2) {
		fmt.Printf("%s %.4f\n", h.ID, h.Score)
	}
	// Output:
	// doc1 1.1357
	// doc0 0.6463
}
