package convert

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// config is a model's config.json. Accessors record the first error (a
// missing or mistyped field, an unsupported flag) naming the file and field.
type config struct {
	path string
	raw  map[string]any
	err  error
}

func readConfig(path string) (*config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	c := &config{path: path}
	if err := json.Unmarshal(b, &c.raw); err != nil {
		return nil, fmt.Errorf("convert: %s: %w", path, err)
	}
	return c, nil
}

func (c *config) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("convert: %s: "+format, append([]any{c.path}, args...)...)
	}
}

func (c *config) has(key string) bool {
	v, ok := c.raw[key]
	return ok && v != nil
}

// int reads an integer field; def < 0 means required.
func (c *config) int(key string, def int) int {
	v, ok := c.raw[key]
	if !ok || v == nil {
		if def < 0 {
			c.fail("field %s is missing", key)
		}
		return def
	}
	f, ok := v.(float64)
	if !ok || f != float64(int(f)) {
		c.fail("field %s = %v is not an integer", key, v)
		return def
	}
	return int(f)
}

// float reads a number field (def is used when absent).
func (c *config) float(key string, def float64) float64 {
	v, ok := c.raw[key]
	if !ok || v == nil {
		return def
	}
	f, ok := v.(float64)
	if !ok {
		c.fail("field %s = %v is not a number", key, v)
		return def
	}
	return f
}

func (c *config) str(key, def string) string {
	v, ok := c.raw[key]
	if !ok || v == nil {
		return def
	}
	s, ok := v.(string)
	if !ok {
		c.fail("field %s = %v is not a string", key, v)
		return def
	}
	return s
}

func (c *config) bool(key string, def bool) bool {
	v, ok := c.raw[key]
	if !ok || v == nil {
		return def
	}
	x, ok := v.(bool)
	if !ok {
		c.fail("field %s = %v is not a boolean", key, v)
		return def
	}
	return x
}

// only fails when field key is present with a value other than the allowed
// ones: the converter would otherwise build a different network.
func (c *config) only(key string, allowed ...any) {
	v, ok := c.raw[key]
	if !ok || v == nil {
		return
	}
	for _, a := range allowed {
		if fmt.Sprint(a) == fmt.Sprint(v) {
			return
		}
	}
	c.fail("%s = %v is not supported by the converter (supported: %v)", key, v, allowed)
}

// architecture returns architectures[0] (or "" when absent).
func (c *config) architecture() string {
	v, ok := c.raw["architectures"].([]any)
	if !ok || len(v) == 0 {
		return ""
	}
	s, _ := v[0].(string)
	return s
}

// numLabels is the classification head's width: num_labels, else the size
// of id2label, else 2 (transformers' default).
func (c *config) numLabels() int {
	if c.has("num_labels") {
		return c.int("num_labels", 2)
	}
	if m, ok := c.raw["id2label"].(map[string]any); ok && len(m) > 0 {
		return len(m)
	}
	return 2
}

// checkCommon rejects flags that change the network of every encoder.
func (c *config) checkCommon() {
	c.only("is_decoder", false)
	c.only("add_cross_attention", false)
	c.only("rope_scaling", nil)
	if v, ok := c.raw["pruned_heads"].(map[string]any); ok && len(v) > 0 {
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		c.fail("pruned_heads (layers %s) is not supported by the converter", strings.Join(keys, ","))
	}
}
