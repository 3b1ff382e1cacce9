package convert

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
)

// Graph forms (Options.Graph).
const (
	// GraphPlain writes standard opset-17 operators only: runs on ONNX
	// Runtime and on the pure-Go backend.
	GraphPlain = "plain"
	// GraphFused writes the ONNX Runtime contrib operators (domain
	// com.microsoft) that onnxruntime.transformers.optimizer produces and
	// the CPU provider implements: EmbedLayerNormalization (BERT with
	// token types), Attention, SkipLayerNormalization,
	// BiasGelu/Gelu, FastGelu for the BERT family; RotaryEmbedding,
	// MultiHeadAttention and Gelu for ModernBERT; GroupQueryAttention and
	// (Skip)SimplifiedLayerNormalization for Llama (right-padded batches
	// only, see fused_gqa.go). Such a graph runs on ONNX Runtime only.
	GraphFused = "fused"
)

// msDomain is the ONNX Runtime contrib operator domain.
const msDomain = "com.microsoft"

// RequiresORT reports whether a graph written with o uses ONNX Runtime
// contrib operators, which the pure-Go backend does not implement.
func (o Options) RequiresORT() bool {
	return o.graph() == GraphFused || o.quantize() != QuantNone
}

func (o Options) graph() string {
	if o.Graph == "" {
		return GraphPlain
	}
	return o.Graph
}

func (o Options) quantize() string {
	if o.Quantize == "" {
		return QuantNone
	}
	return o.Quantize
}

// check validates the graph form and quantization names.
func (o Options) check() error {
	switch o.graph() {
	case GraphPlain, GraphFused:
	default:
		return fmt.Errorf("convert: graph form %q is not supported (plain, fused)", o.Graph)
	}
	switch o.quantize() {
	case QuantNone, QuantInt8, QuantInt4, QuantInt8Block:
	default:
		return fmt.Errorf("convert: quantization %q is not supported (none, int8, int4, int8-block)", o.Quantize)
	}
	return nil
}

// formKey is the part of Options.Key for the graph form and quantization:
// "" for the default plain fp32 graph (so existing cache keys stay valid).
func (o Options) formKey() string {
	k := ""
	if o.graph() != GraphPlain {
		k += "-" + o.graph()
	}
	if o.quantize() != QuantNone {
		k += "-" + o.quantize()
	}
	return k
}

// finishForm rewrites the built plain graph into the form opts asks for
// and returns the extra operator set imports the result needs.
// maxPos bounds the sequence length (the rotary caches cover it).
func (b *graph) finishForm(opts Options, maxPos int) []*pb.OperatorSetIdProto {
	if b.err != nil || !opts.RequiresORT() {
		return nil
	}
	if opts.graph() == GraphFused {
		b.fuse(maxPos)
	}
	if opts.quantize() == QuantInt8 {
		b.quantizeInt8()
	} else if q, ok := nbitsForms[opts.quantize()]; ok {
		b.quantizeNBits(q)
	}
	b.prune()
	b.g.Name += "-" + opts.graph()
	return []*pb.OperatorSetIdProto{{Domain: msDomain, Version: 1}}
}

// index maps values to the nodes producing them, and constant names to
// initializers, for pattern matching on the built graph.
type index struct {
	prod  map[string]*pb.NodeProto
	inits map[string]*pb.TensorProto
	input map[string]bool
}

func (b *graph) index() *index {
	ix := &index{prod: map[string]*pb.NodeProto{}, inits: map[string]*pb.TensorProto{}, input: map[string]bool{}}
	for _, n := range b.g.Node {
		for _, o := range n.Output {
			ix.prod[o] = n
		}
	}
	for _, t := range b.g.Initializer {
		ix.inits[t.Name] = t
	}
	for _, in := range b.g.Input {
		ix.input[in.Name] = true
	}
	return ix
}

// node returns the producer of value v if it is an opType node.
func (ix *index) node(v, opType string) *pb.NodeProto {
	n := ix.prod[v]
	if n == nil || n.OpType != opType || n.Domain != "" {
		return nil
	}
	return n
}

