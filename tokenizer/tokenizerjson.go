package tokenizer

import "fmt"

func loadTokenizerJSON(c *hfConfig, path string) (Tokenizer, error) {
	return nil, fmt.Errorf("%s: tokenizer.json support not implemented yet", path)
}
