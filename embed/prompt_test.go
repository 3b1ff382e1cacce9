package embed_test

import (
	"context"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/catalog"
	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/modeldir"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

// copyDir copies a fixture directory so a test can edit its configuration.
func copyDir(t *testing.T, src string) string {
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// include_prompt false: sentence-transformers masks the first
// len(tokenize(prompt)) - 1 tokens ([CLS] and the prompt) out of mean pooling.
func TestIncludePromptFalse(t *testing.T) {
	ctx := context.Background()
	dir := copyDir(t, onnxtest.Dir("bert-tiny"))
	p := filepath.Join(dir, "1_Pooling", "config.json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), `"include_prompt": true`, `"include_prompt": false`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	ref, err := onnxtest.Load("bert-tiny")
	if err != nil {
		t.Fatal(err)
	}
	m, err := embed.Open(ctx, dir, embed.WithBackend("go"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	it := ref.Items[0] // query "東京は日本の首都です。" with prompt "クエリ: "
	skip := 3          // [CLS] クエリ :
	got, err := m.EmbedQueries(ctx, []string{it.Text})
	if err != nil {
		t.Fatal(err)
	}
	h := ref.Hidden
	n := len(it.InputIDs)
	want := make([]float64, h)
	var norm float64
	for j := range h {
		for k := skip; k < n; k++ {
			want[j] += it.LastHiddenState[k*h+j]
		}
		want[j] /= float64(n - skip)
		norm += want[j] * want[j]
	}
	for j := range want {
		want[j] /= math.Sqrt(norm)
	}
	if d, _ := onnxtest.MaxAbsDiff(got, want); d > onnxtest.Tolerance {
		t.Fatalf("include_prompt false: max abs diff %.3g from the prompt-less mean of the torch hidden states", d)
	}
}

// AMBER names its prompts "Retrieval-query" / "Retrieval-passage": the
// catalog maps the roles to them, as encode(prompt_name=...) does in
// sentence-transformers, and the embeddings match the reference for them.
func TestCatalogPromptNames(t *testing.T) {
	ctx := context.Background()
	cm, ok := catalog.Lookup("retrieva-jp/amber-base")
	if !ok {
		t.Fatal("amber-base not in the catalog")
	}
	dir := onnxtest.Dir("amber-tiny")
	res := func(context.Context, string) (modeldir.Source, error) {
		return modeldir.Source{Dir: dir, Model: cm, InCatalog: true}, nil
	}
	m, err := embed.Open(ctx, "retrieva-jp/amber-base", embed.WithBackend("go"), embed.WithResolver(res))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if n := m.PromptNames(); n.Query != "Retrieval-query" || n.Document != "Retrieval-passage" || n.Source != "model" {
		t.Fatalf("prompt names %+v", n)
	}
	ref, err := onnxtest.Load("amber-tiny")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	var want []onnxtest.Item
	for _, it := range ref.Items {
		if it.Kind == "query" && it.PromptName == "Retrieval-query" {
			texts, want = append(texts, it.Text), append(want, it)
		}
	}
	if len(want) == 0 {
		t.Fatal("no Retrieval-query items in the reference")
	}
	got, err := m.EmbedQueries(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "amber-tiny", "Retrieval-query", got, m.Dim(), want, func(it onnxtest.Item) []float64 { return it.Normalized })
	// without the catalog the directory has no "query" prompt: no prompt
	m2, err := embed.Open(ctx, dir, embed.WithBackend("go"))
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if p := m2.Prefixes(); p.Query != "" || p.Document != "" {
		t.Fatalf("plain directory prefixes %+v", p)
	}
}
