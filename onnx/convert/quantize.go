package convert

import (
	"math"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
)

// Quantizations (Options.Quantize).
const (
	// QuantNone keeps every weight in float32.
	QuantNone = "none"
	// QuantInt8 is dynamic int8 quantization of the linear weights, as
	// onnxruntime.quantization.quantize_dynamic(per_channel=True,
	// weight_type=QInt8) writes it: weights symmetric int8 with one scale
	// per output channel, activations quantized to uint8 per tensor at run
	// time (u8s8 GEMMs, VNNI where the CPU has it). Linears become
	// com.microsoft DynamicQuantizeMatMul; fused Attention nodes become
	// DynamicQuantizeLinear + QAttention. Embeddings, LayerNorm and the
	// attention score products stay float32.
	QuantInt8 = "int8"
)

// quantizeInt8 rewrites every linear (MatMul by a transposed checkpoint
// weight, or by a Concat of them: a packed QKV) and every fused Attention
// into its dynamically quantized form.
func (b *graph) quantizeInt8() {
	ix := b.index()
	var nodes []*pb.NodeProto
	for _, n := range b.g.Node {
		switch {
		case n.Domain == "" && n.OpType == "MatMul":
			if ws, ok := b.linearWeights(ix, n.Input[1]); ok {
				q, scale := b.quantizeColumns(ws)
				if b.err != nil {
					return
				}
				nodes = append(nodes, msNode("DynamicQuantizeMatMul", n.Output[0], []string{n.Input[0], q, scale}))
				continue
			}
		case n.Domain == msDomain && n.OpType == "Attention":
			if nn := b.quantizeAttention(ix, n); nn != nil {
				if b.err != nil {
					return
				}
				nodes = append(nodes, nn...)
				continue
			}
		}
		nodes = append(nodes, n)
	}
	b.g.Node = nodes
}

// linearWeight matches v = Transpose(W, perm 1,0) with W a checkpoint
// tensor [out, in] and returns it.
func (b *graph) linearWeight(ix *index, v string) (*Tensor, bool) {
	tr := ix.node(v, "Transpose")
	if tr == nil || !equalInts(attrInts(tr, "perm"), 1, 0) {
		return nil, false
	}
	t, ok := b.ckpt.Tensors[tr.Input[0]]
	if !ok {
		t, ok = b.views[tr.Input[0]]
	}
	if !ok || len(t.Shape) != 2 || ix.inits[tr.Input[0]] == nil {
		return nil, false
	}
	return t, true
}

// linearWeights matches v = Transpose(W) (linearWeight) or a packed
// Concat(Transpose(W1), Transpose(W2), ..., axis 1) and returns the Ws.
func (b *graph) linearWeights(ix *index, v string) ([]*Tensor, bool) {
	if w, ok := b.linearWeight(ix, v); ok {
		return []*Tensor{w}, true
	}
	cat := ix.node(v, "Concat")
	if cat == nil || attrInt(cat, "axis", 0) != 1 {
		return nil, false
	}
	var ws []*Tensor
	for _, in := range cat.Input {
		w, ok := b.linearWeight(ix, in)
		if !ok {
			return nil, false
		}
		ws = append(ws, w)
	}
	return ws, true
}

// quantizeAttention turns Attention(x, Concat(Wq^T, Wk^T, Wv^T), bias,
// mask) into DynamicQuantizeLinear(x) + QAttention with the packed int8
// weight and per-column scales.
func (b *graph) quantizeAttention(ix *index, n *pb.NodeProto) []*pb.NodeProto {
	cat := ix.node(n.Input[1], "Concat")
	if cat == nil || len(cat.Input) != 3 {
		return nil
	}
	var ws []*Tensor
	for _, in := range cat.Input {
		w, ok := b.linearWeight(ix, in)
		if !ok {
			return nil
		}
		ws = append(ws, w)
	}
	q, scale := b.quantizeColumns(ws)
	xq, xs, xzp := b.name("x_quant"), b.name("x_scale"), b.name("x_zero_point")
	dq := &pb.NodeProto{OpType: "DynamicQuantizeLinear", Input: []string{n.Input[0]}, Output: []string{xq, xs, xzp}, Name: xq}
	qa := msNode("QAttention", n.Output[0], []string{xq, q, n.Input[2], xs, scale, n.Input[3], xzp}, n.Attribute...)
	return []*pb.NodeProto{dq, qa}
}

// quantizeColumns quantizes the linear weights ws ([out_i, in] each) as
// one [in, sum out_i] int8 matrix, symmetric per output column
// (scale = max|w| / 127), and returns the names of the int8 weight and
// float32 scale initializers.
func (b *graph) quantizeColumns(ws []*Tensor) (string, string) {
	if b.err != nil {
		return "", ""
	}
	in := ws[0].Shape[1]
	outs := 0
	for _, w := range ws {
		if w.Shape[1] != in {
			b.fail("quantize: %s has %d inputs, %s %d", w.Name, w.Shape[1], ws[0].Name, in)
			return "", ""
		}
		outs += w.Shape[0]
	}
	q := make([]byte, in*outs)
	scales := make([]float32, outs)
	col := 0
	for _, w := range ws {
		vals, err := w.Float32()
		if err != nil {
			b.fail("quantize: %w", err)
			return "", ""
		}
		for o := range w.Shape[0] {
			row := vals[o*in : (o+1)*in]
			var m float64
			for _, v := range row {
				m = max(m, math.Abs(float64(v)))
			}
			s := m / 127
			if s == 0 {
				s = 1
			}
			scales[col] = float32(s)
			for i, v := range row {
				r := math.RoundToEven(float64(v) / float64(float32(s)))
				q[i*outs+col] = byte(int8(max(-127, min(127, r))))
			}
			col++
		}
	}
	qn := b.rawConst(pb.TensorProto_INT8, q, []int64{int64(in), int64(outs)})
	return qn, b.constF32(scales, int64(outs))
}