// scalar returns the value of a one-element inline float32 initializer.
func (ix *index) scalar(v string) (float32, bool) {
	t := ix.inits[v]
	if t == nil || t.DataType != int32(pb.TensorProto_FLOAT) || len(t.RawData) != 4 {
		return 0, false
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(t.RawData)), true
}

// ints returns the values of an inline int64 initializer.
func (ix *index) ints(v string) ([]int64, bool) {
	t := ix.inits[v]
	if t == nil || t.DataType != int32(pb.TensorProto_INT64) || t.RawData == nil {
		return nil, false
	}
	out := make([]int64, len(t.RawData)/8)
	for i := range out {
		out[i] = int64(binary.LittleEndian.Uint64(t.RawData[8*i:]))
	}
	return out, true
}

func (ix *index) isScalar(v string, want float32) bool {
	f, ok := ix.scalar(v)
	return ok && math.Abs(float64(f-want)) <= 1e-6*math.Abs(float64(want))
}

func attrInts(n *pb.NodeProto, name string) []int64 {
	for _, a := range n.Attribute {
		if a.Name == name {
			return a.Ints
		}
	}
	return nil
}

func attrFloat(n *pb.NodeProto, name string) (float32, bool) {
	for _, a := range n.Attribute {
		if a.Name == name {
			return a.F, true
		}
	}
	return 0, false
}

func attrInt(n *pb.NodeProto, name string, def int64) int64 {
	for _, a := range n.Attribute {
		if a.Name == name {
			return a.I
		}
	}
	return def
}

func equalInts(a []int64, b ...int64) bool { return slices.Equal(a, b) }

// other returns the input of binary node n that is not v ("" if none).
func other(n *pb.NodeProto, v string) string {
	switch {
	case n.Input[0] == v:
		return n.Input[1]
	case n.Input[1] == v:
		return n.Input[0]
	}
	return ""
}

// biasAdd matches v = Add(y, bias) with bias a 1-D initializer and y a
// computed value, returning y and bias.
func (ix *index) biasAdd(v string) (string, string, bool) {
	n := ix.node(v, "Add")
	if n == nil {
		return "", "", false
	}
	for i := range 2 {
		y, bias := n.Input[i], n.Input[1-i]
		if t := ix.inits[bias]; t != nil && len(t.Dims) == 1 && ix.inits[y] == nil {
			return y, bias, true
		}
	}
	return "", "", false
}

// msNode is a com.microsoft node writing output out.
func msNode(opType, out string, inputs []string, attrs ...attr) *pb.NodeProto {
	return &pb.NodeProto{OpType: opType, Domain: msDomain, Input: inputs, Output: []string{out}, Name: out + "_" + opType, Attribute: attrs}
}

// fuseShared holds the values that several fused nodes take, computed
// once by nodes placed at the top of the fused graph.
type fuseShared struct {
	b      *graph
	nodes  []*pb.NodeProto
	mask32 string
	// seqlensK and totalLen are GroupQueryAttention's length inputs.
	seqlensK, totalLen string
}

// plainNode is a default-domain node writing output out.
func plainNode(opType, out string, inputs []string, attrs ...attr) *pb.NodeProto {
	return &pb.NodeProto{OpType: opType, Input: inputs, Output: []string{out}, Name: out, Attribute: attrs}
}

// maskInt32 is attention_mask cast to int32 (Attention's mask_index,
// MultiHeadAttention's key_padding_mask).
func (s *fuseShared) maskInt32() string {
	if s.mask32 == "" {
		s.mask32 = s.b.name("mask_int32")
		s.nodes = append(s.nodes, plainNode("Cast", s.mask32, []string{"attention_mask"}, aInt("to", int64(pb.TensorProto_INT32))))
	}
	return s.mask32
}

