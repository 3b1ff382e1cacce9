package convert

import (
	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"slices"
)

// Llama (llama.go) fused as ONNX Runtime GenAI's model builder writes a
// decoder for the CPU provider: GroupQueryAttention and RMSNorm as
// SimplifiedLayerNormalization / SkipSimplifiedLayerNormalization. The
// SwiGLU MLP stays as written: the CPU provider has no fused SwiGLU for a
// dense MLP, and ONNX Runtime's own optimizer (QuickGeluFusion) turns
// x * Sigmoid(x) into QuickGelu at load.
//
// GroupQueryAttention (com.microsoft) is causal and takes the key/value
// heads as they are (no repeat_kv). It reads each row's length from
// seqlens_k = sum(attention_mask) - 1 with total_sequence_length = S: a
// first prompt, where row b attends to its keys 0..seqlens_k[b] only.
// That is the padding mask of a right-padded batch (jretrieve's batches
// are), so the rows' non-pad positions get exactly their unpadded values;
// pad positions are left unspecified (they are never pooled). An
// attention mask with holes or left padding is not expressible: the fused
// Llama graph is only for right-padded batches.
//
// Q, K and V are packed into one linear (one GEMM; a Split gives
// GroupQueryAttention its query, key and value) and the rotary is applied
// by RotaryEmbedding nodes on q and k with [max_position_embeddings,
// head_dim/2] cos/sin caches. GroupQueryAttention can also apply the
// rotary itself (do_rotary, with packed QKV; the CPU kernel then needs
// head_dim % 16 == 0), but that measured slower (bench/llamabench_results.txt).
// The CPU kernel needs head_dim % 8 == 0: other head sizes keep the plain
// attention.

// causalBias matches maskBias(causalMask(ids, keyMask(attention_mask))):
// Where(And(keyMask, LessOrEqual(Unsqueeze(pos, [0]), Unsqueeze(pos,
// [1]))), 0, min) with pos = Range(0, S, 1).
func (ix *index) causalBias(v string) bool {
	allowed, ok := ix.maskWhere(v)
	and := ix.node(allowed, "And")
	if !ok || and == nil || !ix.keyMaskOf(and.Input[0]) {
		return false
	}
	le := ix.node(and.Input[1], "LessOrEqual")
	if le == nil {
		return false
	}
	k, q := ix.node(le.Input[0], "Unsqueeze"), ix.node(le.Input[1], "Unsqueeze")
	if k == nil || q == nil || k.Input[0] != q.Input[0] {
		return false
	}
	if a, ok := ix.ints(k.Input[1]); !ok || !equalInts(a, 0) {
		return false
	}
	if a, ok := ix.ints(q.Input[1]); !ok || !equalInts(a, 1) {
		return false
	}
	r := ix.node(k.Input[0], "Range")
	if r == nil {
		return false
	}
	start, ok1 := ix.ints(r.Input[0])
	step, ok2 := ix.ints(r.Input[2])
	return ok1 && ok2 && equalInts(start, 0) && equalInts(step, 1)
}

// unrepeatKV matches repeatKV(x, nkv, rep, hd) = Reshape(Concat(rep x
// Unsqueeze(x, [2]), axis 2), [0, nkv*rep, -1, hd]) and returns x, rep
// and nkv*rep; any other v comes back as (v, 1, 0).
func (ix *index) unrepeatKV(v string) (x string, rep, heads int64) {
	r := ix.node(v, "Reshape")
	if r == nil {
		return v, 1, 0
	}
	cat := ix.node(r.Input[0], "Concat")
	shape, ok := ix.ints(r.Input[1])
	if cat == nil || axisOf(cat) != 2 || !ok || len(shape) != 4 || shape[0] != 0 || shape[2] != -1 {
		return v, 1, 0
	}
	for _, in := range cat.Input {
		if in != cat.Input[0] {
			return v, 1, 0
		}
	}
	u := ix.node(cat.Input[0], "Unsqueeze")
	if u == nil {
		return v, 1, 0
	}
	if axes, ok := ix.ints(u.Input[1]); !ok || !equalInts(axes, 2) {
		return v, 1, 0
	}
	return u.Input[0], int64(len(cat.Input)), shape[1]
}

