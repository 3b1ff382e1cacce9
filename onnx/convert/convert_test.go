package convert_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/convert"
	"github.com/jretrieve/jretrieve/onnx/gobackend"
	"github.com/jretrieve/jretrieve/onnx/ort"
)

// fixtures are the checkpoints written by
// scripts/reference/convert_reference.py with their transformers outputs.
var fixtures = []string{"bert", "bert-cls", "distilbert", "distilbert-cls", "xlmr", "xlmr-cls", "colbert", "luke", "modernbert", "modernbert-cls", "llama", "llama-mqa"}

type reference struct {
	Class      string `json:"class"`
	DType      string `json:"dtype"`
	PadTokenID int64  `json:"pad_token_id"`
	Items      []struct {
		InputIDs        []int64   `json:"input_ids"`
		TokenTypeIDs    []int64   `json:"token_type_ids"`
		LastHiddenState []float64 `json:"last_hidden_state"`
		Logits          []float64 `json:"logits"`
	} `json:"items"`
}

func loadReference(t *testing.T, name string) *reference {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// batch packs every reference input into ONE right-padded batch, so that
// the comparison with the unpadded torch runs also checks masking.
func (r *reference) batch(withTypes bool) *onnx.Batch {
	seq := 0
	for _, it := range r.Items {
		seq = max(seq, len(it.InputIDs))
	}
	b := &onnx.Batch{Size: len(r.Items), SeqLen: seq, PadID: r.PadTokenID}
	b.InputIDs = make([]int64, b.Size*seq)
	b.AttentionMask = make([]int64, b.Size*seq)
	if withTypes {
		b.TokenTypeIDs = make([]int64, b.Size*seq)
	}
	for i, it := range r.Items {
		for j := range seq {
			k := i*seq + j
			if j < len(it.InputIDs) {
				b.InputIDs[k] = it.InputIDs[j]
				b.AttentionMask[k] = 1
				if withTypes && it.TokenTypeIDs != nil {
					b.TokenTypeIDs[k] = it.TokenTypeIDs[j]
				}
			} else {
				b.InputIDs[k] = r.PadTokenID
			}
		}
	}
	return b
}

// compare checks the encoder's output on the padded batch against the
// reference: max |diff| <= 1e-4 and cosine >= 0.99999 per item.
func compare(t *testing.T, r *reference, enc onnx.Encoder) {
	t.Helper()
	withTypes := false
	for _, in := range enc.Inputs() {
		withTypes = withTypes || in == onnx.TokenTypeIDs
	}
	b := r.batch(withTypes)
	out, err := enc.Run(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range r.Items {
		var got []float32
		var want []float64
		if it.Logits != nil {
			l := out.Shape[1]
			got, want = out.Data[i*l:(i+1)*l], it.Logits
		} else {
			h := out.Shape[2]
			got, want = out.Data[i*b.SeqLen*h:(i*b.SeqLen+len(it.InputIDs))*h], it.LastHiddenState
		}
		if len(got) != len(want) {
			t.Fatalf("item %d: %d values, reference %d", i, len(got), len(want))
		}
		var maxd, dot, ng, nw float64
		for j := range got {
			g, w := float64(got[j]), want[j]
			maxd = max(maxd, math.Abs(g-w))
			dot += g * w
			ng += g * g
			nw += w * w
		}
		cos := dot / math.Sqrt(ng*nw)
		if maxd > 1e-4 || !(cos >= 0.99999) {
			t.Errorf("item %d (%d tokens): max |diff| %.3g, cosine %.7f (want <= 1e-4, >= 0.99999)", i, len(it.InputIDs), maxd, cos)
		}
	}
}

func convertFixture(t *testing.T, name string, opts convert.Options) *convert.Result {
	t.Helper()
	res, err := convert.Convert(context.Background(), filepath.Join("testdata", name), t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func requireORT(t *testing.T) {
	t.Helper()
	if err := ort.Init(""); err != nil {
		if errors.Is(err, ort.ErrNoLibrary) && os.Getenv("JRETRIEVE_REQUIRE_NATIVE") != "1" {
			t.Skipf("ONNX Runtime not installed (run scripts/install-onnxruntime.sh): %v", err)
		}
		t.Fatal(err)
	}
}

// hasORT reports whether ONNX Runtime can be used (failing the test when
// JRETRIEVE_REQUIRE_NATIVE=1 and it cannot).
func hasORT() bool {
	err := ort.Init("")
	return err == nil || !errors.Is(err, ort.ErrNoLibrary) || os.Getenv("JRETRIEVE_REQUIRE_NATIVE") == "1"
}

func TestParityORT(t *testing.T) {
	requireORT(t)
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			r := loadReference(t, name)
			res := convertFixture(t, name, convert.Options{})
			enc, err := ort.Open(res.ONNX, onnx.Options{Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Close()
			compare(t, r, enc)
		})
	}
}

func TestParityGoBackend(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			r := loadReference(t, name)
			res := convertFixture(t, name, convert.Options{})
			enc, err := gobackend.Open(res.ONNX, onnx.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Close()
			compare(t, r, enc)
		})
	}
}