// gqaLengths returns GroupQueryAttention's seqlens_k, int32 [B]: each
// row's number of attention_mask ones minus one (its last position, as
// the rows are right-padded), and total_sequence_length, int32 [1]: S.
func (s *fuseShared) gqaLengths() (string, string) {
	if s.seqlensK == "" {
		b := s.b
		sum, last := b.name("mask_length"), b.name("last_position")
		s.seqlensK, s.totalLen = b.name("seqlens_k"), b.name("total_sequence_length")
		shape, seq := b.name("mask_shape"), b.name("mask_seq")
		i32 := aInt("to", int64(pb.TensorProto_INT32))
		s.nodes = append(s.nodes,
			plainNode("ReduceSum", sum, []string{"attention_mask", b.ints(1)}, aInt("keepdims", 0)),
			plainNode("Sub", last, []string{sum, b.ints(1)}),
			plainNode("Cast", s.seqlensK, []string{last}, i32),
			plainNode("Shape", shape, []string{"attention_mask"}),
			plainNode("Slice", seq, []string{shape, b.ints(1), b.ints(2), b.ints(0)}),
			plainNode("Cast", s.totalLen, []string{seq}, i32))
	}
	return s.seqlensK, s.totalLen
}

// fuse replaces the attention, residual+LayerNorm/RMSNorm and GELU
// subgraphs the layers write with their ONNX Runtime contrib operators.
// Each fused node takes the place of the last node of its pattern, writing
// the same value name, so consumers are unchanged; the pattern's other
// nodes die and are pruned. Patterns are matched strictly (constants
// included): anything that does not match stays plain.
func (b *graph) fuse(maxPos int) {
	ix := b.index()
	repl := map[*pb.NodeProto][]*pb.NodeProto{}
	sh := &fuseShared{b: b}
	for _, n := range b.g.Node {
		if n.Domain != "" {
			continue
		}
		switch n.OpType {
		case "Softmax":
			end, nodes := b.fuseAttention(ix, n, sh)
			if end == nil {
				end, nodes = b.fuseGQA(ix, n, sh, maxPos)
			}
			if end == nil {
				end, nodes = b.fuseRotaryAttention(ix, n, sh, maxPos)
			}
			if end != nil {
				repl[end] = nodes
			}
		case "LayerNormalization":
			if nn := b.fuseEmbedLayerNorm(ix, n); nn != nil {
				repl[n] = nn
			} else if nn := fuseSkipLayerNorm(ix, n); nn != nil {
				repl[n] = []*pb.NodeProto{nn}
			} else if nn, add := b.fusePreSkipLayerNorm(ix, n); nn != nil {
				repl[n] = []*pb.NodeProto{nn}
				repl[add] = nil // h is now SkipLayerNormalization's output
			}
		case "Mul":
			if nn := fuseGelu(ix, n); nn != nil {
				repl[n] = []*pb.NodeProto{nn}
			} else if nn, add := b.fuseRMSNorm(ix, n); nn != nil {
				repl[n] = []*pb.NodeProto{nn}
				if add != nil {
					repl[add] = nil // h is now SkipSimplifiedLayerNormalization's output
				}
			}
		}
	}
	nodes := sh.nodes
	for _, n := range b.g.Node {
		if r, ok := repl[n]; ok {
			nodes = append(nodes, r...)
		} else {
			nodes = append(nodes, n)
		}
	}
	b.g.Node = nodes
}

