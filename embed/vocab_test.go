package embed_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/tokenizer"
)

// The reproduction: bert-tiny without tokenizer.json (the vocab.txt
// wordpiece family) and 5 lines appended to vocab.txt, so that the
// tokenizer has ids beyond the embedding table. The Go backend
// used to embed them silently (ORT failed with "indices element out of data
// bounds"); every backend must now refuse, naming config.json.
func TestTokenizerBeyondVocabSizeRejected(t *testing.T) {
	dir := copyDir(t, onnxtest.Dir("bert-tiny"))
	if err := os.Remove(filepath.Join(dir, "tokenizer.json")); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "vocab.txt"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Duplicates of words the text uses: transformers' load_vocab gives a
	// repeated token its last line, so these texts tokenize to ids >= vocab_size.
	for _, w := range []string{"東", "京", "都", "に", "住"} {
		f.WriteString(w + "\n")
	}
	f.Close()
	for _, be := range backends(t) {
		m, err := embed.Open(context.Background(), dir, embed.WithBackend(be))
		if err == nil {
			_, err = m.Embed(context.Background(), []string{"東京都に住んでいます"}, "")
			m.Close()
		}
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "config.json")) || !strings.Contains(err.Error(), "vocab_size is ") {
			t.Errorf("%s: err %v, want the vocab_size of %s named", be, err, filepath.Join(dir, "config.json"))
		}
	}
}

// Every tokenizer family is checked at load time: a config.json whose
// vocab_size is one less than the tokenizer's id count is refused.
func TestVocabSizeCheckedForEveryFamily(t *testing.T) {
	re := regexp.MustCompile(`"vocab_size":\s*\d+`)
	families := map[string]bool{}
	for _, name := range append(append([]string{}, onnxtest.Embedders...), "bert-tiny-wordpiece") {
		src := name
		if name == "bert-tiny-wordpiece" {
			src = "bert-tiny"
		}
		dir := copyDir(t, onnxtest.Dir(src))
		if name == "bert-tiny-wordpiece" {
			os.Remove(filepath.Join(dir, "tokenizer.json"))
		}
		tk, err := tokenizer.Load(dir)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		families[tk.Family()] = true
		// The fixtures themselves pass.
		m, err := embed.Open(context.Background(), dir, embed.WithBackend("go"))
		if err != nil {
			t.Fatalf("%s: unchanged fixture refused: %v", name, err)
		}
		m.Close()
		cfgPath := filepath.Join(dir, "config.json")
		b, _ := os.ReadFile(cfgPath)
		b = re.ReplaceAll(b, []byte(`"vocab_size": `+strconv.Itoa(tk.VocabSize()-1)))
		if err := os.WriteFile(cfgPath, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = embed.Open(context.Background(), dir, embed.WithBackend("go"))
		if err == nil || !strings.Contains(err.Error(), cfgPath) {
			t.Errorf("%s (%s): vocab_size %d accepted for %d ids (err %v)", name, tk.Family(), tk.VocabSize()-1, tk.VocabSize(), err)
		}
	}
	if len(families) < 3 {
		t.Errorf("families covered: %v", families)
	}
	t.Logf("families: %v", families)
}

// idsTokenizer wraps a tokenizer and shifts one id out of range while
// reporting no vocabulary size: the per-batch check still catches it.
type idsTokenizer struct{ tokenizer.Tokenizer }

func (t idsTokenizer) VocabSize() int { return 0 }
func (t idsTokenizer) Encode(text string, maxLen int) tokenizer.Encoding {
	e := t.Tokenizer.Encode(text, maxLen)
	e.IDs = append([]int64(nil), e.IDs...)
	e.IDs[1] = 151
	return e
}

func TestOutOfRangeIDRejectedBeforeBackend(t *testing.T) {
	tk, err := tokenizer.Load(onnxtest.Dir("bert-tiny"))
	if err != nil {
		t.Fatal(err)
	}
	for _, be := range backends(t) {
		m, err := embed.Open(context.Background(), onnxtest.Dir("bert-tiny"), embed.WithBackend(be), embed.WithTokenizer(idsTokenizer{tk}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Embed(context.Background(), []string{"東京"}, "")
		m.Close()
		if err == nil || !strings.Contains(err.Error(), "token id 151") || !strings.Contains(err.Error(), "config.json") {
			t.Errorf("%s: err %v, want token id 151 outside vocab_size", be, err)
		}
	}
}

// A max length beyond the learned positions is refused before the backend
// (ORT failed inside a Gather node; the Go backend ran silently).
func TestLengthBeyondPositionsRejected(t *testing.T) {
	for _, be := range backends(t) {
		m, err := embed.Open(context.Background(), onnxtest.Dir("xlmr-tiny"), embed.WithBackend(be), embed.WithMaxLength(512))
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Embed(context.Background(), []string{strings.Repeat("東京都に住んでいます。", 30)}, "")
		m.Close()
		if err == nil || !strings.Contains(err.Error(), "max_position_embeddings") {
			t.Errorf("%s: err %v, want the position limit named", be, err)
		}
	}
}
