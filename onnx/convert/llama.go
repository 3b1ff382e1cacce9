package convert

import "sort"

// Llama, as transformers' models/llama/modeling_llama.py: LlamaModel
// (embed_tokens, LlamaDecoderLayer: input_layernorm (LlamaRMSNorm) ->
// LlamaAttention with default rotary embeddings, grouped-query attention
// and a causal mask combined with the padding mask -> residual ->
// post_attention_layernorm -> LlamaMLP (down(act(gate(x)) * up(x))) ->
// residual; final norm). It is the decoder sarashina-embedding-v1-1b uses
// as an encoder; the embedding is its last token (sentence-transformers
// lasttoken pooling, done outside the graph on the right-padded batch).
// Positions are arange(S) as in LlamaModel without a cache, which is
// right for right-padded batches.

type llamaConfig struct {
	hidden, layers, heads, kvHeads, headDim, intermediate, vocab int
	eps, theta                                                   float64
	attnBias, mlpBias                                            bool
	act                                                          string
}

func readLlamaConfig(c *config) llamaConfig {
	c.checkCommon()
	c.only("pretraining_tp", 1)
	// Flags of Llama-like configs that change the network and are not
	// implemented: rejected by name rather than ignored.
	for _, k := range []string{"sliding_window", "attn_logit_softcapping", "final_logit_softcapping", "partial_rotary_factor", "layer_types", "no_rope_layers", "qk_norm", "use_qk_norm"} {
		if c.has(k) {
			if b, ok := c.raw[k].(bool); ok && !b {
				continue
			}
			c.fail("%s = %v is not supported by the converter for llama", k, c.raw[k])
		}
	}
	lc := llamaConfig{
		hidden:       c.int("hidden_size", -1),
		layers:       c.int("num_hidden_layers", -1),
		heads:        c.int("num_attention_heads", -1),
		intermediate: c.int("intermediate_size", -1),
		vocab:        c.int("vocab_size", -1),
		eps:          c.float("rms_norm_eps", 1e-6),
		theta:        c.float("rope_theta", 10000),
		attnBias:     c.bool("attention_bias", false),
		mlpBias:      c.bool("mlp_bias", false),
		act:          c.str("hidden_act", "silu"),
	}
	if c.err != nil {
		return lc
	}
	if lc.heads <= 0 {
		c.fail("num_attention_heads = %d is not positive", lc.heads)
		return lc
	}
	lc.kvHeads = c.int("num_key_value_heads", lc.heads)
	if c.has("head_dim") {
		lc.headDim = c.int("head_dim", -1)
	} else {
		if lc.hidden%lc.heads != 0 {
			c.fail("hidden_size %d is not a multiple of num_attention_heads %d (and head_dim is absent)", lc.hidden, lc.heads)
		}
		lc.headDim = lc.hidden / lc.heads
	}
	if lc.kvHeads <= 0 || lc.heads%lc.kvHeads != 0 {
		c.fail("num_attention_heads %d is not a multiple of num_key_value_heads %d", lc.heads, lc.kvHeads)
	}
	if lc.headDim <= 0 || lc.headDim%2 != 0 {
		c.fail("head_dim %d is not a positive even number", lc.headDim)
	}
	// transformers >= 5 writes rope_parameters; only the default rope.
	if rp, ok := c.raw["rope_parameters"].(map[string]any); ok && rp != nil {
		keys := make([]string, 0, len(rp))
		for k := range rp {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := rp[k]
			switch k {
			case "rope_type", "type":
				if v != "default" {
					c.fail("rope_parameters.%s = %v is not supported by the converter (supported: default)", k, v)
				}
			case "rope_theta":
				f, ok := v.(float64)
				if !ok {
					c.fail("rope_parameters.rope_theta = %v is not a number", v)
				}
				lc.theta = f
			default:
				c.fail("rope_parameters.%s is not supported by the converter", k)
			}
		}
	} else if c.has("rope_parameters") {
		c.fail("rope_parameters = %v is not an object", c.raw["rope_parameters"])
	}
	return lc
}

