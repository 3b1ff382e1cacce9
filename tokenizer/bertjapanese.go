package tokenizer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jretrieve/jretrieve/tokenizer/spm"
	"golang.org/x/text/unicode/norm"
)

// bertJapanese reproduces transformers' BertJapaneseTokenizer (and the LINE
// DistilBertJapaneseTokenizer, which adds the sentencepiece subword type).
type bertJapanese struct {
	lower bool
	// preLower: lower-case the whole text before the word tokenizer (basic
	// and character words). MeCab words are not: transformers 5's
	// PreTrainedTokenizer.tokenize no longer lower-cases the text (4.x did,
	// with a regexp around special tokens), so MeCab sees the original
	// (NFKC) text and MecabTokenizer lower-cases each surface; this differs
	// where case changes the segmentation, e.g. "İstanbul" is one MeCab word
	// but its lower case "i̇stanbul" is three ("i", U+0307, "stanbul").
	preLower   bool
	nfkc       bool
	words      WordSplitter // nil: character word tokenizer
	neverSplit map[string]bool
	specials   []string
	// WordPiece
	vocab    map[string]int
	invVocab []string
	unk      string
	unkID    int
	// SentencePiece subwords
	sp *spm.Processor

	specialIDs map[string]int
}

func loadBertJapanese(c *hfConfig, class string, opt Options) (Tokenizer, error) {
	wordType, err := c.str("word_tokenizer_type", "basic")
	if err != nil {
		return nil, err
	}
	subType, err := c.str("subword_tokenizer_type", "wordpiece")
	if err != nil {
		return nil, err
	}
	plainBert := strings.TrimSuffix(class, "Fast") == "BertTokenizer"
	if plainBert {
		wordType, subType = "basic", "wordpiece"
	}
	lower, err := c.boolean("do_lower_case", false)
	if err != nil {
		return nil, err
	}
	if v, err := c.boolean("do_word_tokenize", true); err != nil || !v {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s: field do_word_tokenize false unsupported", c.file())
	}
	if v, err := c.boolean("do_subword_tokenize", true); err != nil || !v {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s: field do_subword_tokenize false unsupported", c.file())
	}
	b := &bertJapanese{lower: lower, preLower: lower && wordType != "mecab", neverSplit: map[string]bool{}}
	if v, ok := c.raw["never_split"]; ok && string(v) != "null" {
		var ns []string
		if err := json.Unmarshal(v, &ns); err != nil {
			return nil, fmt.Errorf("%s: field never_split: %w", c.file(), err)
		}
		for _, s := range ns {
			b.neverSplit[s] = true
		}
	}
	switch wordType {
	case "mecab":
		dic := "ipadic"
		b.nfkc = true
		if v, ok := c.raw["mecab_kwargs"]; ok && string(v) != "null" {
			var kw map[string]json.RawMessage
			if err := json.Unmarshal(v, &kw); err != nil {
				return nil, fmt.Errorf("%s: field mecab_kwargs: %w", c.file(), err)
			}
			for k, val := range kw {
				switch k {
				case "mecab_dic":
					if string(val) == "null" {
						return nil, fmt.Errorf("%s: field mecab_kwargs.mecab_dic null (custom mecab_option dictionaries) unsupported", c.file())
					}
					if err := json.Unmarshal(val, &dic); err != nil {
						return nil, fmt.Errorf("%s: field mecab_kwargs.mecab_dic: %s", c.file(), val)
					}
				case "normalize_text":
					if err := json.Unmarshal(val, &b.nfkc); err != nil {
						return nil, fmt.Errorf("%s: field mecab_kwargs.normalize_text: %s", c.file(), val)
					}
				case "mecab_option":
					if string(val) != "null" {
						return nil, fmt.Errorf("%s: field mecab_kwargs.mecab_option %s unsupported", c.file(), val)
					}
				default:
					return nil, fmt.Errorf("%s: field mecab_kwargs.%s unsupported", c.file(), k)
				}
			}
		}
		if opt.Words != nil {
			b.words = opt.Words
		} else {
			w, err := NewWordSplitter(dic)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.file(), err)
			}
			b.words = w
		}
	case "character":
		b.nfkc = true
	case "basic":
		// BertJapaneseTokenizer builds BasicTokenizer with
		// tokenize_chinese_chars=False; BertTokenizer reads it (default true).
		chinese := false
		if plainBert {
			if chinese, err = c.boolean("tokenize_chinese_chars", true); err != nil {
				return nil, err
			}
		}
		var strip *bool
		if v, ok := c.raw["strip_accents"]; ok && string(v) != "null" {
			var x bool
			if err := json.Unmarshal(v, &x); err != nil {
				return nil, fmt.Errorf("%s: field strip_accents: want a boolean, got %s", c.file(), v)
			}
			strip = &x
		}
		b.words = basicTokenizer(lower, strip, chinese, b.neverSplit)
	default:
		return nil, fmt.Errorf("%s: field word_tokenizer_type %q unsupported (supported: mecab, character, basic)", c.file(), wordType)
	}
	unk := c.special("unk_token", "[UNK]")
	cls := c.special("cls_token", "[CLS]")
	sep := c.special("sep_token", "[SEP]")
	pad := c.special("pad_token", "[PAD]")
	mask := c.special("mask_token", "[MASK]")
	b.unk = unk
	added, err := c.addedTokens()
	if err != nil {
		return nil, err
	}
	b.specials = []string{unk, cls, sep, pad, mask}
	b.specials = append(b.specials, c.additional()...)
	for tok := range added {
		b.specials = append(b.specials, tok)
	}
	b.specials = uniqueSorted(b.specials)
	maxLen, err := c.maxLength()
	if err != nil {
		return nil, err
	}
	co := &core{family: "bert-japanese", maxLen: maxLen}
	if plainBert {
		co.family = "bert"
	}
	switch subType {
	case "wordpiece", "character":
		path := filepath.Join(c.dir, "vocab.txt")
		vocab, inv, err := readVocab(path)
		if err != nil {
			return nil, err
		}
		b.vocab, b.invVocab = vocab, inv
		id, ok := vocab[unk]
		if !ok {
			return nil, fmt.Errorf("%s: unk_token %q not in %s", c.file(), unk, path)
		}
		b.unkID = id
		co.vocabSize = len(inv)
		co.tokenID = func(s string) (int, bool) { id, ok := vocab[s]; return id, ok }
		co.idToken = func(id int) string {
			if id < 0 || id >= len(inv) {
				return ""
			}
			return inv[id]
		}
		if subType == "character" {
			co.segmentN = b.segmentFunc(b.characterPieces)
		} else {
			co.segmentN = b.segmentFunc(b.wordPieces)
		}
	case "sentencepiece":
		co.family = "bert-japanese-sentencepiece"
		path := filepath.Join(c.dir, "spiece.model")
		if v, err := c.str("spm_file", ""); err == nil && v != "" {
			path = filepath.Join(c.dir, filepath.Base(v))
		}
		sp, err := spm.Load(path)
		if err != nil {
			return nil, err
		}
		b.sp = sp
		co.vocabSize = sp.VocabSize()
		co.tokenID = func(s string) (int, bool) {
			id := sp.PieceToID(s)
			return id, id != sp.UnkID() || s == sp.IDToPiece(id)
		}
		co.idToken = sp.IDToPiece
		co.segmentN = b.segmentFunc(b.spPieces)
		b.unkID = sp.UnkID()
	default:
		return nil, fmt.Errorf("%s: field subword_tokenizer_type %q unsupported (supported: wordpiece, character, sentencepiece)", c.file(), subType)
	}
	ids := map[string]int{}
	for _, s := range []string{cls, sep, pad, unk, mask} {
		id, ok := co.tokenID(s)
		if !ok {
			// transformers maps a special token missing from the
			// vocabulary to the unknown id.
			id = b.unkID
		}
		ids[s] = id
	}
	b.specialIDs = ids
	seg := co.segmentN
	co.segment = func(text string) []piece { return seg(text, 0) }
	for _, s := range b.specials {
		if _, ok := ids[s]; !ok {
			if id, ok := co.tokenID(s); ok {
				ids[s] = id
			} else if id, ok := added[s]; ok && id >= 0 {
				ids[s] = id
				co.vocabSize = max(co.vocabSize, id+1)
			} else {
				ids[s] = b.unkID
			}
		}
	}
	co.padID = ids[pad]
	co.single = []templateItem{{seq: -1, id: ids[cls], tok: cls}, {seq: 0}, {seq: -1, id: ids[sep], tok: sep}}
	co.pair = []templateItem{{seq: -1, id: ids[cls], tok: cls}, {seq: 0}, {seq: -1, id: ids[sep], tok: sep},
		{seq: 1, typeID: 1}, {seq: -1, id: ids[sep], tok: sep, typeID: 1}}
	_ = class
	return co, nil
}

