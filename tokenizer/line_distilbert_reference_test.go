package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// lineDistilBertDir returns testdata/line-distilbert (spiece.model trained by
// scripts/reference/line_distilbert.py, LINE's tokenizer_config.json), or a
// copy of it with do_lower_case false.
func lineDistilBertDir(t *testing.T, lower bool) string {
	t.Helper()
	src := filepath.Join("testdata", "line-distilbert")
	if lower {
		return src
	}
	b, err := os.ReadFile(filepath.Join(src, "tokenizer_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg["do_lower_case"] = false
	if b, err = json.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(filepath.Join(src, "spiece.model"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "spiece.model"), m, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// compareLINEDistilBert encodes texts with the tokenizer of dir and counts
// the texts whose ids equal want (transformers').
func compareLINEDistilBert(t *testing.T, label, dir string, texts []string, want [][]int64) {
	t.Helper()
	tk, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Family() != "bert-japanese-sentencepiece" {
		t.Fatalf("family %q", tk.Family())
	}
	same, ids := 0, 0
	var diffs []string
	for i, text := range texts {
		got := tk.Encode(text, 1<<30).IDs
		ids += len(want[i])
		if slices.Equal(got, want[i]) {
			same++
			continue
		}
		if len(diffs) < 20 {
			diffs = append(diffs, fmt.Sprintf("%s text %d %q:\n  transformers: %v %q\n  ours:         %v %q",
				label, i, text, want[i], idTokens(tk, want[i]), got, idTokens(tk, got)))
		}
	}
	t.Logf("%s: %d of %d texts (%d ids) identical to transformers' BertJapaneseTokenizer (sentencepiece)", label, same, len(texts), ids)
	for _, d := range diffs {
		t.Error(d)
	}
	if same != len(texts) {
		t.Errorf("%s: %d texts differ", label, len(texts)-same)
	}
}

// TestLINEDistilBertReference: ids identical to transformers'
// BertJapaneseTokenizer with subword_tokenizer_type "sentencepiece" (what
// line-corporation/line-distilbert-base-japanese's remote
// DistilBertJapaneseTokenizer runs, for ruri-small and the small ruri
// rerankers), MeCab through fugashi + unidic-lite, on every sample and
// adversarial line and every 4th manpages-ja line of the corpus plus extra
// strings (special tokens in the text, digit-comma rule, quotes), with
// do_lower_case true (as LINE ships it) and false
// (scripts/reference/line_distilbert.py). With JRETRIEVE_SEGREF_FULL=DIR
// also on the whole manpages-ja corpus (line_distilbert.py --full DIR).
func TestLINEDistilBertReference(t *testing.T) {
	type row struct{ Part, Text string }
	corpus := readGzJSONL[row](t, filepath.Join("..", "analysis", "testdata", "jacorpus.jsonl.gz"))
	type ref struct {
		Line int     `json:"line"`
		Text *string `json:"text"`
		IDs  []int64 `json:"ids"`
		NL   []int64 `json:"nl"`
	}
	refs := readGzJSONL[ref](t, filepath.Join("testdata", "line_distilbert_ids.jsonl.gz"))
	if len(refs) < 2900 {
		t.Fatalf("only %d reference lines", len(refs))
	}
	texts := make([]string, len(refs))
	lower, upper := make([][]int64, len(refs)), make([][]int64, len(refs))
	extra := 0
	for i, r := range refs {
		switch {
		case r.Text != nil:
			texts[i] = *r.Text
			extra++
		case r.Line >= 1 && r.Line <= len(corpus):
			texts[i] = corpus[r.Line-1].Text
		default:
			t.Fatalf("reference line %d outside the corpus (%d lines)", r.Line, len(corpus))
		}
		lower[i], upper[i] = r.IDs, r.NL
	}
	if extra < 20 {
		t.Fatalf("only %d extra strings", extra)
	}
	compareLINEDistilBert(t, "do_lower_case true", lineDistilBertDir(t, true), texts, lower)
	compareLINEDistilBert(t, "do_lower_case false", lineDistilBertDir(t, false), texts, upper)
	if dir := os.Getenv("JRETRIEVE_SEGREF_FULL"); dir != "" {
		full := readGzJSONL[row](t, filepath.Join(dir, "jacorpus-full.jsonl.gz"))
		refs := readGzJSONL[ref](t, filepath.Join(dir, "line_distilbert_ids-full.jsonl.gz"))
		texts, want := make([]string, len(refs)), make([][]int64, len(refs))
		for i, r := range refs {
			if r.Line < 1 || r.Line > len(full) {
				t.Fatalf("full reference line %d outside the corpus (%d lines)", r.Line, len(full))
			}
			texts[i], want[i] = full[r.Line-1].Text, r.IDs
		}
		compareLINEDistilBert(t, "full manpages-ja corpus ("+dir+"), do_lower_case true", lineDistilBertDir(t, true), texts, want)
	}
}

// TestLINEDistilBertPairsReference: question/passage pairs (the small ruri
// rerankers' input) truncated longest_first to 16..512 tokens give
// transformers' input_ids and token_type_ids.
func TestLINEDistilBertPairsReference(t *testing.T) {
	tk, err := Load(lineDistilBertDir(t, true))
	if err != nil {
		t.Fatal(err)
	}
	type pair struct {
		A, B      string
		MaxLength int     `json:"max_length"`
		IDs       []int64 `json:"ids"`
		TypeIDs   []int64 `json:"type_ids"`
	}
	pairs := readGzJSONL[pair](t, filepath.Join("testdata", "line_distilbert_pairs.jsonl.gz"))
	if len(pairs) != 60 {
		t.Fatalf("%d pairs, want 60", len(pairs))
	}
	same := 0
	for i, p := range pairs {
		e := tk.EncodePair(p.A, p.B, p.MaxLength)
		if !slices.Equal(e.IDs, p.IDs) || !slices.Equal(e.TypeIDs, p.TypeIDs) {
			t.Errorf("pair %d (max_length %d):\n  transformers: %v %v\n  ours:         %v %v", i, p.MaxLength, p.IDs, p.TypeIDs, e.IDs, e.TypeIDs)
			continue
		}
		same++
	}
	t.Logf("%d of %d pairs identical", same, len(pairs))
}

// TestLINEDistilBertTruncReference: single texts truncated to 3..64 tokens
// (the MeCab words are then read from a prefix of the text only) give
// transformers' input_ids.
func TestLINEDistilBertTruncReference(t *testing.T) {
	type row struct{ Part, Text string }
	corpus := readGzJSONL[row](t, filepath.Join("..", "analysis", "testdata", "jacorpus.jsonl.gz"))
	tk, err := Load(lineDistilBertDir(t, true))
	if err != nil {
		t.Fatal(err)
	}
	type ref struct {
		Line      int     `json:"line"`
		Text      *string `json:"text"`
		MaxLength int     `json:"max_length"`
		IDs       []int64 `json:"ids"`
	}
	refs := readGzJSONL[ref](t, filepath.Join("testdata", "line_distilbert_trunc.jsonl.gz"))
	if len(refs) < 2000 {
		t.Fatalf("only %d truncated texts", len(refs))
	}
	same := 0
	for i, r := range refs {
		var text string
		switch {
		case r.Text != nil:
			text = *r.Text
		case r.Line >= 1 && r.Line <= len(corpus):
			text = corpus[r.Line-1].Text
		default:
			t.Fatalf("reference line %d outside the corpus (%d lines)", r.Line, len(corpus))
		}
		got := tk.Encode(text, r.MaxLength).IDs
		if !slices.Equal(got, r.IDs) {
			if i-same < 10 {
				t.Errorf("%q max_length %d:\n  transformers: %v\n  ours:         %v", text, r.MaxLength, r.IDs, got)
			}
			continue
		}
		same++
	}
	t.Logf("%d of %d truncated texts identical", same, len(refs))
	if same != len(refs) {
		t.Errorf("%d truncated texts differ", len(refs)-same)
	}
}
