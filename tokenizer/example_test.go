package tokenizer_test

import (
	"fmt"

	"github.com/jretrieve/jretrieve/tokenizer"
)

func ExampleLoad() {
	tk, err := tokenizer.Load("testdata/wordpiece-tiny")
	if err != nil {
		panic(err)
	}
	e := tk.Encode("Unaffable, hello!", 0)
	fmt.Println(e.Tokens)
	fmt.Println(e.IDs)
	// Output:
	// [[CLS] un ##aff ##able , hello [UNK] [SEP]]
	// [2 4 5 6 7 8 1 3]
}

func ExampleTokenizer_encodePair() {
	tk, err := tokenizer.Load("testdata/wordpiece-tiny")
	if err != nil {
		panic(err)
	}
	// Cross-encoder input: query, then document, cut to 6 ids.
	e := tk.EncodePair("hello", "unaffable hello", 6)
	fmt.Println(e.Tokens, e.TypeIDs, e.Truncated)
	// Output:
	// [[CLS] hello [SEP] un ##aff [SEP]] [0 0 0 1 1 1] true
}

func ExampleEncodeBatch() {
	tk, err := tokenizer.Load("testdata/wordpiece-tiny")
	if err != nil {
		panic(err)
	}
	b := tokenizer.EncodeBatch(tk, []string{"hello", "unaffable, hello"}, 0, tokenizer.Padding{Buckets: []int{8, 16}})
	fmt.Println(b.Rows, b.Cols)
	fmt.Println(b.IDs[:b.Cols])
	fmt.Println(b.AttentionMask[:b.Cols])
	// Output:
	// 2 8
	// [2 8 3 0 0 0 0 0]
	// [1 1 1 0 0 0 0 0]
}
