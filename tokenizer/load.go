package tokenizer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Options tunes Load.
type Options struct {
	// Words overrides the MeCab word splitter of BertJapanese-style
	// tokenizers (default: NewWordSplitter(mecab_dic)).
	Words WordSplitter
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Load builds the tokenizer of a Hugging Face model directory the way
// transformers' AutoTokenizer would. See the package documentation for
// the supported configurations.
func Load(dir string) (Tokenizer, error) { return LoadWith(dir, Options{}) }

// LoadWith is Load with options.
func LoadWith(dir string, opt Options) (Tokenizer, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("tokenizer: %s is not a directory", dir)
	}
	c, err := readConfig(dir)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	class, err := c.str("tokenizer_class", "")
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	base := strings.TrimSuffix(class, "Fast")
	tj := filepath.Join(dir, "tokenizer.json")
	var t Tokenizer
	switch {
	case base == "BertJapaneseTokenizer" || base == "DistilBertJapaneseTokenizer":
		t, err = loadBertJapanese(c, class, opt)
	case base == "BertTokenizer" && !exists(tj):
		t, err = loadBertJapanese(c, class, opt)
	case class == "" && !exists(tj) && exists(filepath.Join(dir, "vocab.txt")):
		// No tokenizer_class: a vocab.txt directory is a BERT WordPiece
		// vocabulary (what config.json model_type bert maps to).
		t, err = loadBertJapanese(c, "BertTokenizer", opt)
	case base == "MLukeTokenizer" || base == "LukeTokenizer" && exists(filepath.Join(dir, "sentencepiece.bpe.model")):
		t, err = loadFairseqSPM(c, filepath.Join(dir, "sentencepiece.bpe.model"))
	case exists(tj):
		t, err = loadTokenizerJSON(c, tj)
	case base == "XLMRobertaTokenizer" || base == "CamembertTokenizer" || (class == "" && exists(filepath.Join(dir, "sentencepiece.bpe.model"))):
		t, err = loadFairseqSPM(c, filepath.Join(dir, "sentencepiece.bpe.model"))
	case class == "" || base == "T5Tokenizer" || base == "LlamaTokenizer":
		var path string
		for _, n := range []string{"spiece.model", "tokenizer.model", "sentencepiece.model"} {
			if p := filepath.Join(dir, n); exists(p) {
				path = p
				break
			}
		}
		if path == "" {
			if class == "" {
				if !c.has {
					return nil, fmt.Errorf("tokenizer: %s has no tokenizer_config.json, tokenizer.json or SentencePiece model", dir)
				}
				return nil, fmt.Errorf("tokenizer: %s: field tokenizer_class missing and no tokenizer.json or SentencePiece model", c.file())
			}
			return nil, fmt.Errorf("tokenizer: %s: tokenizer_class %q needs tokenizer.json or a SentencePiece model", c.file(), class)
		}
		if base != "" && base != "LlamaTokenizer" && base != "T5Tokenizer" {
			return nil, fmt.Errorf("tokenizer: %s: field tokenizer_class %q unsupported", c.file(), class)
		}
		t, err = loadPlainSPM(c, path, base)
	default:
		return nil, fmt.Errorf("tokenizer: %s: field tokenizer_class %q unsupported without tokenizer.json (supported: BertJapaneseTokenizer, DistilBertJapaneseTokenizer, BertTokenizer, MLukeTokenizer, XLMRobertaTokenizer, LlamaTokenizer, T5Tokenizer, or any class with tokenizer.json)", c.file(), class)
	}
	if err == nil {
		side, serr := c.str("truncation_side", "right")
		switch {
		case serr != nil:
			err = serr
		case side == "left":
			if co, ok := t.(*core); ok {
				co.truncLeft = true
			}
		case side != "right":
			err = fmt.Errorf("%s: field truncation_side %q unsupported (left, right)", c.file(), side)
		}
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) || strings.Contains(err.Error(), dir) {
			return nil, fmt.Errorf("tokenizer: %w", err)
		}
		return nil, fmt.Errorf("tokenizer: %s: %w", dir, err)
	}
	return t, nil
}
