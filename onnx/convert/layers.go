package convert

import (
	"math"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
)

// Shared layers, written once and used by every architecture file.

// minFloat is torch.finfo(torch.float32).min, the additive mask value of
// transformers' eager attention.
const minFloat = -math.MaxFloat32

// linear is torch.nn.Linear: x @ W^T (+ b), W stored [out, in].
func (b *graph) linear(x, name string, in, out int, bias bool) string {
	w := b.weight(name+".weight", out, in)
	y := b.matmul(x, b.transpose(w, 1, 0))
	if bias {
		y = b.add(y, b.weight(name+".bias", out))
	}
	return y
}

// linearRows is the part of linear name ([out, in]) that computes
// outputs [o0, o1): x @ W[o0:o1]^T (+ b[o0:o1]), with the rows of W and b
// as initializers of their own.
func (b *graph) linearRows(x, name string, in, out, o0, o1 int, bias bool) string {
	w := b.weightRows(name+".weight", o0, o1, out, in)
	y := b.matmul(x, b.transpose(w, 1, 0))
	if bias {
		y = b.add(y, b.weightRows(name+".bias", o0, o1, out))
	}
	return y
}

// layerNorm is torch.nn.LayerNorm over the last axis.
func (b *graph) layerNorm(x, name string, n int, eps float64, bias bool) string {
	in := []string{x, b.weight(name+".weight", n)}
	if bias {
		in = append(in, b.weight(name+".bias", n))
	}
	return b.op("LayerNormalization", in, aInt("axis", -1), aFloat("epsilon", float32(eps)))
}

// embedding is torch.nn.Embedding: rows of table name gathered by ids.
func (b *graph) embedding(ids, name string, rows, width int) string {
	return b.op("Gather", []string{b.weight(name+".weight", rows, width), ids}, aInt("axis", 0))
}

// activation applies a transformers ACT2FN activation by its config name.
// Names the builder does not implement are an error naming the flag.
func (b *graph) activation(x, fn, flag string) string {
	switch fn {
	case "gelu":
		// GELUActivation: x * 0.5 * (1 + erf(x / sqrt(2))).
		e := b.op("Erf", []string{b.div(x, b.scalar(float32(math.Sqrt2)))})
		return b.mul(b.mul(x, b.scalar(0.5)), b.add(e, b.scalar(1)))
	case "gelu_new", "gelu_pytorch_tanh":
		// 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).
		x3 := b.mul(b.mul(x, x), x)
		inner := b.mul(b.add(x, b.mul(x3, b.scalar(0.044715))), b.scalar(float32(math.Sqrt(2/math.Pi))))
		return b.mul(b.mul(x, b.scalar(0.5)), b.add(b.op("Tanh", []string{inner}), b.scalar(1)))
	case "relu":
		return b.op("Relu", []string{x})
	case "silu", "swish":
		return b.mul(x, b.op("Sigmoid", []string{x}))
	case "tanh":
		return b.op("Tanh", []string{x})
	default:
		b.fail("config %s = %q: activation not supported by the converter", flag, fn)
		return ""
	}
}

// keyMask turns attention_mask [B, S] into a bool key mask [B, 1, 1, S].
func (b *graph) keyMask(mask string) string {
	valid := b.op("Greater", []string{mask, b.constI64([]int64{0})})
	return b.unsqueeze(valid, 1, 2)
}

// maskBias turns a bool mask into the additive attention bias: 0 where
// attending is allowed, the float32 minimum elsewhere.
func (b *graph) maskBias(allowed string) string {
	return b.op("Where", []string{allowed, b.scalar(0), b.scalar(minFloat)})
}

// heads reshapes [B, S, nh*hd] to [B, nh, S, hd].
func (b *graph) heads(x string, nh, hd int) string {
	return b.transpose(b.reshape(x, 0, 0, int64(nh), int64(hd)), 0, 2, 1, 3)
}

// attention is eager scaled dot-product attention on [B, nh, S, hd]
// queries, keys and values with an additive bias broadcastable to
// [B, nh, S, S]. It returns the merged context [B, S, nh*hd].
func (b *graph) attention(q, k, v, bias string, nh, hd int) string {
	kt := b.transpose(k, 0, 1, 3, 2)
	scores := b.mul(b.matmul(q, kt), b.scalar(float32(1/math.Sqrt(float64(hd)))))
	scores = b.add(scores, bias)
	p := b.op("Softmax", []string{scores}, aInt("axis", -1))
	ctx := b.transpose(b.matmul(p, v), 0, 2, 1, 3)
	return b.reshape(ctx, 0, 0, int64(nh*hd))
}

// firstToken selects hidden[:, 0] ([B, S, H] -> [B, H]).
func (b *graph) firstToken(h string) string {
	return b.op("Gather", []string{h, b.constI64([]int64{0})}, aInt("axis", 1))
}

// meanPool averages hidden [B, S, H] over the positions where mask [B, S]
// is 1.
func (b *graph) meanPool(h, mask string) string {
	m := b.unsqueeze(b.cast(mask, pb.TensorProto_FLOAT), 2)
	sum := b.op("ReduceSum", []string{b.mul(h, m), b.ints(1)}, aInt("keepdims", 0))
	cnt := b.op("ReduceSum", []string{m, b.ints(1)}, aInt("keepdims", 0))
	return b.div(sum, cnt)
}

// positions returns arange(S) as int64 [S] for ids [B, S].
func (b *graph) positions(ids string) string {
	if n, ok := b.init["pos:"+ids]; ok {
		return n
	}
	limit := b.op("Squeeze", []string{b.seqLen(ids), b.ints(0)})
	n := b.op("Range", []string{b.constI64([]int64{0}), limit, b.constI64([]int64{1})})
	b.init["pos:"+ids] = n
	return n
}