// rmsNorm is LlamaRMSNorm: w * x / sqrt(mean(x^2) + eps) over the last axis.
func (b *graph) rmsNorm(x, name string, n int, eps float64) string {
	ms := b.div(b.op("ReduceSum", []string{b.mul(x, x), b.ints(-1)}, aInt("keepdims", 1)), b.scalar(float32(n)))
	r := b.op("Sqrt", []string{b.add(ms, b.scalar(float32(eps)))})
	return b.mul(b.weight(name+".weight", n), b.div(x, r))
}

// repeatKV is repeat_kv: [B, nkv, S, hd] -> [B, nkv*rep, S, hd], each
// key/value head repeated rep times in a row.
func (b *graph) repeatKV(x string, nkv, rep, hd int) string {
	if rep == 1 {
		return x
	}
	u := b.unsqueeze(x, 2)
	copies := make([]string, rep)
	for i := range copies {
		copies[i] = u
	}
	c := b.op("Concat", copies, aInt("axis", 2))
	return b.reshape(c, 0, int64(nkv*rep), -1, int64(hd))
}

// causalMask is the allowed-key mask [B, 1, S, S]: the key is not padding
// and comes at or before the query.
func (b *graph) causalMask(ids, keys string) string {
	pos := b.positions(ids)
	past := b.op("LessOrEqual", []string{b.unsqueeze(pos, 0), b.unsqueeze(pos, 1)})
	return b.op("And", []string{keys, past})
}

// llamaLayer is one LlamaDecoderLayer.
func (b *graph) llamaLayer(cfg llamaConfig, x string, i int, bias, cos, sin string) string {
	p := "layers." + itoa(i)
	hd := cfg.headDim
	// LlamaAttention.
	h := b.rmsNorm(x, p+".input_layernorm", cfg.hidden, cfg.eps)
	q := b.heads(b.linear(h, p+".self_attn.q_proj", cfg.hidden, cfg.heads*hd, cfg.attnBias), cfg.heads, hd)
	k := b.heads(b.linear(h, p+".self_attn.k_proj", cfg.hidden, cfg.kvHeads*hd, cfg.attnBias), cfg.kvHeads, hd)
	v := b.heads(b.linear(h, p+".self_attn.v_proj", cfg.hidden, cfg.kvHeads*hd, cfg.attnBias), cfg.kvHeads, hd)
	q = b.applyRope(q, cos, sin, hd)
	k = b.applyRope(k, cos, sin, hd)
	rep := cfg.heads / cfg.kvHeads
	k = b.repeatKV(k, cfg.kvHeads, rep, hd)
	v = b.repeatKV(v, cfg.kvHeads, rep, hd)
	a := b.attention(q, k, v, bias, cfg.heads, hd)
	x = b.add(x, b.linear(a, p+".self_attn.o_proj", cfg.heads*hd, cfg.hidden, cfg.attnBias))
	// LlamaMLP.
	m := b.rmsNorm(x, p+".post_attention_layernorm", cfg.hidden, cfg.eps)
	gate := b.activation(b.linear(m, p+".mlp.gate_proj", cfg.hidden, cfg.intermediate, cfg.mlpBias), cfg.act, "hidden_act")
	up := b.linear(m, p+".mlp.up_proj", cfg.hidden, cfg.intermediate, cfg.mlpBias)
	return b.add(x, b.linear(b.mul(gate, up), p+".mlp.down_proj", cfg.intermediate, cfg.hidden, cfg.mlpBias))
}

// buildLlama writes LlamaModel (last_hidden_state).
func buildLlama(b *graph, c *config, head bool) {
	cfg := readLlamaConfig(c)
	if c.err != nil {
		return
	}
	ids := b.input("input_ids")
	mask := b.input("attention_mask")
	h := b.embedding(ids, "embed_tokens", cfg.vocab, cfg.hidden)
	bias := b.maskBias(b.causalMask(ids, b.keyMask(mask)))
	cos, sin := b.rope(ids, cfg.theta, cfg.headDim)
	for i := range cfg.layers {
		h = b.llamaLayer(cfg, h, i, bias, cos, sin)
	}
	h = b.rmsNorm(h, "norm", cfg.hidden, cfg.eps)
	b.output(h, "last_hidden_state", "batch", "sequence", cfg.hidden)
}