// fuseGelu matches GELUActivation, x*0.5 * (erf(x/sqrt2) + 1), and the
// tanh approximation, x*0.5 * (tanh(...) + 1), at their final Mul n:
// BiasGelu (or FastGelu with bias) when x is a bias Add, else Gelu/FastGelu.
func fuseGelu(ix *index, n *pb.NodeProto) *pb.NodeProto {
	if len(n.Input) != 2 {
		return nil
	}
	for i := range 2 {
		half, plus := ix.node(n.Input[i], "Mul"), ix.node(n.Input[1-i], "Add")
		if half == nil || plus == nil {
			continue
		}
		var x string
		for j := range 2 {
			if ix.isScalar(half.Input[1-j], 0.5) {
				x = half.Input[j]
			}
		}
		if x == "" {
			continue
		}
		var f string
		for j := range 2 {
			if ix.isScalar(plus.Input[1-j], 1) {
				f = plus.Input[j]
			}
		}
		if erf := ix.node(f, "Erf"); erf != nil {
			div := ix.node(erf.Input[0], "Div")
			if div == nil || div.Input[0] != x || !ix.isScalar(div.Input[1], float32(math.Sqrt2)) {
				continue
			}
			if y, bias, ok := ix.biasAdd(x); ok {
				return msNode("BiasGelu", n.Output[0], []string{y, bias})
			}
			return msNode("Gelu", n.Output[0], []string{x})
		}
		if th := ix.node(f, "Tanh"); th != nil {
			// inner = (x + 0.044715 x^3) * sqrt(2/pi)
			inner := ix.node(th.Input[0], "Mul")
			if inner == nil || !ix.isScalar(inner.Input[1], float32(math.Sqrt(2/math.Pi))) {
				continue
			}
			sum := ix.node(inner.Input[0], "Add")
			if sum == nil || sum.Input[0] != x {
				continue
			}
			cube := ix.node(sum.Input[1], "Mul")
			if cube == nil || !ix.isScalar(cube.Input[1], 0.044715) {
				continue
			}
			x3 := ix.node(cube.Input[0], "Mul")
			if x3 == nil || x3.Input[1] != x {
				continue
			}
			if x2 := ix.node(x3.Input[0], "Mul"); x2 == nil || x2.Input[0] != x || x2.Input[1] != x {
				continue
			}
			if y, bias, ok := ix.biasAdd(x); ok {
				return msNode("FastGelu", n.Output[0], []string{y, bias})
			}
			return msNode("FastGelu", n.Output[0], []string{x})
		}
	}
	return nil
}

// fuseSkipLayerNorm matches LayerNorm(Add(y + bias, residual)) over the
// last axis with gamma and beta, where residual is the output of an
// earlier (Skip)LayerNormalization (so of the full [B, S, H] shape):
// SkipLayerNormalization(y, residual, gamma, beta, bias).
func fuseSkipLayerNorm(ix *index, n *pb.NodeProto) *pb.NodeProto {
	if len(n.Input) != 3 || !equalInts([]int64{axisOf(n)}, -1) {
		return nil
	}
	add := ix.node(n.Input[0], "Add")
	if add == nil {
		return nil
	}
	eps, _ := attrFloat(n, "epsilon")
	for i := range 2 {
		y, bias, ok := ix.biasAdd(add.Input[i])
		res := ix.prod[add.Input[1-i]]
		if !ok || res == nil || (res.OpType != "LayerNormalization" && res.OpType != "SkipLayerNormalization") {
			continue
		}
		return msNode("SkipLayerNormalization", n.Output[0], []string{y, add.Input[1-i], n.Input[1], n.Input[2], bias}, aFloat("epsilon", eps))
	}
	return nil
}

// fusePreSkipLayerNorm matches the pre-LayerNorm residual of ModernBERT:
// h = Add(x, y); LayerNorm(h) with h also feeding later nodes (the next
// residual). It becomes SkipLayerNormalization(x, y, gamma[, beta])
// writing the normalized value and h (its fourth output,
// input_skip_bias_sum); the Add dies.
func (b *graph) fusePreSkipLayerNorm(ix *index, n *pb.NodeProto) (*pb.NodeProto, *pb.NodeProto) {
	if len(n.Input) < 2 || axisOf(n) != -1 {
		return nil, nil
	}
	add, x, y, _ := b.residualSum(ix, n.Input[0], n, nil, false)
	if add == nil {
		return nil, nil
	}
	eps, _ := attrFloat(n, "epsilon")
	in := []string{x, y, n.Input[1]}
	if len(n.Input) > 2 {
		in = append(in, n.Input[2])
	}
	nn := msNode("SkipLayerNormalization", n.Output[0], in, aFloat("epsilon", eps))
	nn.Output = []string{n.Output[0], "", "", add.Output[0]}
	return nn, add
}