// fuseGQA matches Llama's attention around Softmax sm: rotary query heads
// against rotary key heads repeated to the query heads, values repeated
// likewise, and the causal padding bias. It returns the pattern's last
// node and GroupQueryAttention (with what feeds it) to put there.
func (b *graph) fuseGQA(ix *index, sm *pb.NodeProto, sh *fuseShared, maxPos int) (*pb.NodeProto, []*pb.NodeProto) {
	if axisOf(sm) != -1 {
		return nil, nil
	}
	sc := ix.node(sm.Input[0], "Add")
	if sc == nil {
		return nil, nil
	}
	ms := ix.node(sc.Input[0], "Mul")
	if ms == nil || !ix.causalBias(sc.Input[1]) {
		return nil, nil
	}
	scale, qk, kt, pv, out, ok := b.attentionCore(ix, sm, ms)
	if !ok {
		return nil, nil
	}
	kh, rep, kHeads := ix.unrepeatKV(kt.Input[0])
	vh, repv, vHeads := ix.unrepeatKV(pv.Input[1])
	xq, nh, inv, ok1 := ix.rotary(qk.Input[0])
	xk, nkv, invk, ok2 := ix.rotary(kh)
	xv, nkvv, hdv, ok3 := ix.headSplit(vh)
	hd := int64(2 * len(inv))
	if !ok1 || !ok2 || !ok3 || !slices.Equal(inv, invk) || nkv != nkvv || hdv != hd || rep != repv || nkv*rep != nh || hd%8 != 0 {
		return nil, nil
	}
	if rep > 1 && (kHeads != nh || vHeads != nh) {
		return nil, nil
	}
	if shape, ok := ix.ints(out.Input[1]); !ok || !equalInts(shape, 0, 0, nh*hd) {
		return nil, nil
	}
	// The rotary as RotaryEmbedding nodes, not inside GroupQueryAttention
	// (do_rotary): measured faster on ONNX Runtime's CPU provider
	// (bench/llamabench_results.txt), and not limited to head_dim % 16 == 0.
	var nodes []*pb.NodeProto
	if qkv, packed := b.packQKV(ix, xq, xk, xv); qkv != "" {
		xq, xk, xv = b.name("q"), b.name("k"), b.name("v")
		split := &pb.NodeProto{OpType: "Split", Input: []string{qkv, b.ints(nh*hd, nkv*hd, nkv*hd)}, Output: []string{xq, xk, xv}, Name: xq, Attribute: []attr{aInt("axis", -1)}}
		nodes = append(packed, split)
	}
	cosC, sinC := b.ropeCache(inv, maxPos)
	pos := b.ints(0)
	q, k := b.name("q_rot"), b.name("k_rot")
	nodes = append(nodes,
		msNode("RotaryEmbedding", q, []string{xq, pos, cosC, sinC}, aInt("num_heads", nh), aInt("interleaved", 0)),
		msNode("RotaryEmbedding", k, []string{xk, pos, cosC, sinC}, aInt("num_heads", nkv), aInt("interleaved", 0)))
	seqlens, total := sh.gqaLengths()
	in := []string{q, k, xv, "", "", seqlens, total}
	attrs := []attr{aInt("num_heads", nh), aInt("kv_num_heads", nkv), aFloat("scale", scale)}
	gqa := msNode("GroupQueryAttention", out.Output[0], in, attrs...)
	// present_key/value: the CPU kernel sizes its work by them.
	gqa.Output = append(gqa.Output, b.name("present_key"), b.name("present_value"))
	return out, append(nodes, gqa)
}

