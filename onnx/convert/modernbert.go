package convert

import (
	"math"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
)

// ModernBERT, as transformers' models/modernbert/modeling_modernbert.py:
// ModernBertEmbeddings, ModernBertEncoderLayer (pre-LayerNorm, rotary
// ModernBertAttention with full or sliding-window attention per layer,
// gated ModernBertMLP), final_norm, and ModernBertForSequenceClassification
// (cls/mean pooling, ModernBertPredictionHead, classifier).

type modernConfig struct {
	hidden, layers, heads, intermediate, vocab, maxPos int
	eps                                                float64
	normBias, attnBias, mlpBias                        bool
	act                                                string
	// global[i] is true for full-attention layers.
	global []bool
	// window is the half window: |i - j| <= window for sliding layers.
	window                  int
	globalTheta, localTheta float64
	pooling, headAct        string
	headBias                bool
}

func readModernConfig(c *config) modernConfig {
	c.checkCommon()
	mc := modernConfig{
		hidden:       c.int("hidden_size", -1),
		layers:       c.int("num_hidden_layers", -1),
		heads:        c.int("num_attention_heads", -1),
		intermediate: c.int("intermediate_size", -1),
		vocab:        c.int("vocab_size", -1),
		maxPos:       c.int("max_position_embeddings", 8192),
		eps:          c.float("norm_eps", 1e-5),
		normBias:     c.bool("norm_bias", false),
		attnBias:     c.bool("attention_bias", false),
		mlpBias:      c.bool("mlp_bias", false),
		act:          c.str("hidden_activation", "gelu"),
		pooling:      c.str("classifier_pooling", "cls"),
		headAct:      c.str("classifier_activation", "gelu"),
		headBias:     c.bool("classifier_bias", false),
		globalTheta:  c.float("global_rope_theta", 160000),
		localTheta:   c.float("local_rope_theta", 10000),
	}
	c.only("classifier_pooling", "cls", "mean")
	if c.err == nil && (mc.heads <= 0 || mc.hidden%mc.heads != 0) {
		c.fail("hidden_size %d is not a multiple of num_attention_heads %d", mc.hidden, mc.heads)
	}
	// Layer types: the list (transformers >= 5) or every n-th layer global.
	if lt, ok := c.raw["layer_types"].([]any); ok && lt != nil {
		if len(lt) != mc.layers {
			c.fail("layer_types has %d entries for %d layers", len(lt), mc.layers)
		}
		for i, t := range lt {
			switch t {
			case "full_attention":
				mc.global = append(mc.global, true)
			case "sliding_attention":
				mc.global = append(mc.global, false)
			default:
				c.fail("layer_types[%d] = %v is not supported by the converter", i, t)
			}
		}
	} else {
		every := c.int("global_attn_every_n_layers", 3)
		if every <= 0 {
			c.fail("global_attn_every_n_layers = %d is not positive", every)
			every = 1
		}
		for i := range max(mc.layers, 0) {
			mc.global = append(mc.global, i%every == 0)
		}
	}
	// Window: sliding_window (half window) or local_attention (whole).
	if c.has("sliding_window") {
		mc.window = c.int("sliding_window", -1)
	} else {
		mc.window = c.int("local_attention", 128) / 2
	}
	// Rope: rope_parameters per layer type, default rope only.
	if rp, ok := c.raw["rope_parameters"].(map[string]any); ok && rp != nil {
		for typ, dst := range map[string]*float64{"full_attention": &mc.globalTheta, "sliding_attention": &mc.localTheta} {
			p, ok := rp[typ].(map[string]any)
			if !ok {
				continue
			}
			for k, v := range p {
				switch k {
				case "rope_type":
					if v != "default" {
						c.fail("rope_parameters.%s.rope_type = %v is not supported by the converter (supported: default)", typ, v)
					}
				case "rope_theta":
					f, ok := v.(float64)
					if !ok {
						c.fail("rope_parameters.%s.rope_theta = %v is not a number", typ, v)
					}
					*dst = f
				default:
					c.fail("rope_parameters.%s.%s is not supported by the converter", typ, k)
				}
			}
		}
	}
	return mc
}

// rope returns cos and sin [S, hd] for positions arange(S), computed like
// ModernBertRotaryEmbedding in float32: inv_freq = 1 / theta^(2i/hd),
// freqs = pos * inv_freq, emb = cat(freqs, freqs).
func (b *graph) rope(ids string, theta float64, hd int) (cos, sin string) {
	inv := make([]float32, hd/2)
	for i := range inv {
		// torch: 1.0 / (base ** (arange(0, dim, 2).float() / dim)), float32.
		e := float32(float32(2*i) / float32(hd))
		inv[i] = float32(1 / float32(math.Pow(theta, float64(e))))
	}
	pos := b.unsqueeze(b.cast(b.positions(ids), pb.TensorProto_FLOAT), 1)
	freqs := b.mul(pos, b.constF32(inv, 1, int64(hd/2)))
	emb := b.op("Concat", []string{freqs, freqs}, aInt("axis", -1))
	return b.op("Cos", []string{emb}), b.op("Sin", []string{emb})
}

