package tokenizer

import (
	"fmt"

	"github.com/jretrieve/jretrieve/tokenizer/spm"
)

// spmSegmenter encodes text chunks with a SentencePiece model, after
// splitting out added/special tokens, mapping SentencePiece ids with mapID.
func spmSegmenter(sp *spm.Processor, specials map[string]int, mapID func(int) int) func(string) []piece {
	toks := make([]string, 0, len(specials))
	for s := range specials {
		toks = append(toks, s)
	}
	toks = uniqueSorted(toks)
	return func(text string) []piece {
		var out []piece
		for _, ch := range splitSpecial(text, toks) {
			if ch.special {
				out = append(out, piece{tok: ch.text, id: specials[ch.text], begin: ch.offset, end: ch.offset + len(ch.text)})
				continue
			}
			for _, t := range sp.Encode(ch.text) {
				out = append(out, piece{tok: t.Piece, id: mapID(t.ID), begin: ch.offset + t.Begin, end: ch.offset + t.End})
			}
		}
		return out
	}
}

// loadFairseqSPM builds XLMRobertaTokenizer / MLukeTokenizer: a
// SentencePiece model whose ids are shifted by the fairseq offset
// (<s>=0, <pad>=1, </s>=2, <unk>=3, piece id + 1 otherwise, <mask> last).
func loadFairseqSPM(c *hfConfig, path string) (Tokenizer, error) {
	sp, err := spm.Load(path)
	if err != nil {
		return nil, err
	}
	maxLen, err := c.maxLength()
	if err != nil {
		return nil, err
	}
	fixed := map[string]int{"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
	maskTok := c.special("mask_token", "<mask>")
	maskID := sp.VocabSize() + 1
	added, err := c.addedTokens()
	if err != nil {
		return nil, err
	}
	specials := map[string]int{maskTok: maskID}
	for k, v := range fixed {
		specials[k] = v
	}
	vocab := maskID + 1
	for k, v := range added {
		if _, ok := specials[k]; !ok {
			specials[k] = v
		}
		vocab = max(vocab, v+1)
	}
	mapID := func(id int) int {
		if id == sp.UnkID() {
			return 3
		}
		return id + 1
	}
	tokenID := func(s string) (int, bool) {
		if id, ok := specials[s]; ok {
			return id, true
		}
		id := sp.PieceToID(s)
		if id == sp.UnkID() {
			return 3, false
		}
		return id + 1, true
	}
	inv := map[int]string{}
	for k, v := range specials {
		inv[v] = k
	}
	idToken := func(id int) string {
		if s, ok := inv[id]; ok {
			return s
		}
		if id >= 1 && id-1 < sp.VocabSize() {
			return sp.IDToPiece(id - 1)
		}
		return ""
	}
	bos, eos := c.special("cls_token", "<s>"), c.special("sep_token", "</s>")
	bosID, ok1 := tokenID(bos)
	eosID, ok2 := tokenID(eos)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%s: cls_token %q or sep_token %q not in the vocabulary", c.file(), bos, eos)
	}
	padID, _ := tokenID(c.special("pad_token", "<pad>"))
	return &core{
		family:    "sentencepiece-fairseq",
		segment:   spmSegmenter(sp, specials, mapID),
		single:    []templateItem{{seq: -1, id: bosID, tok: bos}, {seq: 0}, {seq: -1, id: eosID, tok: eos}},
		pair:      []templateItem{{seq: -1, id: bosID, tok: bos}, {seq: 0}, {seq: -1, id: eosID, tok: eos}, {seq: -1, id: eosID, tok: eos}, {seq: 1}, {seq: -1, id: eosID, tok: eos}},
		vocabSize: vocab,
		padID:     padID,
		maxLen:    maxLen,
		tokenID:   tokenID,
		idToken:   idToken,
	}, nil
}

// loadPlainSPM builds a tokenizer that emits the SentencePiece ids
// unchanged: LlamaTokenizer (<s> first), T5Tokenizer (</s> last) or no
// class at all (no special tokens).
func loadPlainSPM(c *hfConfig, path, class string) (Tokenizer, error) {
	sp, err := spm.Load(path)
	if err != nil {
		return nil, err
	}
	maxLen, err := c.maxLength()
	if err != nil {
		return nil, err
	}
	added, err := c.addedTokens()
	if err != nil {
		return nil, err
	}
	tokenID := func(s string) (int, bool) {
		if id, ok := added[s]; ok {
			return id, true
		}
		id := sp.PieceToID(s)
		return id, id != sp.UnkID() || s == sp.IDToPiece(id)
	}
	co := &core{
		family:    "sentencepiece",
		segment:   spmSegmenter(sp, added, func(id int) int { return id }),
		single:    []templateItem{{seq: 0}},
		pair:      []templateItem{{seq: 0}, {seq: 1}},
		vocabSize: sp.VocabSize(),
		maxLen:    maxLen,
		tokenID:   tokenID,
		idToken:   sp.IDToPiece,
	}
	for _, v := range added {
		co.vocabSize = max(co.vocabSize, v+1)
	}
	spec := func(key, def string) (templateItem, bool) {
		s := c.special(key, def)
		id, ok := tokenID(s)
		return templateItem{seq: -1, id: id, tok: s}, ok
	}
	if pad, ok := spec("pad_token", "<pad>"); ok {
		co.padID = pad.id
	}
	switch class {
	case "LlamaTokenizer":
		addBOS, err := c.boolean("add_bos_token", true)
		if err != nil {
			return nil, err
		}
		addEOS, err := c.boolean("add_eos_token", false)
		if err != nil {
			return nil, err
		}
		bos, _ := spec("bos_token", "<s>")
		eos, _ := spec("eos_token", "</s>")
		var s, p []templateItem
		if addBOS {
			s, p = append(s, bos), append(p, bos)
		}
		s, p = append(s, templateItem{seq: 0}), append(p, templateItem{seq: 0})
		if addEOS {
			s, p = append(s, eos), append(p, eos)
		}
		if addBOS {
			p = append(p, templateItem{seq: -1, id: bos.id, tok: bos.tok, typeID: 1})
		}
		p = append(p, templateItem{seq: 1, typeID: 1})
		if addEOS {
			p = append(p, templateItem{seq: -1, id: eos.id, tok: eos.tok, typeID: 1})
		}
		co.single, co.pair = s, p
	case "T5Tokenizer":
		eos, _ := spec("eos_token", "</s>")
		co.single = []templateItem{{seq: 0}, eos}
		co.pair = []templateItem{{seq: 0}, eos, {seq: 1}, eos}
	}
	return co, nil
}
