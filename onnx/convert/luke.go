package convert

// LUKE, as transformers' models/luke/modeling_luke.py, for word inputs only
// (GLuCoSE-base-ja and -v2 embed plain text: no entity ids, spans or
// positions). Without entity inputs LukeSelfAttention is plain BERT
// self-attention over the words (query/key/value; the entity-aware w2e,
// e2w, e2e queries are unused), and LukeLayer is BertLayer. The words go
// through LukeEmbeddings: RoBERTa-style position ids counted from
// padding_idx + 1, summed word + position + token type.

// lukeEmbeddings is LukeEmbeddings for input_ids.
func (b *graph) lukeEmbeddings(cfg bertConfig, ids string) string {
	words := b.embedding(ids, "embeddings.word_embeddings", cfg.vocab, cfg.hidden)
	pos := b.embedding(b.paddedPositions(ids, cfg.pad), "embeddings.position_embeddings", cfg.maxPos, cfg.hidden)
	// token_type_ids default to zeros: row 0 of the table.
	table := b.weight("embeddings.token_type_embeddings.weight", cfg.typeVocab, cfg.hidden)
	tt := b.op("Gather", []string{table, b.constI64([]int64{0})}, aInt("axis", 0))
	emb := b.add(b.add(words, pos), tt)
	return b.layerNorm(emb, "embeddings.LayerNorm", cfg.hidden, cfg.eps, true)
}

// buildLuke writes LukeModel's word last_hidden_state.
func buildLuke(b *graph, c *config, head bool) {
	cfg := readBertConfig(c)
	if !c.has("pad_token_id") {
		cfg.pad = 1
	}
	if c.err != nil {
		return
	}
	ids := b.input("input_ids")
	mask := b.input("attention_mask")
	h := b.bertEncoder(cfg, b.lukeEmbeddings(cfg, ids), mask)
	b.output(h, "last_hidden_state", "batch", "sequence", cfg.hidden)
}