// applyRope is apply_rotary_pos_emb on x [B, nh, S, hd]:
// x * cos + rotate_half(x) * sin, rotate_half(x) = cat(-x2, x1).
func (b *graph) applyRope(x, cos, sin string, hd int) string {
	half := int64(hd / 2)
	x1 := b.slice(x, b.ints(0), b.ints(half), b.ints(-1))
	x2 := b.slice(x, b.ints(half), b.ints(int64(hd)), b.ints(-1))
	rot := b.op("Concat", []string{b.op("Neg", []string{x2}), x1}, aInt("axis", -1))
	return b.add(b.mul(x, cos), b.mul(rot, sin))
}

// slidingMask is the allowed-key mask of sliding layers, [B, 1, S, S]:
// the key is not padding and |q - k| <= window.
func (b *graph) slidingMask(ids, keys string, window int) string {
	pos := b.positions(ids)
	d := b.op("Abs", []string{b.sub(b.unsqueeze(pos, 1), b.unsqueeze(pos, 0))})
	near := b.op("LessOrEqual", []string{d, b.constI64([]int64{int64(window)})})
	return b.op("And", []string{keys, near})
}

// modernLayer is one ModernBertEncoderLayer.
func (b *graph) modernLayer(cfg modernConfig, x string, i int, bias, cos, sin string) string {
	p := "layers." + itoa(i)
	hd := cfg.hidden / cfg.heads
	h := x
	if i > 0 { // layer 0's attn_norm is Identity
		h = b.layerNorm(x, p+".attn_norm", cfg.hidden, cfg.eps, cfg.normBias)
	}
	// ModernBertAttention: Wqkv's output viewed as [B, S, 3, nh, hd], that
	// is q, k and v from Wqkv's three blocks of H rows, computed as three
	// linears (like the MLP's Wi below, no split copy).
	part := func(j int) string {
		s := b.linearRows(h, p+".attn.Wqkv", cfg.hidden, 3*cfg.hidden, j*cfg.hidden, (j+1)*cfg.hidden, cfg.attnBias)
		return b.heads(s, cfg.heads, hd)
	}
	q := b.applyRope(part(0), cos, sin, hd)
	k := b.applyRope(part(1), cos, sin, hd)
	a := b.attention(q, k, part(2), bias, cfg.heads, hd)
	x = b.add(x, b.linear(a, p+".attn.Wo", cfg.hidden, cfg.hidden, cfg.attnBias))
	// ModernBertMLP: Wi -> (input, gate) -> Wo(act(input) * gate). The two
	// halves of Wi's output (chunk(2, dim=-1)) are computed as two linears
	// over Wi's first and second I rows: the same products, without
	// copying a [B, S, 2I] result apart (a Split took 10-18% of the run
	// time on ONNX Runtime's CPU provider).
	m := b.layerNorm(x, p+".mlp_norm", cfg.hidden, cfg.eps, cfg.normBias)
	in := b.linearRows(m, p+".mlp.Wi", cfg.hidden, 2*cfg.intermediate, 0, cfg.intermediate, cfg.mlpBias)
	gate := b.linearRows(m, p+".mlp.Wi", cfg.hidden, 2*cfg.intermediate, cfg.intermediate, 2*cfg.intermediate, cfg.mlpBias)
	g := b.mul(b.activation(in, cfg.act, "hidden_activation"), gate)
	return b.add(x, b.linear(g, p+".mlp.Wo", cfg.intermediate, cfg.hidden, cfg.mlpBias))
}

// buildModernBert writes ModernBertModel (last_hidden_state) or
// ModernBertForSequenceClassification (logits).
func buildModernBert(b *graph, c *config, head bool) {
	cfg := readModernConfig(c)
	if c.err != nil {
		return
	}
	hd := cfg.hidden / cfg.heads
	ids := b.input("input_ids")
	mask := b.input("attention_mask")
	// ModernBertEmbeddings: norm(tok_embeddings(ids)).
	h := b.layerNorm(b.embedding(ids, "embeddings.tok_embeddings", cfg.vocab, cfg.hidden), "embeddings.norm", cfg.hidden, cfg.eps, cfg.normBias)
	keys := b.keyMask(mask)
	var globalBias, localBias, gcos, gsin, lcos, lsin string
	for i := range cfg.layers {
		if cfg.global[i] {
			if globalBias == "" {
				globalBias = b.maskBias(keys)
				gcos, gsin = b.rope(ids, cfg.globalTheta, hd)
			}
			h = b.modernLayer(cfg, h, i, globalBias, gcos, gsin)
		} else {
			if localBias == "" {
				localBias = b.maskBias(b.slidingMask(ids, keys, cfg.window))
				lcos, lsin = b.rope(ids, cfg.localTheta, hd)
			}
			h = b.modernLayer(cfg, h, i, localBias, lcos, lsin)
		}
	}
	h = b.layerNorm(h, "final_norm", cfg.hidden, cfg.eps, cfg.normBias)
	if !head {
		b.output(h, "last_hidden_state", "batch", "sequence", cfg.hidden)
		return
	}
	var pooled string
	if cfg.pooling == "mean" {
		pooled = b.meanPool(h, mask)
	} else {
		pooled = b.firstToken(h)
	}
	// The head lives outside the "model." prefix.
	b.prefix = ""
	x := b.activation(b.linear(pooled, "head.dense", cfg.hidden, cfg.hidden, cfg.headBias), cfg.headAct, "classifier_activation")
	x = b.layerNorm(x, "head.norm", cfg.hidden, cfg.eps, cfg.normBias)
	b.output(b.linear(x, "classifier", cfg.hidden, c.numLabels(), true), "logits", "batch", c.numLabels())
}
