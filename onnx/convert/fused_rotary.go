package convert

import (
	"encoding/binary"
	"math"
	"slices"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
)

// ModernBERT attention: rotary embeddings on q and k, then eager attention
// with the padding bias (global layers) or the sliding-window bias (local
// layers). Fused as onnxruntime.transformers does for rotary models:
// com.microsoft RotaryEmbedding on the [B, S, H] q and k slices of Wqkv,
// then MultiHeadAttention with key_padding_mask (global) or attention_bias
// [B, 1, S, S] (local).

// rotary matches applyRope(heads(Slice(qkv, lo:hi)), cos, sin) and returns
// the [B, S, H] slice, nh and the inverse frequencies of the cos/sin tables.
func (ix *index) rotary(v string) (x string, nh int64, inv []float32, ok bool) {
	add := ix.node(v, "Add")
	if add == nil {
		return
	}
	xc, rs := ix.node(add.Input[0], "Mul"), ix.node(add.Input[1], "Mul")
	if xc == nil || rs == nil {
		return
	}
	// xc = Mul(xh, cos), rs = Mul(Concat(Neg(x2), x1), sin)
	xh := xc.Input[0]
	cat := ix.node(rs.Input[0], "Concat")
	if cat == nil || len(cat.Input) != 2 {
		return
	}
	neg, x1 := ix.node(cat.Input[0], "Neg"), ix.node(cat.Input[1], "Slice")
	if neg == nil || x1 == nil || x1.Input[0] != xh {
		return
	}
	if x2 := ix.node(neg.Input[0], "Slice"); x2 == nil || x2.Input[0] != xh {
		return
	}
	invC, iok := ix.ropeTable(xc.Input[1], "Cos")
	invS, sok := ix.ropeTable(rs.Input[1], "Sin")
	if !iok || !sok || invC != invS {
		return
	}
	x, nh, _, hok := ix.headSplit(xh)
	if !hok {
		return
	}
	t := ix.inits[invC]
	inv = make([]float32, len(t.RawData)/4)
	for i := range inv {
		inv[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.RawData[4*i:]))
	}
	return x, nh, inv, true
}

// ropeTable matches Cos/Sin(Concat(freqs, freqs)), freqs = Mul(positions,
// inv) and returns the name of the inline inverse-frequency constant.
func (ix *index) ropeTable(v, op string) (string, bool) {
	f := ix.node(v, op)
	if f == nil {
		return "", false
	}
	cat := ix.node(f.Input[0], "Concat")
	if cat == nil || len(cat.Input) != 2 || cat.Input[0] != cat.Input[1] {
		return "", false
	}
	m := ix.node(cat.Input[0], "Mul")
	if m == nil || ix.inits[m.Input[1]] == nil || ix.inits[m.Input[1]].RawData == nil {
		return "", false
	}
	return m.Input[1], true
}

// fuseRotaryAttention matches ModernBERT's attention around Softmax sm.
func (b *graph) fuseRotaryAttention(ix *index, sm *pb.NodeProto, sh *fuseShared, maxPos int) (*pb.NodeProto, []*pb.NodeProto) {
	if axisOf(sm) != -1 {
		return nil, nil
	}
	sc := ix.node(sm.Input[0], "Add")
	if sc == nil {
		return nil, nil
	}
	ms := ix.node(sc.Input[0], "Mul")
	bias := sc.Input[1]
	if ms == nil {
		return nil, nil
	}
	scale, qk, kt, pv, out, ok := b.attentionCore(ix, sm, ms)
	if !ok {
		return nil, nil
	}
	xq, nh, inv, ok1 := ix.rotary(qk.Input[0])
	xk, nhk, invk, ok2 := ix.rotary(kt.Input[0])
	xv, _, _, ok3 := ix.headSplit(pv.Input[1])
	if !ok1 || !ok2 || !ok3 || nh != nhk || !slices.Equal(inv, invk) {
		return nil, nil
	}
	// Mask: the padding bias becomes key_padding_mask; any other bias
	// (the sliding window's, [B, 1, S, S]) is passed as attention_bias.
	mhaIn := []string{"", xk, xv, ""}
	if ix.paddingBias(bias) {
		mhaIn = append(mhaIn, sh.maskInt32())
	} else if _, ok := ix.maskWhere(bias); ok {
		mhaIn = append(mhaIn, "", bias)
	} else {
		return nil, nil
	}
	cosC, sinC := b.ropeCache(inv, maxPos)
	pos := b.ints(0)
	q, k := b.name("q_rot"), b.name("k_rot")
	mhaIn[0], mhaIn[1] = q, k
	return out, []*pb.NodeProto{
		msNode("RotaryEmbedding", q, []string{xq, pos, cosC, sinC}, aInt("num_heads", nh), aInt("interleaved", 0)),
		msNode("RotaryEmbedding", k, []string{xk, pos, cosC, sinC}, aInt("num_heads", nh), aInt("interleaved", 0)),
		msNode("MultiHeadAttention", out.Output[0], mhaIn, aInt("num_heads", nh), aFloat("scale", scale)),
	}
}

// ropeCache returns the [maxPos, hd/2] cos and sin caches for inverse
// frequencies inv, computed like the plain graph: freqs = float32(pos) *
// inv in float32.
func (b *graph) ropeCache(inv []float32, maxPos int) (string, string) {
	key := "rope:" + string(binary.LittleEndian.AppendUint32(nil, math.Float32bits(inv[len(inv)-1])))
	if n, ok := b.init[key]; ok {
		return n, b.init[key+":sin"]
	}
	c := make([]float32, maxPos*len(inv))
	s := make([]float32, len(c))
	for p := range maxPos {
		for i, f := range inv {
			x := float32(p) * f
			c[p*len(inv)+i] = float32(math.Cos(float64(x)))
			s[p*len(inv)+i] = float32(math.Sin(float64(x)))
		}
	}
	cn := b.constF32(c, int64(maxPos), int64(len(inv)))
	sn := b.constF32(s, int64(maxPos), int64(len(inv)))
	b.init[key], b.init[key+":sin"] = cn, sn
	return cn, sn
}