// residualSum matches the residual h = Add(x, y) that the norm pattern
// ending at node end (its other nodes in inner) normalizes, x and y both
// [B, S, H] values (produced by a linear, a residual Add or a norm; with
// rms, also an embedding Gather or a linear's bias Add, whose bias is
// returned apart). Every other consumer of h must come after end, where
// the skip norm will compute it, and h must not be a graph output.
func (b *graph) residualSum(ix *index, h string, end *pb.NodeProto, inner map[*pb.NodeProto]bool, rms bool) (add *pb.NodeProto, x, y, bias string) {
	add = ix.node(h, "Add")
	if add == nil {
		return nil, "", "", ""
	}
	full := func(v string) bool {
		p := ix.prod[v]
		if p == nil {
			return false
		}
		switch p.Domain + ":" + p.OpType {
		case ":MatMul", ":Add", ":LayerNormalization", msDomain + ":SkipLayerNormalization", msDomain + ":DynamicQuantizeMatMul":
			return true
		case ":Gather":
			return rms && ix.inits[p.Input[0]] != nil
		}
		return false
	}
	in := []string{add.Input[0], add.Input[1]}
	for i, v := range in {
		if !full(v) {
			return nil, "", "", ""
		}
		// A residual Add operand must itself be a residual, not the bias
		// Add of a linear (whose operand is a constant), unless the bias
		// can go to the skip norm's bias input.
		if p := ix.node(v, "Add"); p != nil && (ix.inits[p.Input[0]] != nil || ix.inits[p.Input[1]] != nil) {
			yy, bb, ok := ix.biasAdd(v)
			if !rms || !ok || bias != "" || ix.node(yy, "MatMul") == nil {
				return nil, "", "", ""
			}
			in[i], bias = yy, bb
		}
	}
	seenEnd := false
	for _, m := range b.g.Node {
		if m == end {
			seenEnd = true
			continue
		}
		if seenEnd || inner[m] {
			continue
		}
		for _, v := range m.Input {
			if v == h {
				return nil, "", "", ""
			}
		}
	}
	for _, o := range b.g.Output {
		if o.Name == h {
			return nil, "", "", ""
		}
	}
	return add, in[0], in[1], bias
}

// fuseEmbedLayerNorm matches BertEmbeddings with token types:
// LayerNorm(Gather(W, input_ids) + Gather(T, token_type_ids) +
// Slice(P, 0, S)) with gamma and beta: EmbedLayerNormalization on int32
// ids (position ids default to arange(S), as BERT's absolute positions).
func (b *graph) fuseEmbedLayerNorm(ix *index, n *pb.NodeProto) []*pb.NodeProto {
	if len(n.Input) != 3 || axisOf(n) != -1 {
		return nil
	}
	sum := ix.node(n.Input[0], "Add")
	if sum == nil {
		return nil
	}
	wt, pos := ix.node(sum.Input[0], "Add"), ix.node(sum.Input[1], "Slice")
	if wt == nil || pos == nil || ix.inits[pos.Input[0]] == nil {
		return nil
	}
	if st, ok := ix.ints(pos.Input[1]); !ok || !equalInts(st, 0) {
		return nil
	}
	if ax, ok := ix.ints(pos.Input[3]); !ok || !equalInts(ax, 0) {
		return nil
	}
	w, t := ix.node(wt.Input[0], "Gather"), ix.node(wt.Input[1], "Gather")
	if w == nil || t == nil || w.Input[1] != "input_ids" || t.Input[1] != "token_type_ids" || ix.inits[w.Input[0]] == nil || ix.inits[t.Input[0]] == nil {
		return nil
	}
	if !ix.input["input_ids"] || !ix.input["token_type_ids"] {
		return nil
	}
	eps, _ := attrFloat(n, "epsilon")
	ids, types, maskIdx := b.name("input_ids_int32"), b.name("token_type_ids_int32"), b.name("embed_mask_index")
	cast := func(in, out string) *pb.NodeProto {
		return &pb.NodeProto{OpType: "Cast", Input: []string{in}, Output: []string{out}, Name: out, Attribute: []attr{aInt("to", int64(pb.TensorProto_INT32))}}
	}
	eln := msNode("EmbedLayerNormalization", n.Output[0], []string{ids, types, w.Input[0], pos.Input[0], t.Input[0], n.Input[1], n.Input[2]}, aFloat("epsilon", eps))
	eln.Output = []string{n.Output[0], maskIdx}
	return []*pb.NodeProto{cast("input_ids", ids), cast("token_type_ids", types), eln}
}

