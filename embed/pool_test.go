package embed

import (
	"math"
	"testing"
)

func TestPool(t *testing.T) {
	// 3 real tokens of dim 2 (plus one padding row that must be ignored).
	h := []float32{1, 2, 3, -4, 5, 0, 100, 100}
	for _, tc := range []struct {
		mode string
		skip int
		want []float32
	}{
		{"cls", 0, []float32{1, 2}},
		{"lasttoken", 0, []float32{5, 0}},
		{"mean", 0, []float32{3, -2.0 / 3}},
		{"mean", 1, []float32{4, -2}}, // include_prompt false: first token left out
		{"max", 0, []float32{5, 2}},
		{"mean_sqrt_len_tokens", 0, []float32{9 / float32(math.Sqrt(3)), -2 / float32(math.Sqrt(3))}},
	} {
		out := make([]float32, 2)
		if err := Pool(tc.mode, h, 2, 3, tc.skip, out); err != nil {
			t.Fatal(err)
		}
		for j := range out {
			if math.Abs(float64(out[j]-tc.want[j])) > 1e-6 {
				t.Errorf("%s skip %d: got %v, want %v", tc.mode, tc.skip, out, tc.want)
				break
			}
		}
	}
	// Every real token masked out (include_prompt false and the text cut
	// inside the prompt): sentence-transformers clamps the token count at
	// 1e-9 (mean: 0/1e-9, sqrt-len: 0/sqrt(1e-9)) and fills masked
	// positions with -1e9 before max pooling: finite values, never NaN/Inf.
	for _, tc := range []struct {
		mode string
		want float32
	}{{"mean", 0}, {"mean_sqrt_len_tokens", 0}, {"max", -1e9}} {
		out := make([]float32, 2)
		if err := Pool(tc.mode, h, 2, 3, 3, out); err != nil {
			t.Fatal(err)
		}
		if out[0] != tc.want || out[1] != tc.want {
			t.Errorf("%s with every token skipped: got %v, want [%v %v]", tc.mode, out, tc.want, tc.want)
		}
	}
	if err := Pool("weird", h, 2, 3, 0, make([]float32, 2)); err == nil {
		t.Error("unknown mode accepted")
	}
	if err := Pool("mean", h, 2, 0, 0, make([]float32, 2)); err == nil {
		t.Error("empty sequence accepted")
	}
}

func TestNormalize(t *testing.T) {
	v := []float32{3, 4}
	Normalize(v)
	if v[0] != 0.6 || v[1] != 0.8 {
		t.Fatalf("Normalize(3,4) = %v", v)
	}
	z := []float32{0, 0}
	Normalize(z)
	if z[0] != 0 || z[1] != 0 {
		t.Fatalf("Normalize(0,0) = %v", z)
	}
}