func readVocab(path string) (map[string]int, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	vocab := map[string]int{}
	var inv []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		// transformers load_vocab: token.rstrip("\n"); later lines win.
		tok := strings.TrimSuffix(sc.Text(), "\r")
		vocab[tok] = len(inv)
		inv = append(inv, tok)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(inv) == 0 {
		return nil, nil, fmt.Errorf("%s: empty vocabulary", path)
	}
	return vocab, inv, nil
}

// nfkcMap is NFKC(text) with the span of the input each byte of the
// result came from, kept per normalisation segment (norm.Iter's) rather
// than per byte: 12 bytes per segment instead of 16 per byte.
type nfkcMap struct {
	s        string
	identity bool      // s is the input itself
	segs     []nfkcSeg // in order of out; out of the first is 0
	inLen    int
}

type nfkcSeg struct{ out, in, stop int32 }

func nfkcWithOffsets(text string) nfkcMap {
	if int64(len(text)) >= 1<<31-1 {
		// offsets do not fit in int32: no mapping beyond the identity
		// of lengths (cannot happen with the CLI's 64 MB lines).
		return nfkcMap{s: norm.NFKC.String(text), identity: true, inLen: len(text)}
	}
	var it norm.Iter
	it.InitString(norm.NFKC, text)
	var sb strings.Builder
	sb.Grow(len(text))
	m := nfkcMap{inLen: len(text)}
	for !it.Done() {
		start := it.Pos()
		seg := it.Next()
		stop := it.Pos()
		if len(seg) > 0 {
			m.segs = append(m.segs, nfkcSeg{int32(sb.Len()), int32(start), int32(stop)})
		}
		sb.Write(seg)
	}
	m.s = sb.String()
	return m
}

