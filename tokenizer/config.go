package tokenizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// hfConfig is the union of tokenizer_config.json and special_tokens_map.json.
type hfConfig struct {
	dir  string
	raw  map[string]json.RawMessage // tokenizer_config.json
	smap map[string]json.RawMessage // special_tokens_map.json
	has  bool                       // tokenizer_config.json exists
}

func readJSONMap(path string) (map[string]json.RawMessage, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&m); err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return m, true, nil
}

func readConfig(dir string) (*hfConfig, error) {
	c := &hfConfig{dir: dir}
	var err error
	if c.raw, c.has, err = readJSONMap(filepath.Join(dir, "tokenizer_config.json")); err != nil {
		return nil, err
	}
	if c.smap, _, err = readJSONMap(filepath.Join(dir, "special_tokens_map.json")); err != nil {
		return nil, err
	}
	return c, nil
}

// hasKey reports whether tokenizer_config.json sets key (to anything but null).
func (c *hfConfig) hasKey(key string) bool {
	if c == nil {
		return false
	}
	v, ok := c.raw[key]
	return ok && string(v) != "null"
}

func (c *hfConfig) file() string { return filepath.Join(c.dir, "tokenizer_config.json") }

func (c *hfConfig) str(key, def string) (string, error) {
	v, ok := c.raw[key]
	if !ok || string(v) == "null" {
		return def, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", fmt.Errorf("%s: field %s: want a string, got %s", c.file(), key, v)
	}
	return s, nil
}

func (c *hfConfig) boolean(key string, def bool) (bool, error) {
	v, ok := c.raw[key]
	if !ok || string(v) == "null" {
		return def, nil
	}
	var b bool
	if err := json.Unmarshal(v, &b); err != nil {
		return false, fmt.Errorf("%s: field %s: want a boolean, got %s", c.file(), key, v)
	}
	return b, nil
}

// maxLength returns model_max_length, 0 when absent or the transformers
// "very large" sentinel.
func (c *hfConfig) maxLength() (int, error) {
	v, ok := c.raw["model_max_length"]
	if !ok || string(v) == "null" {
		return 0, nil
	}
	var f float64
	if err := json.Unmarshal(v, &f); err != nil {
		return 0, fmt.Errorf("%s: field model_max_length: want a number, got %s", c.file(), v)
	}
	if f <= 0 || f > 1e8 {
		return 0, nil
	}
	return int(f), nil
}

// tokenValue decodes a special token given as "str" or {"content": "str", ...}.
func tokenValue(v json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s, true
	}
	var o struct {
		Content *string `json:"content"`
	}
	if json.Unmarshal(v, &o) == nil && o.Content != nil {
		return *o.Content, true
	}
	return "", false
}

// special returns the special token named key ("cls_token", ...) from
// tokenizer_config.json, then special_tokens_map.json, then def.
func (c *hfConfig) special(key, def string) string {
	for _, m := range []map[string]json.RawMessage{c.raw, c.smap} {
		if v, ok := m[key]; ok {
			if s, ok := tokenValue(v); ok {
				return s
			}
		}
	}
	return def
}

// additional returns additional_special_tokens.
func (c *hfConfig) additional() []string {
	var out []string
	for _, m := range []map[string]json.RawMessage{c.raw, c.smap} {
		v, ok := m["additional_special_tokens"]
		if !ok {
			continue
		}
		var arr []json.RawMessage
		if json.Unmarshal(v, &arr) != nil {
			continue
		}
		for _, a := range arr {
			if s, ok := tokenValue(a); ok {
				out = append(out, s)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return out
}

// addedTokens returns added_tokens.json (token -> id), if present, and
// added_tokens_decoder of tokenizer_config.json.
func (c *hfConfig) addedTokens() (map[string]int, error) {
	out := map[string]int{}
	path := filepath.Join(c.dir, "added_tokens.json")
	b, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if v, ok := c.raw["added_tokens_decoder"]; ok {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, fmt.Errorf("%s: field added_tokens_decoder: %w", c.file(), err)
		}
		for k, tv := range m {
			var id int
			if _, err := fmt.Sscan(k, &id); err != nil {
				return nil, fmt.Errorf("%s: field added_tokens_decoder: key %q is not an id", c.file(), k)
			}
			if s, ok := tokenValue(tv); ok {
				if _, dup := out[s]; !dup {
					out[s] = id
				}
			}
		}
	}
	return out, nil
}

// chunk is a piece of input text: either plain text or a special token.
type chunk struct {
	text    string
	offset  int
	special bool
}

// splitSpecial splits text around occurrences of the given tokens, taking
// the longest token at the leftmost position, as the transformers Trie does.
func splitSpecial(text string, toks []string) []chunk {
	if len(toks) == 0 || text == "" {
		return []chunk{{text: text}}
	}
	var out []chunk
	start := 0
	for i := 0; i < len(text); {
		best := ""
		for _, t := range toks {
			if len(t) > len(best) && strings.HasPrefix(text[i:], t) {
				best = t
			}
		}
		if best == "" {
			i++
			continue
		}
		if i > start {
			out = append(out, chunk{text: text[start:i], offset: start})
		}
		out = append(out, chunk{text: best, offset: i, special: true})
		i += len(best)
		start = i
	}
	if start < len(text) {
		out = append(out, chunk{text: text[start:], offset: start})
	}
	return out
}

func uniqueSorted(ss []string) []string {
	m := map[string]bool{}
	var out []string
	for _, s := range ss {
		if s != "" && !m[s] {
			m[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
