package embed

import (
	"fmt"
	"math"

	"github.com/jretrieve/jretrieve/onnx/modeldir"
)

// Pool reduces one sequence's token vectors to a single vector, as
// sentence-transformers' Pooling module does. hidden holds at least n rows of
// h floats (row-major); n is the number of real (attention mask 1) tokens;
// the first skip tokens are left out of mean/max pooling (include_prompt
// false: the prompt's tokens, [CLS] included). out receives h floats.
func Pool(mode string, hidden []float32, h, n, skip int, out []float32) error {
	if n <= 0 || len(hidden) < n*h || len(out) < h {
		return fmt.Errorf("embed: pool %s: %d tokens of dim %d in %d floats", mode, n, h, len(hidden))
	}
	switch mode {
	case modeldir.PoolCLS:
		copy(out[:h], hidden[:h])
	case modeldir.PoolLastToken:
		copy(out[:h], hidden[(n-1)*h:n*h])
	case modeldir.PoolMean, modeldir.PoolMeanSqrtLen:
		lo := min(skip, n)
		acc := make([]float64, h)
		for t := lo; t < n; t++ {
			row := hidden[t*h : (t+1)*h]
			for j, v := range row {
				acc[j] += float64(v)
			}
		}
		cnt := float64(n - lo)
		div := max(cnt, 1e-9) // torch.clamp(sum_mask, min=1e-9)
		if mode == modeldir.PoolMeanSqrtLen {
			div = math.Sqrt(div)
		}
		for j := range h {
			out[j] = float32(acc[j] / div)
		}
	case modeldir.PoolMax:
		lo := min(skip, n)
		init := float32(math.Inf(-1))
		if lo == n {
			init = -1e9 // sentence-transformers' fill value for masked tokens
		}
		for j := range h {
			out[j] = init
		}
		for t := lo; t < n; t++ {
			for j, v := range hidden[t*h : (t+1)*h] {
				out[j] = max(out[j], v)
			}
		}
	default:
		return fmt.Errorf("embed: unsupported pooling mode %q", mode)
	}
	return nil
}

// Normalize scales v to unit L2 norm (torch.nn.functional.normalize: the
// norm is clamped at 1e-12, so a zero vector stays zero).
func Normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	n := max(math.Sqrt(s), 1e-12)
	for i := range v {
		v[i] = float32(float64(v[i]) / n)
	}
}
