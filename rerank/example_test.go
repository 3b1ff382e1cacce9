package rerank_test

import (
	"context"
	"fmt"
	"log"

	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/rerank"
)

func ExampleOpenCrossEncoder() {
	ctx := context.Background()
	ce, err := rerank.OpenCrossEncoder(ctx, onnxtest.Dir("cross-encoder-bert-tiny"), rerank.CrossEncoderOptions{Backend: "go"})
	if err != nil {
		log.Fatal(err)
	}
	defer ce.Close()
	scores, err := ce.Score(ctx, "日本の首都はどこ?", []string{"東京は日本の首都です。", "京都の寺"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("activation %s, scores %.4f %.4f\n", ce.Activation(), scores[0], scores[1])
	// Output:
	// activation sigmoid, scores 0.3015 0.1841
}
