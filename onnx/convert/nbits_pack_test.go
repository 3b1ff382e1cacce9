package convert

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/ort"
	"google.golang.org/protobuf/proto"
)

// TestMatMulNBitsPacking checks the MatMulNBits encoding against ONNX
// Runtime itself: a 3 x 80 weight (3 blocks of 32 inputs per output, the
// last one half full) whose every block lies exactly on a 4-bit grid
// chosen by hand (scale and zero point per block, listed below), so that
// quantizing and dequantizing must give the weight back. ORT multiplies
// it by the identity (one token per input, Gather from an identity
// matrix): output row i is column i of the dequantized weight, which must
// equal W. A wrong nibble order, block order, scale or zero-point layout,
// or padding of the last block, moves values by whole grid steps.
func TestMatMulNBitsPacking(t *testing.T) {
	if err := ort.Init(""); err != nil {
		if errors.Is(err, ort.ErrNoLibrary) && os.Getenv("JRETRIEVE_REQUIRE_NATIVE") != "1" {
			t.Skipf("ONNX Runtime not installed (run scripts/install-onnxruntime.sh): %v", err)
		}
		t.Fatal(err)
	}
	const n, k, block = 3, 80, 32
	// grids[row][block] = {scale, zero point}: a block holds
	// (code - zp) * scale for codes running through 0..15 and spans
	// exactly [-zp*scale, (15-zp)*scale], a range that contains 0.
	grids := [n][3][2]float64{
		{{0.25, 3}, {0.5, 8}, {0.1, 15}},
		{{0.125, 0}, {1, 12}, {0.75, 5}},
		{{0.0625, 7}, {2, 1}, {0.5, 9}},
	}
	w := make([]float32, n*k)
	for r := range n {
		for i := range k {
			g := grids[r][i/block]
			code := (i*7 + r*5) % 16
			if i%block == 0 {
				code = 0 // every block reaches both ends of its range
			} else if i%block == 1 {
				code = 15
			}
			w[r*k+i] = float32((float64(code) - g[1]) * g[0])
		}
	}
	for _, sym := range []bool{false, true} {
		for _, acc := range []int{0, 4} {
			if sym {
				// Symmetric blocks have no zero point: the grid is
				// centred on 8 and the largest magnitude maps to code 0.
				for r := range n {
					for i := range k {
						g := grids[r][i/block]
						w[r*k+i] = float32((float64((i*7+r*5)%16) - 8) * g[0])
						if i%block == 0 {
							w[r*k+i] = float32(-8 * g[0])
						}
					}
				}
			}
			got := runNBits(t, w, n, k, nbits{bits: 4, block: block, accuracy: acc, symmetric: sym})
			for i := range k {
				for r := range n {
					if d := math.Abs(float64(got[i*n+r] - w[r*k+i])); d > 1e-6 {
						t.Errorf("symmetric %v accuracy %d: W[%d][%d] dequantizes to %g, want %g", sym, acc, r, i, got[i*n+r], w[r*k+i])
					}
				}
			}
		}
	}
}

// runNBits writes a graph computing Gather(I_k, input_ids) x W^T with W
// as MatMulNBits, runs it on the ids 0..k-1 and returns the [k, n] output.
func runNBits(t *testing.T, w []float32, n, k int, q nbits) []float32 {
	t.Helper()
	dir := t.TempDir()
	ext, err := newExternalData(dir, DataName, false)
	if err != nil {
		t.Fatal(err)
	}
	b := newGraph("nbits", &Checkpoint{Tensors: map[string]*Tensor{}}, ext)
	ids := b.input("input_ids")
	eye := make([]float32, k*k)
	for i := range k {
		eye[i*k+i] = 1
	}
	a := b.op("Gather", []string{b.constF32(eye, int64(k), int64(k)), ids})
	y := b.name("y")
	b.g.Node = append(b.g.Node, b.nbitsNode(q, a, y, w, n, k))
	b.output(y, "last_hidden_state", "batch", "sequence", n)
	if b.err != nil {
		t.Fatal(b.err)
	}
	if _, err := ext.finish(filepath.Join(dir, DataName)); err != nil {
		t.Fatal(err)
	}
	m := &pb.ModelProto{IrVersion: irVersion, Graph: b.g, OpsetImport: []*pb.OperatorSetIdProto{{Domain: "", Version: opset}, {Domain: msDomain, Version: 1}}}
	raw, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ONNXName)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	enc, err := ort.Open(path, onnx.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	batch := &onnx.Batch{Size: 1, SeqLen: k, InputIDs: make([]int64, k), AttentionMask: make([]int64, k)}
	for i := range k {
		batch.InputIDs[i], batch.AttentionMask[i] = int64(i), 1
	}
	out, err := enc.Run(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	return out.Data
}
