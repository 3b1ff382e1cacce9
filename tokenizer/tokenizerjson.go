package tokenizer

import (
	"container/heap"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jretrieve/jretrieve/tokenizer/spm"
	"golang.org/x/text/unicode/norm"
)

// tokenizer.json support: a port of the parts of Hugging Face tokenizers
// (Rust) that the catalog models use.

type tjAddedToken struct {
	ID         int    `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	LStrip     bool   `json:"lstrip"`
	RStrip     bool   `json:"rstrip"`
	Normalized bool   `json:"normalized"`
	Special    bool   `json:"special"`
}

type tjFile struct {
	AddedTokens   []tjAddedToken  `json:"added_tokens"`
	Normalizer    json.RawMessage `json:"normalizer"`
	PreTokenizer  json.RawMessage `json:"pre_tokenizer"`
	Model         json.RawMessage `json:"model"`
	PostProcessor json.RawMessage `json:"post_processor"`
	Truncation    *struct {
		MaxLength int `json:"max_length"`
	} `json:"truncation"`
	Padding *struct {
		PadID int `json:"pad_id"`
	} `json:"padding"`
}

// maxVocabID bounds token ids read from files (a corrupt id must not
// allocate gigabytes).
const maxVocabID = 1 << 21

type normalizerFn func(aligned) aligned

// preTokFn splits an aligned string into pieces.
type preTokFn func([]aligned) []aligned

// modelFn tokenizes one pre-token; offsets are byte spans within it.
type modelFn func(word string) []piece

type tjTokenizer struct {
	added     []tjAddedToken
	rawAdded  []tjAddedToken // matched on the input text
	normAdded []tjAddedToken // "normalized": matched (normalized) on normalized text
	normalize normalizerFn
	pretok    preTokFn
	model     modelFn
	vocab     map[string]int
	inv       []string
}

func isNull(r json.RawMessage) bool { return len(r) == 0 || string(r) == "null" }

func typeOf(r json.RawMessage) (string, error) {
	var t struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(r, &t); err != nil {
		return "", err
	}
	return t.Type, nil
}

func loadTokenizerJSON(c *hfConfig, path string) (Tokenizer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := parseTokenizerJSON(b, c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	class, _ := c.str("tokenizer_class", "")
	switch strings.TrimSuffix(class, "Fast") {
	case "LlamaTokenizer", "GemmaTokenizer", "CodeLlamaTokenizer":
		// transformers (5.x, TokenizersBackend.__init__) rebuilds the
		// post-processor from add_bos_token / add_eos_token when
		// tokenizer_config.json names either of them (or tokenizer.json has
		// none); otherwise tokenizer.json's own post-processor stands.
		if c.hasKey("add_bos_token") || c.hasKey("add_eos_token") || !t.hasPost {
			if err := llamaTemplate(c, t); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

func llamaTemplate(c *hfConfig, co *core) error {
	// transformers 5: kwargs.get("add_bos_token", False)
	addBOS, err := c.boolean("add_bos_token", false)
	if err != nil {
		return err
	}
	addEOS, err := c.boolean("add_eos_token", false)
	if err != nil {
		return err
	}
	item := func(key, def string, typeID int) (templateItem, error) {
		s := c.special(key, def)
		id, ok := co.tokenID(s)
		if !ok {
			return templateItem{}, fmt.Errorf("%s: %s %q is not in the vocabulary", c.file(), key, s)
		}
		return templateItem{seq: -1, id: id, tok: s, typeID: typeID}, nil
	}
	var single, pair []templateItem
	for seq := 0; seq < 2; seq++ {
		var part []templateItem
		if addBOS {
			b, err := item("bos_token", "<s>", seq)
			if err != nil {
				return err
			}
			part = append(part, b)
		}
		part = append(part, templateItem{seq: seq, typeID: seq})
		if addEOS {
			e, err := item("eos_token", "</s>", seq)
			if err != nil {
				return err
			}
			part = append(part, e)
		}
		if seq == 0 {
			single = part
		}
		pair = append(pair, part...)
	}
	co.single, co.pair = single, pair
	return nil
}

// parseTokenizerJSON builds a tokenizer from tokenizer.json content; c may
// carry tokenizer_config.json (model_max_length, pad token).
func parseTokenizerJSON(b []byte, c *hfConfig) (*core, error) {
	var f tjFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	t := &tjTokenizer{added: f.AddedTokens}
	var err error
	if t.normalize, err = buildNormalizer(f.Normalizer, "normalizer"); err != nil {
		return nil, err
	}
	if t.pretok, err = buildPreTokenizer(f.PreTokenizer, "pre_tokenizer"); err != nil {
		return nil, err
	}
	if err = t.buildModel(f.Model); err != nil {
		return nil, err
	}
	for _, a := range t.added {
		if a.ID < 0 || a.ID >= maxVocabID {
			return nil, fmt.Errorf("added_tokens: %q has id %d outside [0, %d)", a.Content, a.ID, maxVocabID)
		}
		for len(t.inv) <= a.ID {
			t.inv = append(t.inv, "")
		}
		t.inv[a.ID] = a.Content
		if _, ok := t.vocab[a.Content]; !ok {
			t.vocab[a.Content] = a.ID
		}
	}
	for _, a := range t.added {
		if !a.Normalized {
			t.rawAdded = append(t.rawAdded, a)
			continue
		}
		n := a
		if t.normalize != nil {
			n.Content = t.normalize(newAligned(a.Content, 0)).s
		}
		t.normAdded = append(t.normAdded, n)
	}
	co := &core{family: "tokenizer.json", fastTruncation: true, vocabSize: len(t.inv)}
	co.segment = t.segment
	co.tokenID = func(s string) (int, bool) { id, ok := t.vocab[s]; return id, ok }
	co.idToken = func(id int) string {
		if id < 0 || id >= len(t.inv) {
			return ""
		}
		return t.inv[id]
	}
	co.single, co.pair = []templateItem{{seq: 0}}, []templateItem{{seq: 0}, {seq: 1, typeID: 1}}
	if !isNull(f.PostProcessor) {
		co.hasPost = true
		if err := t.buildPost(f.PostProcessor, co); err != nil {
			return nil, fmt.Errorf("post_processor: %w", err)
		}
	}
	if c != nil {
		if co.maxLen, err = c.maxLength(); err != nil {
			return nil, err
		}
	}
	if co.maxLen == 0 && f.Truncation != nil {
		co.maxLen = f.Truncation.MaxLength
	}
	switch {
	case f.Padding != nil:
		co.padID = f.Padding.PadID
	default:
		padTok := "<pad>"
		if c != nil {
			padTok = c.special("pad_token", "")
		}
		for _, cand := range []string{padTok, "<pad>", "[PAD]"} {
			if id, ok := t.vocab[cand]; ok && cand != "" {
				co.padID = id
				break
			}
		}
	}
	return co, nil
}

// segment runs added-token extraction, normalizer, pre-tokenizer, model.
func (t *tjTokenizer) segment(text string) []piece {
	var out []piece
	for _, ch := range splitAdded(text, t.rawAdded) {
		if ch.id >= 0 {
			out = append(out, piece{tok: t.inv[ch.id], id: ch.id, begin: ch.begin, end: ch.end})
			continue
		}
		a := newAligned(text[ch.begin:ch.end], ch.begin)
		if t.normalize != nil {
			a = t.normalize(a)
		}
		// Added tokens marked "normalized" are matched on the normalized
		// text, as tokenizers' AddedVocabulary does.
		for _, nc := range splitAdded(a.s, t.normAdded) {
			if nc.id >= 0 {
				b, e := a.span(nc.begin, nc.end)
				out = append(out, piece{tok: t.inv[nc.id], id: nc.id, begin: b, end: e})
				continue
			}
			parts := []aligned{a.sub(nc.begin, nc.end)}
			if t.pretok != nil {
				parts = t.pretok(parts)
			}
			for _, p := range parts {
				if p.s == "" {
					continue
				}
				for _, tk := range t.model(p.s) {
					tk.begin, tk.end = p.span(tk.begin, tk.end)
					out = append(out, tk)
				}
			}
		}
	}
	return out
}

type addedChunk struct {
	begin, end int
	id         int // -1 for text
}

func splitAdded(text string, added []tjAddedToken) []addedChunk {
	if len(added) == 0 {
		return []addedChunk{{0, len(text), -1}}
	}
	var out []addedChunk
	start := 0
	for i := 0; i < len(text); {
		best := -1
		for k, a := range added {
			if a.Content != "" && strings.HasPrefix(text[i:], a.Content) && (best < 0 || len(a.Content) > len(added[best].Content)) {
				if a.SingleWord && !singleWordOK(text, i, i+len(a.Content)) {
					continue
				}
				best = k
			}
		}
		if best < 0 {
			_, n := utf8.DecodeRuneInString(text[i:])
			i += n
			continue
		}
		a := added[best]
		mb, me := i, i+len(a.Content)
		if a.LStrip {
			for mb > start {
				r, n := utf8.DecodeLastRuneInString(text[start:mb])
				if !unicode.IsSpace(r) {
					break
				}
				mb -= n
			}
		}
		if a.RStrip {
			for me < len(text) {
				r, n := utf8.DecodeRuneInString(text[me:])
				if !unicode.IsSpace(r) {
					break
				}
				me += n
			}
		}
		if mb > start {
			out = append(out, addedChunk{start, mb, -1})
		}
		out = append(out, addedChunk{i, i + len(a.Content), a.ID})
		i, start = me, me
	}
	if start < len(text) {
		out = append(out, addedChunk{start, len(text), -1})
	}
	return out
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r)
}

func singleWordOK(s string, b, e int) bool {
	if b > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:b]); isWordRune(r) {
			return false
		}
	}
	if e < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[e:]); isWordRune(r) {
			return false
		}
	}
	return true
}

// ---- normalizers ----

func buildNormalizer(r json.RawMessage, where string) (normalizerFn, error) {
	if isNull(r) {
		return nil, nil
	}
	typ, err := typeOf(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	switch typ {
	case "Sequence":
		var s struct {
			Normalizers []json.RawMessage `json:"normalizers"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		var fs []normalizerFn
		for i, n := range s.Normalizers {
			f, err := buildNormalizer(n, fmt.Sprintf("%s.normalizers[%d]", where, i))
			if err != nil {
				return nil, err
			}
			if f != nil {
				fs = append(fs, f)
			}
		}
		return func(a aligned) aligned {
			for _, f := range fs {
				a = f(a)
			}
			return a
		}, nil
	case "NFC":
		return func(a aligned) aligned { return a.normalizeForm(norm.NFC) }, nil
	case "NFD":
		return func(a aligned) aligned { return a.normalizeForm(norm.NFD) }, nil
	case "NFKC":
		return func(a aligned) aligned { return a.normalizeForm(norm.NFKC) }, nil
	case "NFKD":
		return func(a aligned) aligned { return a.normalizeForm(norm.NFKD) }, nil
	case "Lowercase":
		return func(a aligned) aligned { return a.mapRunes(pyLower) }, nil
	case "StripAccents":
		return func(a aligned) aligned {
			return a.mapRunes(func(s string) string {
				if r, _ := utf8.DecodeRuneInString(s); unicode.Is(unicode.Mn, r) {
					return ""
				}
				return s
			})
		}, nil
	case "Strip":
		var s struct {
			Left  bool `json:"strip_left"`
			Right bool `json:"strip_right"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		return func(a aligned) aligned {
			i, j := 0, len(a.s)
			if s.Left {
				i = len(a.s) - len(strings.TrimLeftFunc(a.s, unicode.IsSpace))
			}
			if s.Right {
				j = len(strings.TrimRightFunc(a.s, unicode.IsSpace))
			}
			if j < i {
				j = i
			}
			return a.sub(i, j)
		}, nil
	case "Prepend":
		var s struct {
			Prepend string `json:"prepend"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		return func(a aligned) aligned {
			if a.s == "" {
				return a
			}
			var w builder
			ob, oe := a.span(0, runeLen(a.s))
			w.add(s.Prepend, ob, oe)
			w.sb.WriteString(a.s)
			w.b, w.e = append(w.b, a.b...), append(w.e, a.e...)
			return w.result()
		}, nil
	case "Replace":
		re, content, err := replaceSpec(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		return func(a aligned) aligned { return replaceAligned(a, re, content) }, nil
	case "Precompiled":
		var s struct {
			Charsmap *string `json:"precompiled_charsmap"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if s.Charsmap == nil || *s.Charsmap == "" {
			return nil, nil
		}
		raw, err := base64.StdEncoding.DecodeString(*s.Charsmap)
		if err != nil {
			return nil, fmt.Errorf("%s: precompiled_charsmap: %w", where, err)
		}
		cm, err := spm.ParseCharsmap(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		return func(a aligned) aligned { return precompiled(a, cm) }, nil
	case "BertNormalizer":
		var s struct {
			Clean   bool  `json:"clean_text"`
			Chinese bool  `json:"handle_chinese_chars"`
			Strip   *bool `json:"strip_accents"`
			Lower   bool  `json:"lowercase"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		strip := s.Lower
		if s.Strip != nil {
			strip = *s.Strip
		}
		return func(a aligned) aligned { return bertNormalize(a, s.Clean, s.Chinese, strip, s.Lower) }, nil
	}
	return nil, fmt.Errorf("%s: type %q unsupported (supported: Sequence, NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip, Prepend, Replace, Precompiled, BertNormalizer)", where, typ)
}

func replaceSpec(r json.RawMessage) (*regexp.Regexp, string, error) {
	var s struct {
		Pattern struct {
			String *string `json:"String"`
			Regex  *string `json:"Regex"`
		} `json:"pattern"`
		Content string `json:"content"`
	}
	if err := json.Unmarshal(r, &s); err != nil {
		return nil, "", err
	}
	var re *regexp.Regexp
	var err error
	switch {
	case s.Pattern.String != nil:
		re = regexp.MustCompile(regexp.QuoteMeta(*s.Pattern.String))
	case s.Pattern.Regex != nil:
		re, err = compileOnig(*s.Pattern.Regex)
		if err != nil {
			return nil, "", fmt.Errorf("pattern.Regex %q: %w", *s.Pattern.Regex, err)
		}
	default:
		return nil, "", fmt.Errorf("pattern: want String or Regex")
	}
	return re, s.Content, nil
}

func replaceAligned(a aligned, re *regexp.Regexp, content string) aligned {
	locs := re.FindAllStringIndex(a.s, -1)
	if len(locs) == 0 {
		return a
	}
	var w builder
	prev := 0
	for _, l := range locs {
		if l[1] == l[0] {
			continue
		}
		w.sb.WriteString(a.s[prev:l[0]])
		w.b, w.e = append(w.b, a.b[prev:l[0]]...), append(w.e, a.e[prev:l[0]]...)
		// tokenizers inserts the content after removing the match: every
		// new character takes the alignment of the match's last byte.
		w.add(content, a.b[l[1]-1], a.e[l[1]-1])
		prev = l[1]
	}
	w.sb.WriteString(a.s[prev:])
	w.b, w.e = append(w.b, a.b[prev:]...), append(w.e, a.e[prev:]...)
	return w.result()
}

// precompiled is tokenizers' Precompiled normalizer: per grapheme (if
// shorter than 6 bytes) the replacement of the shortest charsmap key
// prefixing it, else per character. Alignments follow tokenizers exactly:
// its replace() turns each replacement into (char, change) pairs (change 0
// replaces one original character, 1 inserts, -n also removes n following
// ones; a removal is charged to the last pair so far, even one of an
// earlier grapheme, and is lost at the start of the text), which
// NormalizedString::transform then walks over the original characters.
func precompiled(a aligned, cm *spm.Charsmap) aligned {
	type change struct {
		s  string
		ch int
	}
	var trs []change
	modified := false
	replace := func(old, rep string) {
		modified = true
		diff := utf8.RuneCountInString(rep) - utf8.RuneCountInString(old)
		for k := 0; k < len(rep); {
			n := runeLen(rep[k:])
			trs = append(trs, change{rep[k : k+n], 0})
			k += n
		}
		switch {
		case diff > 0:
			for k := len(trs) - diff; k < len(trs); k++ {
				trs[k].ch = 1
			}
		case diff < 0 && len(trs) > 0:
			trs[len(trs)-1].ch += diff
		}
	}
	for i := 0; i < len(a.s); {
		g := graphemeLen(a.s[i:])
		if g <= 0 {
			g = 1
		}
		gs := a.s[i : i+g]
		i += g
		if len(gs) < 6 {
			if rep, ok := cm.Shortest(gs); ok {
				replace(gs, rep)
				continue
			}
		}
		for k := 0; k < len(gs); {
			n := runeLen(gs[k:])
			part := gs[k : k+n]
			if rep, ok := cm.Shortest(part); ok {
				replace(part, rep)
			} else {
				trs = append(trs, change{part, 0})
			}
			k += n
		}
	}
	if !modified {
		return a
	}
	var w builder
	off := 0
	align := func(k int) (int, int) {
		if k < 0 || len(a.b) == 0 {
			return 0, 0
		}
		k = min(k, len(a.b)-1)
		return a.b[k], a.e[k]
	}
	for _, t := range trs {
		var ob, oe int
		if t.ch > 0 {
			ob, oe = align(off - 1)
			if off < 1 {
				ob, oe = 0, 0
			}
		} else {
			ob, oe = align(off)
			if off < len(a.s) {
				off += runeLen(a.s[off:])
			}
			for k := 0; k < -t.ch && off < len(a.s); k++ {
				off += runeLen(a.s[off:])
			}
		}
		w.add(t.s, ob, oe)
	}
	return w.result()
}

// isControlRune is BERT's _is_control / is_control: general category C*
// (Cc, Cf, Cs, Co and unassigned Cn), except tab, newline and carriage
// return.
func isControlRune(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z)
}

// isControlTokenizers is the tokenizers crate's is_control (BertNormalizer
// clean_text): categories Cc, Cf and Co, except tab, newline and carriage
// return; unassigned code points (Cn) are kept, unlike Python BERT's.
func isControlTokenizers(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co)
}

