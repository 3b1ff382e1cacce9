package catalog_test

import (
	"fmt"

	"github.com/jretrieve/jretrieve/catalog"
)

func ExampleLookup() {
	m, ok := catalog.Lookup("ruri-v3-30m")
	if !ok {
		return
	}
	fmt.Println(m.ID, m.Kind, m.Dims, m.Pooling)
	fmt.Printf("query %q, document %q\n", m.QueryPrefix, m.DocumentPrefix)
	fmt.Println("pooling verified:", !m.IsInferred("pooling"))
	// Output:
	// cl-nagoya/ruri-v3-30m embedder 256 mean
	// query "検索クエリ: ", document "検索文書: "
	// pooling verified: false
}

func ExampleAll() {
	n := map[catalog.Kind]int{}
	for _, m := range catalog.All() {
		n[m.Kind]++
	}
	fmt.Println(n[catalog.Embedder], "embedders,", n[catalog.MultiVector], "multi-vector,", n[catalog.CrossEncoder], "cross-encoders")
	// Output: 22 embedders, 2 multi-vector, 12 cross-encoders
}