func identityMap(text string) nfkcMap { return nfkcMap{s: text, identity: true, inLen: len(text)} }

// at returns the input span of result byte i (0 <= i < len(m.s)).
func (m nfkcMap) at(i int) (int, int) {
	if m.identity {
		return min(i, m.inLen), min(i+1, m.inLen)
	}
	k := sort.Search(len(m.segs), func(k int) bool { return int(m.segs[k].out) > i }) - 1
	return int(m.segs[k].in), int(m.segs[k].stop)
}

// span maps a byte span of the normalized text back to the input.
func (m nfkcMap) span(b, e int) (int, int) {
	n := len(m.s)
	e = min(e, n)
	if b >= n || e <= b {
		if n == 0 {
			return 0, 0
		}
		_, x := m.at(n - 1)
		if b < n {
			x, _ = m.at(b)
		}
		return x, x
	}
	ob, _ := m.at(b)
	_, oe := m.at(e - 1)
	return ob, oe
}

// pyLower lower-cases character by character like the references:
// PreTrainedTokenizer.tokenize lower-cases with re.sub over single
// characters and tokenizers' Lowercase uses char::to_lowercase, so there
// is no final-sigma context; the one full case mapping Go's simple
// mapping lacks is İ -> "i̇".
func pyLower(s string) string {
	if !strings.ContainsRune(s, 'İ') {
		return strings.ToLower(s)
	}
	return strings.ToLower(strings.ReplaceAll(s, "İ", "i\u0307"))
}

// segmentFunc returns the segmentation of the tokenizer: all pieces when
// limit <= 0, else at least the first limit pieces when the text has that
// many (exactly those of the whole segmentation: words are pieced one by
// one, and a WordStreamer's words are those of the whole text). A
// WordStreamer then stops the word segmentation there.
func (b *bertJapanese) segmentFunc(sub func(word string, off int, out []piece) []piece) func(string, int) []piece {
	return func(text string, limit int) []piece {
		var out []piece
		for _, ch := range splitSpecial(text, b.specials) {
			if limit > 0 && len(out) >= limit {
				break
			}
			if ch.special {
				out = append(out, piece{tok: ch.text, id: b.specialIDs[ch.text], begin: ch.offset, end: ch.offset + len(ch.text)})
				continue
			}
			t := ch.text
			if !utf8.ValidString(t) {
				// Python text is always valid Unicode; invalid bytes become
				// U+FFFD (offsets then approximate).
				t = strings.ToValidUTF8(t, "\uFFFD")
			}
			// Basic and character words: the whole non-special text is
			// lower-cased first (see preLower), then NFKC-normalised.
			normalize := func(x string) nfkcMap {
				if b.preLower {
					x = pyLower(x)
				}
				if b.nfkc {
					return nfkcWithOffsets(x)
				}
				return identityMap(x)
			}
			var m nfkcMap
			pos := 0
			word := func(w string) bool {
				// Words are substrings of the text in order; a splitter
				// that rewrites surfaces still gets its words tokenized,
				// with offsets at the current position.
				wb := pos
				if i := strings.Index(m.s[pos:], w); i >= 0 {
					wb = pos + i
					pos = wb + len(w)
				}
				if b.lower && !b.neverSplit[w] {
					w = pyLower(w)
				}
				start := len(out)
				out = sub(w, wb, out)
				for k := start; k < len(out); k++ {
					// Lower-casing or U+FFFD replacement may change
					// lengths: offsets are then clamped to the chunk.
					ob, oe := m.span(out[k].begin, out[k].end)
					ob, oe = min(ob, len(ch.text)), min(oe, len(ch.text))
					out[k].begin, out[k].end = ob+ch.offset, oe+ch.offset
				}
				return limit <= 0 || len(out) < limit
			}
			if ps, ok := b.words.(PrefixWordStreamer); ok && limit > 0 && b.prefixPieces(ps, t, limit, &m, &pos, &out, word) {
				continue
			}
			m, pos = normalize(t), 0
			if ws, ok := b.words.(WordStreamer); ok && limit > 0 {
				// m.s is valid UTF-8: no error.
				_ = ws.WakatiFunc(m.s, word)
				continue
			}
			if b.words == nil && limit > 0 {
				// CharacterTokenizer, one character at a time.
				for i, r := range m.s {
					if !unicode.IsSpace(r) && !word(m.s[i:i+utf8.RuneLen(r)]) {
						break
					}
				}
				continue
			}
			for _, w := range b.splitWords(m.s) {
				if !word(w) {
					break
				}
			}
		}
		return out
	}
}