func isChineseChar(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) || (r >= 0x20000 && r <= 0x2A6DF) ||
		(r >= 0x2A700 && r <= 0x2B73F) || (r >= 0x2B740 && r <= 0x2B81F) || (r >= 0x2B820 && r <= 0x2CEAF) ||
		(r >= 0xF900 && r <= 0xFAFF) || (r >= 0x2F800 && r <= 0x2FA1F)
}

func bertNormalize(a aligned, clean, chinese, strip, lower bool) aligned {
	if clean {
		a = a.mapRunes(func(s string) string {
			r, _ := utf8.DecodeRuneInString(s)
			if r == 0 || r == 0xFFFD || isControlTokenizers(r) {
				return ""
			}
			if unicode.IsSpace(r) {
				return " "
			}
			return s
		})
	}
	if chinese {
		a = a.mapRunes(func(s string) string {
			if r, _ := utf8.DecodeRuneInString(s); isChineseChar(r) {
				return " " + s + " "
			}
			return s
		})
	}
	if strip {
		a = a.normalizeForm(norm.NFD)
		a = a.mapRunes(func(s string) string {
			if r, _ := utf8.DecodeRuneInString(s); unicode.Is(unicode.Mn, r) {
				return ""
			}
			return s
		})
	}
	if lower {
		a = a.mapRunes(pyLower)
	}
	return a
}