// packQKV packs the linears q, k and v of one input (all with a bias or
// none) into one: MatMul(x, Concat(Wq^T, Wk^T, Wv^T)) (+ Concat of the
// biases). The Concats of constants are folded by ONNX Runtime at load.
// It returns "" when they are not such linears.
func (b *graph) packQKV(ix *index, q, k, v string) (string, []*pb.NodeProto) {
	xq, wq, bq, ok1 := ix.linearOf(q)
	xk, wk, bk, ok2 := ix.linearOf(k)
	xv, wv, bv, ok3 := ix.linearOf(v)
	if !ok1 || !ok2 || !ok3 || xq != xk || xq != xv || (bq == "") != (bk == "") || (bq == "") != (bv == "") {
		return "", nil
	}
	w, y := b.name("qkv_weight"), b.name("qkv")
	nodes := []*pb.NodeProto{
		plainNode("Concat", w, []string{wq, wk, wv}, aInt("axis", 1)),
		plainNode("MatMul", y, []string{xq, w}),
	}
	if bq == "" {
		return y, nodes
	}
	bias, yb := b.name("qkv_bias"), b.name("qkv_biased")
	return yb, append(nodes,
		plainNode("Concat", bias, []string{bq, bk, bv}, aInt("axis", 0)),
		plainNode("Add", yb, []string{y, bias}))
}

// rmsNormOf matches rmsNorm(x) at its last node n: Mul(w, Div(x,
// Sqrt(Add(Div(ReduceSum(Mul(x, x), [-1], keepdims 1), N), eps)))) with w
// an [N] initializer, and returns x, w, eps and the pattern's other nodes.
func (ix *index) rmsNormOf(n *pb.NodeProto) (x, w string, eps float32, inner map[*pb.NodeProto]bool, ok bool) {
	if len(n.Input) != 2 {
		return
	}
	var d *pb.NodeProto
	for i := range 2 {
		if t := ix.inits[n.Input[i]]; t != nil && len(t.Dims) == 1 {
			w, d = n.Input[i], ix.node(n.Input[1-i], "Div")
		}
	}
	if d == nil {
		return
	}
	x = d.Input[0]
	sq := ix.node(d.Input[1], "Sqrt")
	if sq == nil {
		return
	}
	add := ix.node(sq.Input[0], "Add")
	if add == nil {
		return
	}
	eps, eok := ix.scalar(add.Input[1])
	mean := ix.node(add.Input[0], "Div")
	if !eok || mean == nil || !ix.isScalar(mean.Input[1], float32(ix.inits[w].Dims[0])) {
		return
	}
	sum := ix.node(mean.Input[0], "ReduceSum")
	if sum == nil || attrInt(sum, "keepdims", 1) != 1 {
		return
	}
	if axes, aok := ix.ints(sum.Input[1]); !aok || !equalInts(axes, -1) {
		return
	}
	x2 := ix.node(sum.Input[0], "Mul")
	if x2 == nil || x2.Input[0] != x || x2.Input[1] != x {
		return
	}
	inner = map[*pb.NodeProto]bool{d: true, sq: true, add: true, mean: true, sum: true, x2: true}
	return x, w, eps, inner, true
}

// fuseRMSNorm matches rmsNorm at its last Mul n: the pre-norm residual
// h = Add(x, y) normalized becomes SkipSimplifiedLayerNormalization(x, y,
// w[, bias]) writing h as its fourth output (the Add dies, returned);
// any other input, SimplifiedLayerNormalization(x, w).
func (b *graph) fuseRMSNorm(ix *index, n *pb.NodeProto) (*pb.NodeProto, *pb.NodeProto) {
	x, w, eps, inner, ok := ix.rmsNormOf(n)
	if !ok {
		return nil, nil
	}
	if add, a, c, bias := b.residualSum(ix, x, n, inner, true); add != nil {
		in := []string{a, c, w}
		if bias != "" {
			in = append(in, bias)
		}
		nn := msNode("SkipSimplifiedLayerNormalization", n.Output[0], in, aFloat("epsilon", eps))
		nn.Output = []string{n.Output[0], "", "", add.Output[0]}
		return nn, add
	}
	// SimplifiedLayerNormalization is registered in the default domain.
	return plainNode("SimplifiedLayerNormalization", n.Output[0], []string{x, w},
		aInt("axis", -1), aFloat("epsilon", eps), aInt("stash_type", 1)), nil
}
