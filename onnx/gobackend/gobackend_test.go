package gobackend

import (
	"os"
	"testing"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

func TestParityWithTorch(t *testing.T) {
	onnxtest.CheckEncoder(t, func(p string) (onnx.Encoder, error) { return Open(p, onnx.Options{}) }, map[string]string{
		"luke-tiny": "GoMLX cannot compile the torch.onnx export of LUKE yet (broadcastAxes out of range)",
	})
}

func TestLoadRestoresWorkingDirectory(t *testing.T) {
	before, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(onnxtest.Dir("bert-tiny")+"/model.onnx", onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	after, _ := os.Getwd()
	if after != before {
		t.Fatalf("working directory changed: %s -> %s", before, after)
	}
}

// A non-positive bucket would divide by zero (or size a negative slice) in
// Run: Open rejects it.
func TestNonPositiveBucketRejected(t *testing.T) {
	for _, b := range [][]int{{0}, {16, -32}} {
		s, err := Open(onnxtest.Dir("bert-tiny")+"/model.onnx", onnx.Options{SequenceBuckets: b})
		if err == nil {
			s.Close()
			t.Errorf("buckets %v accepted", b)
		}
	}
}
