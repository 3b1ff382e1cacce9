package rag_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/jretrieve/jretrieve/analysis"
	"github.com/jretrieve/jretrieve/bm25"
	"github.com/jretrieve/jretrieve/rag"
	"github.com/jretrieve/jretrieve/rag/ragtest"
)

var passages = []rag.Document{
	{ID: "fuji", Text: "富士山は静岡県と山梨県にまたがる日本一高い山で、標高は3776メートルです。", Meta: map[string]string{"file": "fuji.txt"}},
	{ID: "biwa", Text: "琵琶湖は滋賀県にある日本最大の湖です。", Meta: map[string]string{"file": "biwa.txt"}},
	{ID: "tokyo", Text: "東京は日本の首都で、人口は約1400万人です。", Meta: map[string]string{"file": "tokyo.txt"}},
	{ID: "kita", Text: "北岳は南アルプスにある日本で二番目に高い山です。", Meta: map[string]string{"file": "kita.txt"}},
	{ID: "shinano", Text: "信濃川は日本で最も長い川で、長さは367キロメートルです。", Meta: map[string]string{"file": "shinano.txt"}},
	{ID: "kyoto", Text: "京都は千年以上にわたって日本の都が置かれた古い町です。", Meta: map[string]string{"file": "kyoto.txt"}},
	{ID: "everest", Text: "エベレストは世界で最も高い山で、標高は8848メートルです。", Meta: map[string]string{"file": "everest.txt"}},
	{ID: "aso", Text: "阿蘇山は熊本県にある活火山で、大きなカルデラで知られています。", Meta: map[string]string{"file": "aso.txt"}},
}

// BM25 over a few Japanese passages: build a store, retrieve, print.
func ExampleStore_BM25() {
	ctx := context.Background()
	st, err := rag.Build(ctx, passages, rag.BuildOptions{})
	if err != nil {
		log.Fatal(err)
	}
	bm, err := st.BM25()
	if err != nil {
		log.Fatal(err)
	}
	hits, err := bm.Retrieve(ctx, "日本一高い山はどこですか", 3)
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hits {
		fmt.Printf("%s %.4f %s\n", h.ID, h.Score, h.Meta["file"])
	}
	// Output:
	// fuji 3.8360 fuji.txt
	// kita 2.3074 kita.txt
	// everest 1.9877 everest.txt
}

// A hybrid pipeline: BM25 and a dense index fused by reciprocal rank
// fusion, then the top 5 reranked by a second model (here the JQaRA BM25
// reranker; a cross-encoder from rerank.OpenCrossEncoder in practice).
func ExampleRerank() {
	ctx := context.Background()
	emb := ragtest.New(64) // embed.Open(ctx, modelDir) in practice
	st, err := rag.Build(ctx, passages, rag.BuildOptions{Embedder: emb})
	if err != nil {
		log.Fatal(err)
	}
	lexical, err := st.BM25()
	if err != nil {
		log.Fatal(err)
	}
	dense, err := st.Dense(emb)
	if err != nil {
		log.Fatal(err)
	}
	// BM25 over the candidates, particles and punctuation dropped
	a, err := analysis.New(analysis.Options{Dict: analysis.Uni, DropPOS: []string{"助詞", "助動詞", "補助記号"}})
	if err != nil {
		log.Fatal(err)
	}
	pipeline := rag.Rerank(rag.Fuse(rag.RRF, lexical, dense), bm25.NewOkapi(a, bm25.DefaultOkapiParams), 5)
	hits, err := pipeline.Retrieve(ctx, "日本で一番高い山の標高は？", 3)
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hits {
		fmt.Printf("%s %.4f\n", h.ID, h.Score)
	}
	// Output:
	// fuji 0.9280
	// everest 0.8472
	// kita 0.6902
}

// Saving a store and opening it again: the vectors are read back, not
// re-embedded, and the embedder is checked against the stored identity.
func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "rag-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	emb := ragtest.New(64)
	st, err := rag.Build(ctx, passages, rag.BuildOptions{Embedder: emb})
	if err != nil {
		log.Fatal(err)
	}
	if err := st.Save(dir); err != nil {
		log.Fatal(err)
	}
	st2, err := rag.Open(ctx, dir, rag.OpenOptions{Embedder: emb})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st2.Len(), "documents, model", st2.Manifest().Model.Name, "dim", st2.Manifest().Model.Dim)

	other := &ragtest.HashEmbedder{Size: 64, QueryPrefix: "質問: "}
	_, err = rag.Open(ctx, dir, rag.OpenOptions{Embedder: other})
	fmt.Println(err)
	// Output:
	// 8 documents, model hash-bigram dim 64
	// rag: model "hash-bigram" vs stored model "hash-bigram": settings differ from the stored index: query prefix: stored "", model "質問: "
}

func ExampleSplitPassages() {
	text := "富士山は日本一高い山です。\n\n琵琶湖は日本最大の湖です。滋賀県にあります。\n"
	for _, p := range rag.SplitPassages(text, 16) {
		fmt.Println(p)
	}
	// Output:
	// 富士山は日本一高い山です。
	// 琵琶湖は日本最大の湖です。
	// 滋賀県にあります。
}
