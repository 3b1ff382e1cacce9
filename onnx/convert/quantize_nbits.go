package convert

import (
	"math"
	"strings"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
)

// nbits is a blockwise weight quantization written as ONNX Runtime's
// com.microsoft MatMulNBits: each linear weight W [N, K] is cut into
// blocks of block consecutive inputs (along K) per output; every block
// has its own float32 scale (and zero point when asymmetric), and the
// codes are bits wide, packed low bits first.
type nbits struct {
	bits, block int
	// accuracy is MatMulNBits' accuracy_level: 4 lets the CPU provider
	// quantize the activations to int8 per block and run integer dot
	// products; 0 dequantizes the weights to float32.
	accuracy int
	// symmetric writes no zero points (ORT's default 2^(bits-1)).
	symmetric bool
}

// Blockwise quantizations (Options.Quantize), written as ONNX Runtime's
// com.microsoft MatMulNBits: see nbitsForms.
const (
	// QuantInt4 is 4-bit weights in blocks of 32 inputs.
	QuantInt4 = "int4"
	// QuantInt8Block is 8-bit weights in blocks of 32 inputs.
	QuantInt8Block = "int8-block"
)

// nbitsForms are the MatMulNBits quantizations by Options.Quantize name.
// Only the linears of the transformer blocks are quantized (see inLayer).
// Weights are asymmetric (a zero point per block; at 4 bits it keeps more
// of the MiniLM token cosine than symmetric blocks), 32 inputs a block (64
// and 128 lose much more: all-MiniLM-L6-v2 token cosine min 0.85 and
// 0.81 against 0.90 at 4 bits), accuracy_level 4 (activations quantized
// to int8 per block at run time: integer dot products; at 8 bits the
// float path dequantizes the whole weight per run and is 2x slower).
var nbitsForms = map[string]nbits{
	QuantInt4:      {bits: 4, block: 32, accuracy: 4},
	QuantInt8Block: {bits: 8, block: 32, accuracy: 4},
}

// quantizeNBits rewrites every linear of the transformer blocks (MatMul
// by a transposed checkpoint weight) into MatMulNBits. A fused Attention
// keeps its packed float32 q, k, v weight: unfused into MatMulNBits +
// Split + MultiHeadAttention it measured slower (BERT-base, one thread,
// int4: 0.87x the fused fp32 graph on a 32 x 128 batch against 1.04x with
// Attention kept; 0.95x against 0.98x on one 128-token request), since
// MatMulNBits is no faster than ONNX Runtime's float GEMM on the CPU
// measured (AVX-512 VNNI and AMX, where int8 DynamicQuantizeMatMul is
// about 4x). The plain graph's separate q, k, v linears are quantized.
func (b *graph) quantizeNBits(q nbits) {
	ix := b.index()
	for i, n := range b.g.Node {
		if n.Domain != "" || n.OpType != "MatMul" {
			continue
		}
		if w, ok := b.linearWeight(ix, n.Input[1]); ok && b.inLayer(w) {
			b.g.Node[i] = b.matMulNBits(q, n.Input[0], n.Output[0], w)
			if b.err != nil {
				return
			}
		}
	}
}

// inLayer reports whether checkpoint tensor w belongs to a transformer
// block (layerRoots under the base model's prefix). Only those linears
// are quantized to n bits: the heads (pooler, classifier, ColBERT's
// projection, ModernBERT's head) run once per sequence or on few columns,
// so 4-bit weights would save no time there and cost the most accuracy
// (a 1-logit classifier is a single dot product of one block per 32
// inputs, with no averaging over later layers).
func (b *graph) inLayer(w *Tensor) bool {
	rest, ok := strings.CutPrefix(w.Name, b.base)
	if !ok {
		return false
	}
	for _, r := range layerRoots {
		if strings.HasPrefix(rest, r) {
			return true
		}
	}
	return false
}

// matMulNBits is the MatMulNBits node computing out = x W^T for the
// linear weight t [out, in].
func (b *graph) matMulNBits(q nbits, x, out string, t *Tensor) *pb.NodeProto {
	if b.err != nil {
		return nil
	}
	w, err := t.Float32()
	if err != nil {
		b.fail("quantize: %w", err)
		return nil
	}
	return b.nbitsNode(q, x, out, w, t.Shape[0], t.Shape[1])
}

