package modeldir

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/hub"
)

func fixture(name string) string { return filepath.Join("..", "..", "testdata", "models", name) }

func TestReadFixtures(t *testing.T) {
	for _, tc := range []struct {
		name       string
		pooling    string
		normalize  bool
		maxLen     int
		query, doc string
		pad        int64
		labels     int
		act        string
	}{
		{"bert-tiny", PoolMean, false, 24, "クエリ: ", "文章: ", 0, 0, ActSigmoid},
		{"distilbert-tiny", PoolMean, false, 24, "クエリ: ", "文章: ", 0, 0, ActSigmoid},
		{"bert-lasttoken-tiny", PoolLastToken, true, 24, "", "", 0, 0, ActSigmoid},
		{"xlmr-tiny", PoolMean, true, 24, "query: ", "passage: ", 1, 0, ActSigmoid},
		{"modernbert-tiny", PoolMean, false, 32, "検索クエリ: ", "検索文書: ", 1, 0, ActSigmoid},
		// no max_seq_length: min(model_max_length 64, 66 positions - 2)
		{"luke-tiny", PoolMean, false, 64, "query: ", "passage: ", 1, 0, ActSigmoid},
		// no sentence_bert_config.json: min(model_max_length 64, 66 positions - 2);
		// two labels: sentence-transformers' default activation is Identity
		{"cross-encoder-xlmr-tiny", "", false, 64, "", "", 1, 2, ActIdentity},
		{"cross-encoder-bert-tiny", "", false, 64, "", "", 0, 1, ActSigmoid},
	} {
		c, err := Read(fixture(tc.name))
		if err != nil {
			t.Fatal(err)
		}
		q, _ := c.Prompt("query")
		d, _ := c.Prompt("document")
		if c.Pooling != tc.pooling || c.Normalize != tc.normalize || c.MaxSeqLength != tc.maxLen ||
			q != tc.query || d != tc.doc || c.PadTokenID != tc.pad || c.NumLabels != tc.labels || c.Activation != tc.act {
			t.Errorf("%s: got pooling %q normalize %v max %d prompts %q/%q pad %d labels %d act %q", tc.name,
				c.Pooling, c.Normalize, c.MaxSeqLength, q, d, c.PadTokenID, c.NumLabels, c.Activation)
		}
		if err := c.CheckONNX(); err != nil {
			t.Error(err)
		}
	}
	c, _ := Read(fixture("cross-encoder-xlmr-tiny"))
	if p := c.PositiveLabel(); p != 1 {
		t.Errorf("positive label of {0: irrelevant, 1: relevant} = %d", p)
	}
}

// writeDir creates a model directory from name -> content.
func writeDir(t *testing.T, files map[string]string) string {
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadErrors(t *testing.T) {
	st := `[{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
	        {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"}%s]`
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string // substring of the error
	}{
		{"no config", map[string]string{}, "no config.json"},
		{"bad json", map[string]string{"config.json": `{"hidden_size": }`}, "config.json"},
		{"bad number", map[string]string{"config.json": `{"hidden_size": "big"}`}, `field "hidden_size"`},
		{"dense module", map[string]string{"config.json": `{}`, "1_Pooling/config.json": `{"pooling_mode_mean_tokens": true}`,
			"modules.json": strings.Replace(st, "%s", `,{"idx":2,"name":"2","path":"2_Dense","type":"sentence_transformers.models.Dense"}`, 1)}, "2_Dense"},
		{"missing pooling", map[string]string{"config.json": `{}`, "modules.json": strings.Replace(st, "%s", "", 1)}, "1_Pooling"},
		{"two poolings", map[string]string{"config.json": `{}`, "modules.json": strings.Replace(st, "%s", "", 1),
			"1_Pooling/config.json": `{"pooling_mode_mean_tokens": true, "pooling_mode_cls_token": true}`}, "combined"},
		{"bad activation", map[string]string{"config.json": `{"sentence_transformers": {"activation_fn": "torch.nn.ReLU"}}`}, "activation_fn"},
	} {
		_, err := Read(writeDir(t, tc.files))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
	c, err := Read(writeDir(t, map[string]string{"config.json": `{"model_type": "xlm-roberta", "max_position_embeddings": 514}`}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxSeqLength != 512 {
		t.Errorf("XLM-R position limit: max length %d, want 512", c.MaxSeqLength)
	}
	if err := c.CheckONNX(); err == nil {
		t.Error("directory without ONNX passed CheckONNX")
	}
}

func TestResolve(t *testing.T) {
	ctx := context.Background()
	c := hub.New(hub.Options{CacheDir: t.TempDir(), Offline: true})
	if src, err := Resolve(ctx, fixture("bert-tiny"), c); err != nil || src.Dir != fixture("bert-tiny") {
		t.Fatalf("directory: %+v, %v", src, err)
	}
	// Needs an export: the error carries the exact command.
	_, err := Resolve(ctx, "cl-nagoya/ruri-v3-70m", c)
	if !errors.Is(err, ErrNeedsExport) || !strings.Contains(err.Error(), "optimum-cli export onnx --model cl-nagoya/ruri-v3-70m") {
		t.Errorf("ruri-v3-70m: %v", err)
	}
	// Unsupported (custom code): the catalog's reason.
	if _, err := Resolve(ctx, "pfnet/plamo-embedding-1b", c); err == nil || !strings.Contains(err.Error(), "cannot run") {
		t.Errorf("plamo: %v", err)
	}
	// A conversion repository, offline with an empty cache: a download error naming the repository.
	if _, err := Resolve(ctx, "cl-nagoya/ruri-v3-30m", c); err == nil || !strings.Contains(err.Error(), "Teradata/ruri-v3-30m") {
		t.Errorf("ruri-v3-30m offline: %v", err)
	}
	if _, err := Resolve(ctx, "not-a-model", c); err == nil {
		t.Error("bare unknown name accepted")
	}
}

// RolePrompt follows sentence-transformers: "query"; "document", "passage",
// "corpus"; an explicit name (AMBER's "Retrieval-query"); default_prompt_name
// when the role has no prompt of its own.
func TestRolePrompt(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"config.json": `{"model_type": "bert", "hidden_size": 8}`,
		"config_sentence_transformers.json": `{"prompts": {"Retrieval-query": "Q:\n", "passage": "P: ", "corpus": "C: ", "sts": "S: "},
			"default_prompt_name": "sts"}`,
		"sentence_bert_config.json": `{"max_seq_length": 16, "do_lower_case": true}`,
		"modules.json":              `[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}]`,
	})
	c, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !c.DoLowerCase {
		t.Error("do_lower_case true not read")
	}
	for _, tc := range []struct{ role, explicit, name, prompt string }{
		{RoleQuery, "", "sts", "S: "}, // no "query": default_prompt_name
		{RoleDocument, "", "passage", "P: "},
		{RoleQuery, "Retrieval-query", "Retrieval-query", "Q:\n"},
	} {
		n, p, err := c.RolePrompt(tc.role, tc.explicit)
		if err != nil || n != tc.name || p != tc.prompt {
			t.Errorf("RolePrompt(%s, %q) = %q %q %v, want %q %q", tc.role, tc.explicit, n, p, err, tc.name, tc.prompt)
		}
	}
	if _, _, err := c.RolePrompt(RoleDocument, "Retrieval-passage"); err == nil || !strings.Contains(err.Error(), "Retrieval-passage") {
		t.Errorf("missing explicit prompt name: %v", err)
	}
}