func axisOf(n *pb.NodeProto) int64 {
	for _, a := range n.Attribute {
		if a.Name == "axis" {
			return a.I
		}
	}
	return -1
}

// linearOf matches v = linear(x): MatMul(x, Transpose(W, perm 1,0)) with W
// an initializer, optionally followed by a bias Add, and returns x, the
// transposed weight value and the bias ("" without one).
func (ix *index) linearOf(v string) (x, wt, bias string, ok bool) {
	y := v
	if yy, bb, bok := ix.biasAdd(v); bok {
		y, bias = yy, bb
	}
	mm := ix.node(y, "MatMul")
	if mm == nil {
		return "", "", "", false
	}
	wtn := ix.node(mm.Input[1], "Transpose")
	if wtn == nil || ix.inits[wtn.Input[0]] == nil || !equalInts(attrInts(wtn, "perm"), 1, 0) {
		return "", "", "", false
	}
	return mm.Input[0], mm.Input[1], bias, true
}

// headSplit matches heads(x) = Transpose(Reshape(x, [0, 0, nh, hd]),
// perm 0,2,1,3) and returns x, nh and hd.
func (ix *index) headSplit(v string) (x string, nh, hd int64, ok bool) {
	tr := ix.node(v, "Transpose")
	if tr == nil || !equalInts(attrInts(tr, "perm"), 0, 2, 1, 3) {
		return "", 0, 0, false
	}
	rs := ix.node(tr.Input[0], "Reshape")
	if rs == nil {
		return "", 0, 0, false
	}
	shape, sok := ix.ints(rs.Input[1])
	if !sok || len(shape) != 4 || shape[0] != 0 || shape[1] != 0 {
		return "", 0, 0, false
	}
	return rs.Input[0], shape[2], shape[3], true
}

// projection matches a head split of a biased linear(x) and returns x,
// the transposed weight value, bias and nh.
func (ix *index) projection(v string) (x, wt, bias string, nh int64, ok bool) {
	y, nh, _, hok := ix.headSplit(v)
	if !hok {
		return
	}
	x, wt, bias, ok = ix.linearOf(y)
	if !ok || bias == "" {
		return "", "", "", 0, false
	}
	return x, wt, bias, nh, true
}

// fuseAttention matches the layers' eager attention around Softmax sm,
// with q, k, v projections of one input and the padding-mask bias of
// keyMask/maskBias, and returns the pattern's last node and what replaces
// it: the packed QKV weight and bias (Concat of the per-projection
// constants, folded by ONNX Runtime at load) and one Attention node with
// the raw int32 attention mask as mask_index.
func (b *graph) fuseAttention(ix *index, sm *pb.NodeProto, sh *fuseShared) (*pb.NodeProto, []*pb.NodeProto) {
	if axisOf(sm) != -1 {
		return nil, nil
	}
	sc := ix.node(sm.Input[0], "Add")
	if sc == nil {
		return nil, nil
	}
	var ms *pb.NodeProto
	var maskb string
	for i := range 2 {
		if m := ix.node(sc.Input[i], "Mul"); m != nil {
			ms, maskb = m, sc.Input[1-i]
		}
	}
	if ms == nil || !ix.paddingBias(maskb) {
		return nil, nil
	}
	scale, qk, kt, pv, out, ok := b.attentionCore(ix, sm, ms)
	if !ok {
		return nil, nil
	}
	if shape, ok := ix.ints(out.Input[1]); !ok || len(shape) != 3 || shape[0] != 0 || shape[1] != 0 {
		return nil, nil
	}
	xq, wq, bq, nh, ok1 := ix.projection(qk.Input[0])
	xk, wk, bk, nhk, ok2 := ix.projection(kt.Input[0])
	xv, wv, bv, nhv, ok3 := ix.projection(pv.Input[1])
	if !ok1 || !ok2 || !ok3 || xq != xk || xq != xv || nh != nhk || nh != nhv {
		return nil, nil
	}
	w, bias := b.name("qkv_weight"), b.name("qkv_bias")
	return out, []*pb.NodeProto{
		{OpType: "Concat", Input: []string{wq, wk, wv}, Output: []string{w}, Name: w, Attribute: []attr{aInt("axis", 1)}},
		{OpType: "Concat", Input: []string{bq, bk, bv}, Output: []string{bias}, Name: bias, Attribute: []attr{aInt("axis", 0)}},
		msNode("Attention", out.Output[0], []string{xq, w, bias, sh.maskInt32()}, aInt("num_heads", nh), aFloat("scale", scale)),
	}
}