// nbitsNode quantizes w ([n, k] row-major) and returns the MatMulNBits
// node computing out = x w^T.
func (b *graph) nbitsNode(q nbits, x, out string, w []float32, n, k int) *pb.NodeProto {
	packed, scales, zps := quantizeBlockwise(w, n, k, q.bits, q.block, q.symmetric)
	kb := int64(len(scales) / n)
	in := []string{x,
		b.rawConst(pb.TensorProto_UINT8, packed, []int64{int64(n), kb, int64(q.block * q.bits / 8)}),
		b.constF32(scales, int64(n), kb)}
	if zps != nil {
		in = append(in, b.rawConst(pb.TensorProto_UINT8, zps, []int64{int64(n), int64(len(zps) / n)}))
	}
	return msNode("MatMulNBits", out, in,
		aInt("K", int64(k)), aInt("N", int64(n)), aInt("bits", int64(q.bits)),
		aInt("block_size", int64(q.block)), aInt("accuracy_level", int64(q.accuracy)))
}

// quantizeBlockwise quantizes w ([n, k] row-major: one row per output)
// in blocks of block values along k, as MatMulNBits reads them:
//
//   - packed is [n, ceil(k/block), block*bits/8] bytes: code j of a block
//     in bits (j*bits)%8.. of byte j*bits/8 (low bits first); the tail of
//     the last block (past k) holds the zero point's code;
//   - scales is [n, ceil(k/block)];
//   - zps (nil when symmetric) is [n, ceil(ceil(k/block)*bits/8)], the
//     zero points packed the same way.
//
// A weight dequantizes as (code - zero point) * scale, the zero point
// being 2^(bits-1) when symmetric. Symmetric blocks map the value of
// largest magnitude to -2^(bits-1) (scale = -v/2^(bits-1), of v's sign),
// so the codes use the whole range; asymmetric blocks span [min(w, 0),
// max(w, 0)] with 2^bits-1 steps.
func quantizeBlockwise(w []float32, n, k, bits, block int, symmetric bool) (packed []byte, scales []float32, zps []byte) {
	kb := (k + block - 1) / block
	blob := block * bits / 8
	top := 1<<bits - 1
	packed = make([]byte, n*kb*blob)
	scales = make([]float32, n*kb)
	zpBytes := (kb*bits + 7) / 8
	if !symmetric {
		zps = make([]byte, n*zpBytes)
	}
	put := func(buf []byte, j, code int) {
		buf[j*bits/8] |= byte(code << (j * bits % 8))
	}
	for r := range n {
		for bi := range kb {
			lo, hi := bi*block, min((bi+1)*block, k)
			vals := w[r*k+lo : r*k+hi]
			scale, zp := blockScale(vals, bits, symmetric)
			s32 := float32(scale)
			scales[r*kb+bi] = s32
			out := packed[(r*kb+bi)*blob : (r*kb+bi+1)*blob]
			for j := range block {
				code := zp
				if j < len(vals) && s32 != 0 {
					code = int(max(0, min(float64(top), math.RoundToEven(float64(vals[j])/float64(s32))+float64(zp))))
				}
				put(out, j, code)
			}
			if zps != nil {
				put(zps[r*zpBytes:(r+1)*zpBytes], bi, zp)
			}
		}
	}
	return packed, scales, zps
}

// searchSteps are the range shrink factors blockScale tries; 1 alone
// keeps the plain min/max scale.
var searchSteps = func() []float64 {
	var f []float64
	for i := range 16 {
		f = append(f, 1-0.02*float64(i))
	}
	return f
}()

// blockScale picks the scale and zero point of one block: the full range
// (largest magnitude, or [min, max]) shrunk by the factor of searchSteps
// with the least squared error of the dequantized block (clipping the
// few largest values costs less than coarser steps for all the others).
func blockScale(vals []float32, bits int, symmetric bool) (float64, int) {
	top := float64(int(1)<<bits - 1)
	mid := float64(int(1) << (bits - 1))
	var ext, mn, mx float64
	for _, v := range vals {
		x := float64(v)
		if math.Abs(x) > math.Abs(ext) {
			ext = x
		}
		mn, mx = min(mn, x), max(mx, x)
	}
	best, bestScale, bestZP := math.Inf(1), 0.0, int(mid)
	for _, f := range searchSteps {
		var scale, zp float64
		if symmetric {
			scale, zp = ext*f/-mid, mid
		} else {
			scale = (mx - mn) * f / top
			if scale != 0 {
				zp = max(0, min(top, math.RoundToEven(-mn*f/scale)))
			}
		}
		s32 := float64(float32(scale))
		if s32 == 0 {
			return 0, int(mid)
		}
		var e float64
		for _, v := range vals {
			q := max(0, min(top, math.RoundToEven(float64(v)/s32)+zp))
			d := (q-zp)*s32 - float64(v)
			e += d * d
		}
		if e < best {
			best, bestScale, bestZP = e, scale, int(zp)
		}
	}
	return bestScale, bestZP
}