func (b *bertJapanese) splitWords(s string) []string {
	if b.words != nil {
		return b.words.Wakati(s)
	}
	// CharacterTokenizer: every non-whitespace character.
	var out []string
	for _, r := range s {
		if !unicode.IsSpace(r) {
			out = append(out, string(r))
		}
	}
	return out
}

// prefixPieces tries to get the first limit pieces of the chunk t from a
// prefix of it: lower-case the first c bytes (per character, so a prefix
// of the lower-cased text), cut at the last NFKC boundary (the normalised
// prefix is then a prefix of the normalised text), and take the words
// every text starting there shares (PrefixWordStreamer). c starts at
// 16*limit+256 bytes and grows 4x until the words give limit pieces; it
// returns false, with out as it was, when even the longest prefix short
// of t does not. m, pos and out are those the word callback uses.
func (b *bertJapanese) prefixPieces(ps PrefixWordStreamer, t string, limit int, m *nfkcMap, pos *int, out *[]piece, word func(string) bool) bool {
	start := len(*out)
	for c := 16*limit + 256; c < len(t); c *= 4 {
		for c < len(t) && !utf8.RuneStart(t[c]) {
			c++
		}
		x := t[:c]
		if b.preLower {
			x = pyLower(x)
		}
		if b.nfkc {
			lb := norm.NFKC.LastBoundary([]byte(x))
			if lb <= 0 {
				continue
			}
			*m = nfkcWithOffsets(x[:lb])
		} else {
			*m = identityMap(x)
		}
		*out, *pos = (*out)[:start], 0
		_ = ps.WakatiPrefixFunc(m.s, word)
		if len(*out) >= limit {
			return true
		}
	}
	*out = (*out)[:start]
	return false
}

// wordPieces is transformers' WordpieceTokenizer on one word (whitespace
// separated parts, greedy longest match, "##" continuations, [UNK] for
// words over 100 characters or that cannot be pieced).
func (b *bertJapanese) wordPieces(word string, off int, out []piece) []piece {
	for _, f := range pyFields(word) { // whitespace_tokenize: str.split()
		tok, fb := f.s, off+f.off
		if utf8.RuneCountInString(tok) > 100 {
			out = append(out, piece{tok: b.unk, id: b.unkID, begin: fb, end: fb + len(tok)})
			continue
		}
		n0 := len(out)
		bad := false
		for start := 0; start < len(tok); {
			end := len(tok)
			found := -1
			for start < end {
				sub := tok[start:end]
				if start > 0 {
					sub = "##" + sub
				}
				if id, ok := b.vocab[sub]; ok {
					found = id
					break
				}
				_, sz := utf8.DecodeLastRuneInString(tok[start:end])
				end -= sz
			}
			if found < 0 {
				bad = true
				break
			}
			out = append(out, piece{tok: b.invVocab[found], id: found, begin: fb + start, end: fb + end})
			start = end
		}
		if bad {
			out = append(out[:n0], piece{tok: b.unk, id: b.unkID, begin: fb, end: fb + len(tok)})
		}
	}
	return out
}

