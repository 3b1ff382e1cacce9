package rerank_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/rerank"
)

// An embedder passed as a cross-encoder (jretrieve search --rerank
// testdata/models/bert-tiny) fails at open, saying what the model is,
// instead of at the first query with "encoder output shape [10 24 32],
// want [10 labels]".
func TestOpenCrossEncoderRejectsEmbedders(t *testing.T) {
	for _, name := range onnxtest.Embedders {
		_, err := rerank.OpenCrossEncoder(context.Background(), onnxtest.Dir(name), rerank.CrossEncoderOptions{Backend: "go"})
		if !errors.Is(err, rerank.ErrEmbedder) {
			t.Errorf("%s: err %v, want ErrEmbedder", name, err)
		}
	}
}