// ---- pre-tokenizers ----

// splitKeep splits each aligned string at the byte ranges returned by
// cut, which reports for s the list of [start, end, keep] ranges covering
// it (keep=false drops the range).
func splitEach(parts []aligned, f func(s string) [][3]int) []aligned {
	var out []aligned
	for _, p := range parts {
		for _, r := range f(p.s) {
			if r[2] != 0 && r[1] > r[0] {
				out = append(out, p.sub(r[0], r[1]))
			}
		}
	}
	return out
}

func buildPreTokenizer(r json.RawMessage, where string) (preTokFn, error) {
	if isNull(r) {
		return nil, nil
	}
	typ, err := typeOf(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	switch typ {
	case "Sequence":
		var s struct {
			P []json.RawMessage `json:"pretokenizers"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		var fs []preTokFn
		for i, n := range s.P {
			f, err := buildPreTokenizer(n, fmt.Sprintf("%s.pretokenizers[%d]", where, i))
			if err != nil {
				return nil, err
			}
			if f != nil {
				fs = append(fs, f)
			}
		}
		return func(p []aligned) []aligned {
			for _, f := range fs {
				p = f(p)
			}
			return p
		}, nil
	case "Metaspace":
		var s struct {
			Replacement    string  `json:"replacement"`
			AddPrefixSpace *bool   `json:"add_prefix_space"`
			PrependScheme  *string `json:"prepend_scheme"`
			Split          *bool   `json:"split"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if s.Replacement == "" {
			s.Replacement = spm.SpaceSymbol
		}
		scheme := "always"
		if s.PrependScheme != nil {
			scheme = *s.PrependScheme
		} else if s.AddPrefixSpace != nil && !*s.AddPrefixSpace {
			scheme = "never"
		}
		switch scheme {
		case "always", "first", "never":
		default:
			return nil, fmt.Errorf("%s: prepend_scheme %q unsupported", where, scheme)
		}
		split := s.Split == nil || *s.Split
		rep := s.Replacement
		return func(parts []aligned) []aligned {
			var out []aligned
			for idx, p := range parts {
				p = p.mapRunes(func(c string) string {
					if c == " " {
						return rep
					}
					return c
				})
				if !strings.HasPrefix(p.s, rep) && (scheme == "always" || scheme == "first" && idx == 0 && isFirst(p)) && p.s != "" {
					// tokenizers' NormalizedString::prepend aligns the
					// prepended "▁" with the first character.
					var w builder
					ob, oe := p.span(0, runeLen(p.s))
					w.add(rep, ob, oe)
					w.sb.WriteString(p.s)
					w.b, w.e = append(w.b, p.b...), append(w.e, p.e...)
					p = w.result()
				}
				if !split {
					out = append(out, p)
					continue
				}
				// MergedWithNext
				start := 0
				for i := 0; i < len(p.s); {
					if i > start && strings.HasPrefix(p.s[i:], rep) {
						out = append(out, p.sub(start, i))
						start = i
					}
					i += runeLen(p.s[i:])
				}
				if start < len(p.s) {
					out = append(out, p.sub(start, len(p.s)))
				}
			}
			return out
		}, nil
	case "WhitespaceSplit":
		return func(p []aligned) []aligned {
			return splitEach(p, func(s string) [][3]int {
				var rs [][3]int
				for _, f := range whitespaceFields(s) {
					rs = append(rs, [3]int{f.off, f.off + len(f.s), 1})
				}
				return rs
			})
		}, nil
	case "Whitespace":
		// Rust's \w and \s are Unicode-aware, Go's are ASCII-only.
		re := regexp.MustCompile(`[\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}]+|[^\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\s\p{Z}\x{85}]+`)
		return func(p []aligned) []aligned {
			return splitEach(p, func(s string) [][3]int {
				var rs [][3]int
				for _, l := range re.FindAllStringIndex(s, -1) {
					rs = append(rs, [3]int{l[0], l[1], 1})
				}
				return rs
			})
		}, nil
	case "BertPreTokenizer":
		return func(p []aligned) []aligned {
			return splitEach(p, func(s string) [][3]int {
				var rs [][3]int
				start := -1
				for i, r := range s {
					switch {
					case unicode.IsSpace(r):
						if start >= 0 {
							rs = append(rs, [3]int{start, i, 1})
						}
						start = -1
					case isBertPunct(r):
						if start >= 0 {
							rs = append(rs, [3]int{start, i, 1})
						}
						rs = append(rs, [3]int{i, i + utf8.RuneLen(r), 1})
						start = -1
					default:
						if start < 0 {
							start = i
						}
					}
				}
				if start >= 0 {
					rs = append(rs, [3]int{start, len(s), 1})
				}
				return rs
			})
		}, nil
	case "Split":
		var s struct {
			Pattern struct {
				Regex  *string `json:"Regex"`
				String *string `json:"String"`
			} `json:"pattern"`
			Behavior string `json:"behavior"`
			Invert   bool   `json:"invert"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		var expr string
		switch {
		case s.Pattern.Regex != nil:
			expr = *s.Pattern.Regex
		case s.Pattern.String != nil:
			expr = regexp.QuoteMeta(*s.Pattern.String)
		default:
			return nil, fmt.Errorf("%s: pattern: want {\"Regex\": ...} or {\"String\": ...}", where)
		}
		re, err := compileOnig(expr)
		if err != nil {
			return nil, fmt.Errorf("%s: pattern %q: %v (Go's RE2 syntax lacks look-around and backreferences)", where, expr, err)
		}
		switch s.Behavior {
		case "Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous":
		default:
			return nil, fmt.Errorf("%s: behavior %q unsupported", where, s.Behavior)
		}
		return func(p []aligned) []aligned {
			return splitEach(p, func(str string) [][3]int { return splitMatches(re, str, s.Behavior, s.Invert) })
		}, nil
	case "Digits":
		var s struct {
			Individual bool `json:"individual_digits"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		return func(p []aligned) []aligned {
			return splitEach(p, func(str string) [][3]int {
				var rs [][3]int
				start, prevDigit := 0, false
				for i, r := range str {
					d := unicode.IsDigit(r)
					if i > start && (d != prevDigit || d && s.Individual) {
						rs = append(rs, [3]int{start, i, 1})
						start = i
					}
					prevDigit = d
				}
				if start < len(str) {
					rs = append(rs, [3]int{start, len(str), 1})
				}
				return rs
			})
		}, nil
	case "ByteLevel":
		return buildByteLevel(r, where)
	}
	return nil, fmt.Errorf("%s: type %q unsupported (supported: Sequence, Metaspace, WhitespaceSplit, Whitespace, BertPreTokenizer, Digits, Split, ByteLevel)", where, typ)
}

func isFirst(p aligned) bool { return len(p.b) == 0 || p.b[0] == 0 }

func isBertPunct(r rune) bool {
	if (r >= 33 && r <= 47) || (r >= 58 && r <= 64) || (r >= 91 && r <= 96) || (r >= 123 && r <= 126) {
		return true
	}
	return unicode.IsPunct(r)
}

// ---- models ----

func (t *tjTokenizer) buildModel(r json.RawMessage) error {
	if isNull(r) {
		return fmt.Errorf("model: missing")
	}
	typ, err := typeOf(r)
	if err != nil {
		return fmt.Errorf("model: %w", err)
	}
	switch typ {
	case "Unigram":
		return t.buildUnigram(r)
	case "WordPiece":
		return t.buildWordPiece(r)
	case "BPE":
		return t.buildBPE(r)
	case "":
		// Old files omit the type; guess from fields.
		var probe map[string]json.RawMessage
		_ = json.Unmarshal(r, &probe)
		if _, ok := probe["merges"]; ok {
			return t.buildBPE(r)
		}
		if _, ok := probe["unk_id"]; ok {
			return t.buildUnigram(r)
		}
		return t.buildWordPiece(r)
	}
	return fmt.Errorf("model: type %q unsupported (supported: Unigram, BPE, WordPiece)", typ)
}

func (t *tjTokenizer) buildUnigram(r json.RawMessage) error {
	var m struct {
		UnkID        *int            `json:"unk_id"`
		Vocab        json.RawMessage `json:"vocab"`
		ByteFallback bool            `json:"byte_fallback"`
	}
	if err := json.Unmarshal(r, &m); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	pieces, scores, err := parseUnigramVocab(m.Vocab)
	if err != nil {
		return fmt.Errorf("model.vocab: %w", err)
	}
	n := len(pieces)
	t.vocab = make(map[string]int, n)
	t.inv = pieces
	minScore := math.Inf(1)
	maxLen := 0
	for i, s := range pieces {
		sc := scores[i]
		if _, dup := t.vocab[s]; !dup {
			t.vocab[s] = i
		}
		minScore = min(minScore, sc)
		maxLen = max(maxLen, len(s))
	}
	unk := -1
	if m.UnkID != nil {
		unk = *m.UnkID
		if unk < 0 || unk >= n {
			return fmt.Errorf("model.unk_id %d out of range [0, %d)", unk, n)
		}
	}
	var byteIDs [256]int
	if m.ByteFallback {
		for b := range byteIDs {
			id, ok := t.vocab[fmt.Sprintf("<0x%02X>", b)]
			if !ok {
				id = -1
			}
			byteIDs[b] = id
		}
	}
	unkScore := minScore - 10
	vocab := t.vocab
	t.model = func(s string) []piece {
		type node struct {
			id       int
			score    float64
			startsAt int
		}
		size := len(s)
		best := make([]node, size+1)
		for i := range best {
			best[i].startsAt = -1
		}
		for start := 0; start < size; {
			till := best[start].score
			mblen := runeLen(s[start:])
			single := false
			for end := start + 1; end <= min(size, start+maxLen); end++ {
				id, ok := vocab[s[start:end]]
				if !ok {
					continue
				}
				cand := scores[id] + till
				if best[end].startsAt == -1 || cand > best[end].score {
					best[end] = node{id, cand, start}
				}
				if end-start == mblen {
					single = true
				}
			}
			if !single {
				cand := unkScore + till
				e := start + mblen
				if best[e].startsAt == -1 || cand > best[e].score {
					best[e] = node{unk, cand, start}
				}
			}
			start += mblen
		}
		var segs [][3]int
		for end := size; end > 0; {
			nd := best[end]
			if unk >= 0 && nd.id == unk && len(segs) > 0 && segs[len(segs)-1][2] == unk {
				segs[len(segs)-1][0] = nd.startsAt // fuse_unk
			} else {
				segs = append(segs, [3]int{nd.startsAt, end, nd.id})
			}
			end = nd.startsAt
		}
		out := make([]piece, 0, len(segs))
		for i := len(segs) - 1; i >= 0; i-- {
			sg := segs[i]
			w := s[sg[0]:sg[1]]
			id, ok := vocab[w]
			if !ok {
				if m.ByteFallback {
					okAll := true
					for k := 0; k < len(w); k++ {
						if byteIDs[w[k]] < 0 {
							okAll = false
						}
					}
					if okAll {
						for k := 0; k < len(w); k++ {
							out = append(out, piece{tok: fmt.Sprintf("<0x%02X>", w[k]), id: byteIDs[w[k]], begin: sg[0], end: sg[1]})
						}
						continue
					}
				}
				if unk < 0 {
					continue // tokenizers errors (MissingUnkId); drop
				}
				id = unk
			}
			out = append(out, piece{tok: w, id: id, begin: sg[0], end: sg[1]})
		}
		return out
	}
	return nil
}

func (t *tjTokenizer) buildWordPiece(r json.RawMessage) error {
	var m struct {
		UnkToken string         `json:"unk_token"`
		Prefix   *string        `json:"continuing_subword_prefix"`
		MaxChars int            `json:"max_input_chars_per_word"`
		Vocab    map[string]int `json:"vocab"`
	}
	if err := json.Unmarshal(r, &m); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	if err := t.setVocabMap(m.Vocab); err != nil {
		return err
	}
	prefix := "##"
	if m.Prefix != nil {
		prefix = *m.Prefix
	}
	if m.MaxChars == 0 {
		m.MaxChars = 100
	}
	unkID, ok := t.vocab[m.UnkToken]
	if !ok {
		return fmt.Errorf("model.unk_token %q not in model.vocab", m.UnkToken)
	}
	vocab := t.vocab
	t.model = func(w string) []piece {
		if utf8.RuneCountInString(w) > m.MaxChars {
			return []piece{{tok: m.UnkToken, id: unkID, begin: 0, end: len(w)}}
		}
		var out []piece
		for start := 0; start < len(w); {
			end := len(w)
			found := -1
			for start < end {
				sub := w[start:end]
				if start > 0 {
					sub = prefix + sub
				}
				if id, ok := vocab[sub]; ok {
					found = id
					break
				}
				_, n := utf8.DecodeLastRuneInString(w[start:end])
				end -= n
			}
			if found < 0 {
				return []piece{{tok: m.UnkToken, id: unkID, begin: 0, end: len(w)}}
			}
			out = append(out, piece{tok: t.inv[found], id: found, begin: start, end: end})
			start = end
		}
		return out
	}
	return nil
}

func (t *tjTokenizer) setVocabMap(v map[string]int) error {
	t.vocab = make(map[string]int, len(v))
	n := 0
	for s, id := range v {
		if id < 0 || id >= maxVocabID {
			return fmt.Errorf("model.vocab: %q has id %d outside [0, %d)", s, id, maxVocabID)
		}
		n = max(n, id+1)
		t.vocab[s] = id
	}
	t.inv = make([]string, n)
	for s, id := range v {
		t.inv[id] = s
	}
	return nil
}

type bpeMerge struct{ rank, id int }

func (t *tjTokenizer) buildBPE(r json.RawMessage) error {
	var m struct {
		UnkToken     *string           `json:"unk_token"`
		Prefix       *string           `json:"continuing_subword_prefix"`
		Suffix       *string           `json:"end_of_word_suffix"`
		FuseUnk      bool              `json:"fuse_unk"`
		ByteFallback bool              `json:"byte_fallback"`
		IgnoreMerges bool              `json:"ignore_merges"`
		Dropout      *float64          `json:"dropout"`
		Vocab        map[string]int    `json:"vocab"`
		Merges       []json.RawMessage `json:"merges"`
	}
	if err := json.Unmarshal(r, &m); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	if m.Dropout != nil && *m.Dropout > 0 {
		return fmt.Errorf("model.dropout %v unsupported (non-deterministic)", *m.Dropout)
	}
	if err := t.setVocabMap(m.Vocab); err != nil {
		return err
	}
	prefix, suffix := "", ""
	if m.Prefix != nil {
		prefix = *m.Prefix
	}
	if m.Suffix != nil {
		suffix = *m.Suffix
	}
	merges := make(map[[2]int]bpeMerge, len(m.Merges))
	for rank, raw := range m.Merges {
		var a, b string
		var s string
		var arr []string
		switch {
		case json.Unmarshal(raw, &s) == nil:
			parts := strings.SplitN(s, " ", 2)
			if len(parts) != 2 {
				return fmt.Errorf("model.merges[%d]: %q is not \"a b\"", rank, s)
			}
			a, b = parts[0], parts[1]
		case json.Unmarshal(raw, &arr) == nil && len(arr) == 2:
			a, b = arr[0], arr[1]
		default:
			return fmt.Errorf("model.merges[%d]: want \"a b\" or [a, b]", rank)
		}
		ia, ok1 := t.vocab[a]
		ib, ok2 := t.vocab[b]
		if !ok1 || !ok2 {
			return fmt.Errorf("model.merges[%d]: %q or %q not in vocab", rank, a, b)
		}
		nb := b
		if prefix != "" {
			nb = strings.TrimPrefix(b, prefix)
		}
		nid, ok := t.vocab[a+nb]
		if !ok {
			return fmt.Errorf("model.merges[%d]: merged %q not in vocab", rank, a+nb)
		}
		if _, dup := merges[[2]int{ia, ib}]; !dup {
			merges[[2]int{ia, ib}] = bpeMerge{rank, nid}
		}
	}
	unkID := -1
	if m.UnkToken != nil {
		id, ok := t.vocab[*m.UnkToken]
		if !ok {
			return fmt.Errorf("model.unk_token %q not in model.vocab", *m.UnkToken)
		}
		unkID = id
	}
	vocab, inv := t.vocab, t.inv
	t.model = func(w string) []piece {
		if m.IgnoreMerges {
			if id, ok := vocab[w]; ok {
				return []piece{{tok: w, id: id, begin: 0, end: len(w)}}
			}
		}
		type sym struct{ id, prev, next, begin, end int }
		var syms []sym
		addSym := func(id, begin, end int) {
			syms = append(syms, sym{id: id, begin: begin, end: end})
		}
		unkStart, unkEnd := -1, -1
		flushUnk := func() {
			if unkStart >= 0 {
				addSym(unkID, unkStart, unkEnd)
				unkStart = -1
			}
		}
		for i := 0; i < len(w); {
			n := runeLen(w[i:])
			s := w[i : i+n]
			if i > 0 {
				s = prefix + s
			}
			if i+n == len(w) {
				s += suffix
			}
			if id, ok := vocab[s]; ok {
				flushUnk()
				addSym(id, i, i+n)
				i += n
				continue
			}
			if m.ByteFallback {
				ids := make([]int, 0, len(s))
				for k := 0; k < len(s); k++ {
					if id, ok := vocab[fmt.Sprintf("<0x%02X>", s[k])]; ok {
						ids = append(ids, id)
					} else {
						ids = nil
						break
					}
				}
				if ids != nil {
					for _, id := range ids {
						addSym(id, i, i+n)
					}
					i += n
					continue
				}
			}
			if unkID >= 0 {
				if unkStart >= 0 && m.FuseUnk {
					unkEnd = i + n
				} else {
					flushUnk()
					unkStart, unkEnd = i, i+n
				}
			}
			i += n
		}
		flushUnk()
		for k := range syms {
			syms[k].prev, syms[k].next = k-1, k+1
		}
		if len(syms) > 0 {
			syms[len(syms)-1].next = -1
		}
		q := &mergeQueue{}
		for k := 0; k+1 < len(syms); k++ {
			if mg, ok := merges[[2]int{syms[k].id, syms[k+1].id}]; ok {
				heap.Push(q, mergeItem{pos: k, rank: mg.rank, id: mg.id})
			}
		}
		for q.Len() > 0 {
			top := heap.Pop(q).(mergeItem)
			cur := &syms[top.pos]
			if cur.end == cur.begin && cur.id < 0 || cur.next == -1 {
				continue
			}
			if cur.id == -2 {
				continue
			}
			nx := cur.next
			right := syms[nx]
			if mg, ok := merges[[2]int{cur.id, right.id}]; !ok || mg.id != top.id {
				continue
			}
			cur.id, cur.end, cur.next = top.id, right.end, right.next
			syms[nx].id = -2 // removed
			if right.next >= 0 {
				syms[right.next].prev = top.pos
			}
			if cur.prev >= 0 {
				if mg, ok := merges[[2]int{syms[cur.prev].id, cur.id}]; ok {
					heap.Push(q, mergeItem{pos: cur.prev, rank: mg.rank, id: mg.id})
				}
			}
			if cur.next >= 0 {
				if mg, ok := merges[[2]int{cur.id, syms[cur.next].id}]; ok {
					heap.Push(q, mergeItem{pos: top.pos, rank: mg.rank, id: mg.id})
				}
			}
		}
		out := make([]piece, 0, len(syms))
		for _, s := range syms {
			if s.id == -2 {
				continue
			}
			out = append(out, piece{tok: inv[s.id], id: s.id, begin: s.begin, end: s.end})
		}
		return out
	}
	return nil
}

type mergeItem struct{ pos, rank, id int }
type mergeQueue []mergeItem

func (q mergeQueue) Len() int { return len(q) }
func (q mergeQueue) Less(i, j int) bool {
	if q[i].rank != q[j].rank {
		return q[i].rank < q[j].rank
	}
	return q[i].pos < q[j].pos
}
func (q mergeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *mergeQueue) Push(x any)   { *q = append(*q, x.(mergeItem)) }
func (q *mergeQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// ---- post-processors ----

func (t *tjTokenizer) buildPost(r json.RawMessage, co *core) error {
	typ, err := typeOf(r)
	if err != nil {
		return err
	}
	special := func(tok string, id int) templateItem { return templateItem{seq: -1, id: id, tok: tok} }
	pairTok := func(raw json.RawMessage) (string, int, error) {
		var arr []json.RawMessage
		if err := json.Unmarshal(raw, &arr); err != nil || len(arr) != 2 {
			return "", 0, fmt.Errorf("want [token, id], got %s", raw)
		}
		var s string
		var id int
		if json.Unmarshal(arr[0], &s) != nil || json.Unmarshal(arr[1], &id) != nil {
			return "", 0, fmt.Errorf("want [token, id], got %s", raw)
		}
		return s, id, nil
	}
	switch typ {
	case "Sequence":
		var s struct {
			P []json.RawMessage `json:"processors"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return err
		}
		for i, p := range s.P {
			if err := t.buildPost(p, co); err != nil {
				return fmt.Errorf("processors[%d]: %w", i, err)
			}
		}
		return nil
	case "ByteLevel":
		return nil // offsets trimming only
	case "BertProcessing", "RobertaProcessing":
		var s struct {
			Sep json.RawMessage `json:"sep"`
			Cls json.RawMessage `json:"cls"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return err
		}
		st, sid, err := pairTok(s.Sep)
		if err != nil {
			return fmt.Errorf("sep: %w", err)
		}
		ct, cid, err := pairTok(s.Cls)
		if err != nil {
			return fmt.Errorf("cls: %w", err)
		}
		cls, sep := special(ct, cid), special(st, sid)
		co.single = []templateItem{cls, {seq: 0}, sep}
		if typ == "BertProcessing" {
			sep1 := sep
			sep1.typeID = 1
			co.pair = []templateItem{cls, {seq: 0}, sep, {seq: 1, typeID: 1}, sep1}
		} else {
			co.pair = []templateItem{cls, {seq: 0}, sep, sep, {seq: 1}, sep}
		}
		return nil
	case "TemplateProcessing":
		var s struct {
			Single  []json.RawMessage `json:"single"`
			Pair    []json.RawMessage `json:"pair"`
			Special map[string]struct {
				ID     string   `json:"id"`
				IDs    []int    `json:"ids"`
				Tokens []string `json:"tokens"`
			} `json:"special_tokens"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return err
		}
		conv := func(items []json.RawMessage, where string) ([]templateItem, error) {
			var out []templateItem
			for i, raw := range items {
				var it struct {
					Special *struct {
						ID     string `json:"id"`
						TypeID int    `json:"type_id"`
					} `json:"SpecialToken"`
					Sequence *struct {
						ID     string `json:"id"`
						TypeID int    `json:"type_id"`
					} `json:"Sequence"`
				}
				if err := json.Unmarshal(raw, &it); err != nil {
					return nil, fmt.Errorf("%s[%d]: %w", where, i, err)
				}
				switch {
				case it.Sequence != nil:
					seq := 0
					if it.Sequence.ID == "B" {
						seq = 1
					} else if it.Sequence.ID != "A" {
						return nil, fmt.Errorf("%s[%d]: sequence id %q", where, i, it.Sequence.ID)
					}
					out = append(out, templateItem{seq: seq, typeID: it.Sequence.TypeID})
				case it.Special != nil:
					sp, ok := s.Special[it.Special.ID]
					if !ok || len(sp.IDs) != len(sp.Tokens) {
						return nil, fmt.Errorf("%s[%d]: special token %q not in special_tokens", where, i, it.Special.ID)
					}
					for k := range sp.IDs {
						out = append(out, templateItem{seq: -1, id: sp.IDs[k], tok: sp.Tokens[k], typeID: it.Special.TypeID})
					}
				default:
					return nil, fmt.Errorf("%s[%d]: want SpecialToken or Sequence", where, i)
				}
			}
			return out, nil
		}
		if co.single, err = conv(s.Single, "single"); err != nil {
			return err
		}
		if co.pair, err = conv(s.Pair, "pair"); err != nil {
			return err
		}
		return nil
	}
	return fmt.Errorf("type %q unsupported (supported: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence)", typ)
}

var _ = sort.Strings

// parseUnigramVocab decodes [["piece", score], ...] quickly (tokenizer.json
// files of XLM-R hold 250,002 entries): a hand scanner for the common
// shape, encoding/json for escaped strings and as the fallback.
func parseUnigramVocab(b []byte) ([]string, []float64, error) {
	slow := func() ([]string, []float64, error) {
		var raw [][]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return nil, nil, err
		}
		ps, sc := make([]string, len(raw)), make([]float64, len(raw))
		for i, pair := range raw {
			if len(pair) != 2 || json.Unmarshal(pair[0], &ps[i]) != nil || json.Unmarshal(pair[1], &sc[i]) != nil {
				return nil, nil, fmt.Errorf("entry %d: want [piece, score]", i)
			}
		}
		return ps, sc, nil
	}
	i := 0
	ws := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
			i++
		}
	}
	expect := func(c byte) bool {
		ws()
		if i < len(b) && b[i] == c {
			i++
			return true
		}
		return false
	}
	var ps []string
	var sc []float64
	if !expect('[') {
		return slow()
	}
	if expect(']') {
		return ps, sc, nil
	}
	for {
		if !expect('[') || !expect('"') {
			return slow()
		}
		start, escaped := i, false
		for i < len(b) && b[i] != '"' {
			if b[i] == '\\' {
				escaped = true
				i++
			}
			i++
		}
		if i >= len(b) {
			return slow()
		}
		var piece string
		if escaped {
			if err := json.Unmarshal(b[start-1:i+1], &piece); err != nil {
				return nil, nil, fmt.Errorf("entry %d: %w", len(ps), err)
			}
		} else {
			piece = string(b[start:i])
		}
		i++
		if !expect(',') {
			return slow()
		}
		ws()
		ns := i
		for i < len(b) && (b[i] == '-' || b[i] == '+' || b[i] == '.' || b[i] == 'e' || b[i] == 'E' || b[i] >= '0' && b[i] <= '9') {
			i++
		}
		f, err := strconv.ParseFloat(string(b[ns:i]), 64)
		if err != nil || !expect(']') {
			return slow()
		}
		ps, sc = append(ps, piece), append(sc, f)
		if expect(']') {
			break
		}
		if !expect(',') {
			return slow()
		}
	}
	ws()
	if i != len(b) {
		return slow()
	}
	return ps, sc, nil
}

// splitMatches is tokenizers' NormalizedString::split: the text cut into
// matches of re (or, with invert, the text between them) and the rest,
// combined by behavior. Returned triples are [begin, end, keep].
func splitMatches(re *regexp.Regexp, str, behavior string, invert bool) [][3]int {
	// (begin, end, isMatch) covering str
	var spans [][3]int
	prev := 0
	for _, m := range re.FindAllStringIndex(str, -1) {
		if m[0] == m[1] {
			continue // tokenizers skips empty matches
		}
		if prev < m[0] {
			spans = append(spans, [3]int{prev, m[0], 0})
		}
		spans = append(spans, [3]int{m[0], m[1], 1})
		prev = m[1]
	}
	if prev < len(str) {
		spans = append(spans, [3]int{prev, len(str), 0})
	}
	if invert {
		for i := range spans {
			spans[i][2] ^= 1
		}
	}
	var out [][3]int
	switch behavior {
	case "Removed":
		for _, sp := range spans {
			if sp[2] == 0 {
				out = append(out, [3]int{sp[0], sp[1], 1})
			}
		}
	case "Isolated":
		for _, sp := range spans {
			out = append(out, [3]int{sp[0], sp[1], 1})
		}
	case "MergedWithPrevious":
		for _, sp := range spans {
			if sp[2] == 1 && len(out) > 0 && out[len(out)-1][1] == sp[0] {
				out[len(out)-1][1] = sp[1]
			} else {
				out = append(out, [3]int{sp[0], sp[1], 1})
			}
		}
	case "MergedWithNext":
		pending := -1
		for _, sp := range spans {
			start := sp[0]
			if pending >= 0 {
				start = pending
				pending = -1
			}
			if sp[2] == 1 {
				pending = start
				continue
			}
			out = append(out, [3]int{start, sp[1], 1})
		}
		if pending >= 0 {
			out = append(out, [3]int{pending, len(str), 1})
		}
	case "Contiguous":
		for _, sp := range spans {
			if len(out) > 0 && out[len(out)-1][2] == sp[2]+2 {
				out[len(out)-1][1] = sp[1]
			} else {
				out = append(out, [3]int{sp[0], sp[1], sp[2] + 2})
			}
		}
		for i := range out {
			out[i][2] = 1
		}
	}
	return out
}

// Oniguruma (the regex engine of tokenizers) matches \s, \d and \w by
// Unicode properties; Go's RE2 only ASCII. compileOnig rewrites them.
const (
	onigSpace = `\t\n\v\f\r \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`
	onigWord  = `\p{L}\p{M}\p{Nd}\p{Pc}`
)

func compileOnig(expr string) (*regexp.Regexp, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == '\\' && i+1 < len(expr):
			e := expr[i+1]
			i++
			var in, out string
			switch e {
			case 's':
				in, out = onigSpace, "["+onigSpace+"]"
			case 'S':
				out = "[^" + onigSpace + "]"
			case 'd':
				in, out = `\p{Nd}`, `\p{Nd}`
			case 'D':
				in, out = `\P{Nd}`, `\P{Nd}`
			case 'w':
				in, out = onigWord, "["+onigWord+"]"
			case 'W':
				out = "[^" + onigWord + "]"
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
				continue
			}
			if inClass {
				if in == "" {
					return nil, fmt.Errorf("\\%c inside a character class is not supported", e)
				}
				b.WriteString(in)
			} else {
				b.WriteString(out)
			}
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
			if i+1 < len(expr) && expr[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(expr) && expr[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return regexp.Compile(b.String())
}
