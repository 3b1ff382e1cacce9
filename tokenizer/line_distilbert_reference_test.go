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

// TestLINEDistilBertReference: ids identical to transformers'
// BertJapaneseTokenizer with subword_tokenizer_type "sentencepiece" (what
// line-corporation/line-distilbert-base-japanese's remote
// DistilBertJapaneseTokenizer runs, for ruri-small and the small ruri
// rerankers), MeCab through fugashi + unidic-lite, on every sample and
// adversarial line and every 4th manpages-ja line of the corpus, with
// do_lower_case true (as LINE ships it) and false
// (scripts/reference/line_distilbert.py).
func TestLINEDistilBertReference(t *testing.T) {
	type row struct{ Part, Text string }
	corpus := readGzJSONL[row](t, filepath.Join("..", "analysis", "testdata", "jacorpus.jsonl.gz"))
	type ref struct {
		Line int     `json:"line"`
		IDs  []int64 `json:"ids"`
		NL   []int64 `json:"nl"`
	}
	refs := readGzJSONL[ref](t, filepath.Join("testdata", "line_distilbert_ids.jsonl.gz"))
	if len(refs) < 2900 {
		t.Fatalf("only %d reference lines", len(refs))
	}
	for _, lower := range []bool{true, false} {
		tk, err := Load(lineDistilBertDir(t, lower))
		if err != nil {
			t.Fatal(err)
		}
		if tk.Family() != "bert-japanese-sentencepiece" {
			t.Fatalf("family %q", tk.Family())
		}
		same, ids := 0, 0
		var diffs []string
		for _, r := range refs {
			if r.Line < 1 || r.Line > len(corpus) {
				t.Fatalf("reference line %d outside the corpus (%d lines)", r.Line, len(corpus))
			}
			want := r.IDs
			if !lower {
				want = r.NL
			}
			text := corpus[r.Line-1].Text
			got := tk.Encode(text, 1<<30).IDs
			ids += len(want)
			if slices.Equal(got, want) {
				same++
				continue
			}
			if len(diffs) < 20 {
				diffs = append(diffs, fmt.Sprintf("do_lower_case %v corpus line %d %q:\n  transformers: %v %q\n  ours:         %v %q",
					lower, r.Line, text, want, idTokens(tk, want), got, idTokens(tk, got)))
			}
		}
		t.Logf("do_lower_case %v: %d of %d lines (%d ids) identical to transformers' BertJapaneseTokenizer (sentencepiece)", lower, same, len(refs), ids)
		for _, d := range diffs {
			t.Error(d)
		}
		if same != len(refs) {
			t.Errorf("do_lower_case %v: %d lines differ", lower, len(refs)-same)
		}
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
