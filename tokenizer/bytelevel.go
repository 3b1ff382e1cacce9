package tokenizer

import (
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// gpt2Bytes maps each byte to the printable rune GPT-2's bytes_to_unicode uses.
var gpt2Bytes = func() [256]string {
	var t [256]string
	n := 0
	for b := 0; b < 256; b++ {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			t[b] = string(rune(b))
		} else {
			t[b] = string(rune(256 + n))
			n++
		}
	}
	return t
}()

// gpt2Split returns the end of the GPT-2 pre-tokenization match at the
// start of s: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
func gpt2Split(s string) int {
	if s[0] == '\'' && len(s) >= 2 {
		switch s[1] {
		case 's', 't', 'm', 'd':
			return 2
		}
		if len(s) >= 3 {
			switch s[1:3] {
			case "re", "ve", "ll":
				return 3
			}
		}
	}
	class := func(r rune) int {
		switch {
		case unicode.IsLetter(r):
			return 1
		case unicode.IsNumber(r):
			return 2
		case unicode.IsSpace(r):
			return 3
		}
		return 0
	}
	run := func(i, c int) int {
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if class(r) != c {
				break
			}
			i += n
		}
		return i
	}
	i := 0
	if s[0] == ' ' && len(s) > 1 {
		r, _ := utf8.DecodeRuneInString(s[1:])
		if c := class(r); c != 3 {
			return run(1, c)
		}
	}
	r, n := utf8.DecodeRuneInString(s)
	if c := class(r); c != 3 {
		return run(0, c)
	}
	// whitespace run
	end := run(0, 3)
	if end == len(s) {
		return end
	}
	// \s+(?!\S): leave the last whitespace char for the next token
	last := end
	_, ln := utf8.DecodeLastRuneInString(s[:end])
	last -= ln
	if last > i {
		return last
	}
	return n
}

func buildByteLevel(r json.RawMessage, where string) (preTokFn, error) {
	var s struct {
		AddPrefixSpace bool  `json:"add_prefix_space"`
		UseRegex       *bool `json:"use_regex"`
	}
	if err := json.Unmarshal(r, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	useRegex := s.UseRegex == nil || *s.UseRegex
	return func(parts []aligned) []aligned {
		var out []aligned
		for _, p := range parts {
			if s.AddPrefixSpace && len(p.s) > 0 && p.s[0] != ' ' {
				var w builder
				ob, _ := p.span(0, 0)
				w.add(" ", ob, ob)
				w.sb.WriteString(p.s)
				w.b, w.e = append(w.b, p.b...), append(w.e, p.e...)
				p = w.result()
			}
			var pieces []aligned
			if useRegex {
				for i := 0; i < len(p.s); {
					n := gpt2Split(p.s[i:])
					pieces = append(pieces, p.sub(i, i+n))
					i += n
				}
			} else if p.s != "" {
				pieces = []aligned{p}
			}
			for _, q := range pieces {
				out = append(out, q.mapSegments(func(string) int { return 1 }, func(b string) string { return gpt2Bytes[b[0]] }))
			}
		}
		return out
	}, nil
}