// characterPieces is transformers' CharacterTokenizer subword step.
func (b *bertJapanese) characterPieces(word string, off int, out []piece) []piece {
	for i, r := range word {
		s := string(r)
		id, ok := b.vocab[s]
		tok := s
		if !ok {
			id, tok = b.unkID, b.unk
		}
		out = append(out, piece{tok: tok, id: id, begin: off + i, end: off + i + len(s)})
	}
	return out
}

// spPieces is transformers' SentencepieceTokenizer (BertJapanese
// subword_tokenizer_type "sentencepiece", remove_space=True,
// keep_accents=True) applied to one word.
func (b *bertJapanese) spPieces(word string, off int, out []piece) []piece {
	// preprocess_text: " ".join(text.strip().split()), `` and '' -> ".
	w := strings.Join(strings.FieldsFunc(word, pyIsSpace), " ")
	w = strings.ReplaceAll(strings.ReplaceAll(w, "``", `"`), "''", `"`)
	if b.lower {
		w = pyLower(w)
	}
	exact := w == word
	for _, t := range b.sp.Encode(w) {
		p := piece{tok: t.Piece, id: t.ID, begin: off, end: off + len(word)}
		if exact {
			p.begin, p.end = off+t.Begin, off+t.End
		}
		// Pieces like "12," are re-split as in the reference.
		rs := []rune(t.Piece)
		if len(rs) > 1 && rs[len(rs)-1] == ',' && unicode.IsDigit(rs[len(rs)-2]) {
			inner := strings.ReplaceAll(string(rs[:len(rs)-1]), spm.SpaceSymbol, "")
			cur := b.sp.Encode(inner)
			if !strings.HasPrefix(t.Piece, spm.SpaceSymbol) && len(cur) > 0 && strings.HasPrefix(cur[0].Piece, spm.SpaceSymbol) {
				if cur[0].Piece == spm.SpaceSymbol {
					cur = cur[1:]
				} else {
					s := strings.TrimPrefix(cur[0].Piece, spm.SpaceSymbol)
					cur[0].Piece, cur[0].ID = s, b.sp.PieceToID(s)
				}
			}
			for _, c := range cur {
				out = append(out, piece{tok: c.Piece, id: c.ID, begin: p.begin, end: p.end})
			}
			out = append(out, piece{tok: ",", id: b.sp.PieceToID(","), begin: p.begin, end: p.end})
			continue
		}
		out = append(out, p)
	}
	return out
}

type field struct {
	s   string
	off int
}

// whitespaceFields splits on Unicode White_Space (Rust char::is_whitespace).
func whitespaceFields(s string) []field { return fieldsFunc(s, unicode.IsSpace) }

// pyIsSpace is Python's str.isspace for one character: Unicode White_Space
// plus U+001C..U+001F (bidirectional class B or S).
func pyIsSpace(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }

// pyFields splits like Python's str.split() with no argument.
func pyFields(s string) []field { return fieldsFunc(s, pyIsSpace) }

func fieldsFunc(s string, isSpace func(rune) bool) []field {
	var out []field
	start := -1
	for i, r := range s {
		if isSpace(r) {
			if start >= 0 {
				out = append(out, field{s[start:i], start})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, field{s[start:], start})
	}
	return out
}

// basicTokenizer is transformers' BasicTokenizer: clean text, optional
// CJK character isolation, NFC, whitespace split, lower-casing and accent
// stripping (except never_split tokens), punctuation split.
func basicTokenizer(lower bool, strip *bool, chinese bool, neverSplit map[string]bool) WordSplitter {
	return WordSplitterFunc(func(text string) []string {
		var sb strings.Builder
		for _, r := range text {
			switch {
			case r == 0 || r == 0xFFFD || isControlRune(r):
			case unicode.IsSpace(r):
				sb.WriteByte(' ')
			case chinese && isChineseChar(r):
				sb.WriteByte(' ')
				sb.WriteRune(r)
				sb.WriteByte(' ')
			default:
				sb.WriteRune(r)
			}
		}
		text = norm.NFC.String(sb.String())
		var out []string
		for _, tok := range strings.Fields(text) {
			if !neverSplit[tok] {
				if lower {
					tok = pyLower(tok)
				}
				if lower && (strip == nil || *strip) || !lower && strip != nil && *strip {
					tok = stripAccents(tok)
				}
			}
			if neverSplit[tok] {
				out = append(out, tok)
				continue
			}
			start := 0
			for i, r := range tok {
				if isBertPunct(r) {
					if i > start {
						out = append(out, tok[start:i])
					}
					out = append(out, string(r))
					start = i + utf8.RuneLen(r)
				}
			}
			if start < len(tok) {
				out = append(out, tok[start:])
			}
		}
		return out
	})
}

func stripAccents(s string) string {
	var sb strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