// maskWhere matches maskBias(allowed) = Where(allowed, 0, min) and
// returns allowed.
func (ix *index) maskWhere(v string) (string, bool) {
	w := ix.node(v, "Where")
	if w == nil || !ix.isScalar(w.Input[1], 0) || !ix.isScalar(w.Input[2], minFloat) {
		return "", false
	}
	return w.Input[0], true
}

// keyMaskOf matches keyMask(attention_mask):
// Unsqueeze(Greater(attention_mask, 0), [1, 2]).
func (ix *index) keyMaskOf(v string) bool {
	u := ix.node(v, "Unsqueeze")
	if u == nil {
		return false
	}
	if axes, ok := ix.ints(u.Input[1]); !ok || !equalInts(axes, 1, 2) {
		return false
	}
	g := ix.node(u.Input[0], "Greater")
	if g == nil || g.Input[0] != "attention_mask" || !ix.input["attention_mask"] {
		return false
	}
	zero, ok := ix.ints(g.Input[1])
	return ok && equalInts(zero, 0)
}

// paddingBias matches maskBias(keyMask(attention_mask)).
func (ix *index) paddingBias(v string) bool {
	allowed, ok := ix.maskWhere(v)
	return ok && ix.keyMaskOf(allowed)
}

// prune drops the nodes and initializers no graph output depends on.
func (b *graph) prune() {
	live := map[string]bool{}
	for _, o := range b.g.Output {
		live[o.Name] = true
	}
	keep := make([]bool, len(b.g.Node))
	for i := len(b.g.Node) - 1; i >= 0; i-- {
		n := b.g.Node[i]
		for _, o := range n.Output {
			if live[o] {
				keep[i] = true
			}
		}
		if keep[i] {
			for _, in := range n.Input {
				live[in] = true
			}
		}
	}
	var nodes []*pb.NodeProto
	for i, n := range b.g.Node {
		if keep[i] {
			nodes = append(nodes, n)
		}
	}
	b.g.Node = nodes
	var inits []*pb.TensorProto
	for _, t := range b.g.Initializer {
		if live[t.Name] {
			inits = append(inits, t)
		}
	}
	b.g.Initializer = inits
}

// attentionCore matches what attention patterns share around Softmax sm
// whose scores are Mul ms = MatMul(q, Transpose_0132(k)) * scale: the
// scale, the score MatMul qk, the key transpose kt, and the consumers
// sm -> MatMul(sm, v) pv -> Transpose 0213 ct -> Reshape out.
func (b *graph) attentionCore(ix *index, sm, ms *pb.NodeProto) (scale float32, qk, kt, pv, out *pb.NodeProto, ok bool) {
	scale, ok = ix.scalar(ms.Input[1])
	qk = ix.node(ms.Input[0], "MatMul")
	if !ok || qk == nil {
		return 0, nil, nil, nil, nil, false
	}
	kt = ix.node(qk.Input[1], "Transpose")
	if kt == nil || !equalInts(attrInts(kt, "perm"), 0, 1, 3, 2) {
		return 0, nil, nil, nil, nil, false
	}
	var ct *pb.NodeProto
	for _, n := range b.g.Node {
		switch {
		case n.OpType == "MatMul" && n.Input[0] == sm.Output[0]:
			pv = n
		case pv != nil && n.OpType == "Transpose" && n.Input[0] == pv.Output[0] && equalInts(attrInts(n, "perm"), 0, 2, 1, 3):
			ct = n
		case ct != nil && n.OpType == "Reshape" && n.Input[0] == ct.Output[0]:
			out = n
		}
	}
	return scale, qk, kt, pv, out, out != nil
}
