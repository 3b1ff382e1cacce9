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
	// Converted by jretrieve: offline with an empty cache, a download error
	// naming the checkpoint (the third-party conversion of ruri-v3-30m is
	// no longer used).
	for _, name := range []string{"cl-nagoya/ruri-v3-70m", "cl-nagoya/ruri-v3-30m", "pkshatech/GLuCoSE-base-ja-v2", "answerdotai/JaColBERTv2.5", "sbintuitions/sarashina-embedding-v1-1b"} {
		if _, err := Resolve(ctx, name, c); err == nil || !strings.Contains(err.Error(), name+" (checkpoint to convert)") {
			t.Errorf("%s offline: %v", name, err)
		}
	}
	// Unsupported (custom code): the catalog's reason.
	if _, err := Resolve(ctx, "pfnet/plamo-embedding-1b", c); err == nil || !strings.Contains(err.Error(), "cannot run") {
		t.Errorf("plamo: %v", err)
	}
	if _, err := Resolve(ctx, "not-a-model", c); err == nil {
		t.Error("bare unknown name accepted")
	}
}

// An absurd size in config.json is refused before anything is allocated
// from it (hidden_size 10^12 ended in "fatal error: out of memory"), and a
// plausible size that the weights cannot hold is refused by CheckONNX.
func TestAbsurdSizesRefused(t *testing.T) {
	onnxBytes, err := os.ReadFile(filepath.Join(fixture("bert-tiny"), "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		config string
		read   bool // the error comes from Read (else from CheckONNX)
		want   string
	}{
		{`{"hidden_size": 1e12, "vocab_size": 151}`, true, "hidden_size is 1000000000000, outside [0, 131072]"},
		{`{"hidden_size": 32, "vocab_size": 1000000000}`, true, "vocab_size is 1000000000"},
		{`{"hidden_size": 32, "max_position_embeddings": -5}`, true, "max_position_embeddings is -5"},
		{`{"hidden_size": 100000, "vocab_size": 151}`, false, "hidden_size 100000 and vocab_size 151 mean at least 10000000000 weights"},
		{`{"hidden_size": 32, "vocab_size": 10000000}`, false, "mean at least 320000000 weights"},
	} {
		dir := writeDir(t, map[string]string{"config.json": tc.config, "model.onnx": string(onnxBytes)})
		c, err := Read(dir)
		if err == nil {
			err = c.CheckONNX()
		} else if !tc.read {
			t.Errorf("%s: Read: %v", tc.config, err)
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), filepath.Join(dir, "config.json")) {
			t.Errorf("%s: err %v, want %q naming config.json", tc.config, err, tc.want)
		}
	}
	// A directory of symbolic links (a Hugging Face snapshot) is measured
	// by the files they point to.
	snap := t.TempDir()
	for _, f := range []string{"config.json", "model.onnx"} {
		abs, _ := filepath.Abs(filepath.Join(fixture("bert-tiny"), f))
		if err := os.Symlink(abs, filepath.Join(snap, f)); err != nil {
			t.Fatal(err)
		}
	}
	if c, err := Read(snap); err != nil {
		t.Error(err)
	} else if err := c.CheckONNX(); err != nil {
		t.Errorf("snapshot of symbolic links: %v", err)
	}
	// The fixtures pass.
	for _, name := range []string{"bert-tiny", "xlmr-tiny", "cross-encoder-bert-tiny"} {
		c, err := Read(fixture(name))
		if err == nil {
			err = c.CheckONNX()
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestResolveMissingDirectory checks that a path naming no directory is
// reported as such, not as an invalid Hugging Face repository id.
func TestResolveMissingDirectory(t *testing.T) {
	ctx := context.Background()
	c := hub.New(hub.Options{CacheDir: t.TempDir(), Offline: true})
	missing := filepath.Join(t.TempDir(), "moved-model")
	for _, name := range []string{"./nonexistent-dir", "../nonexistent-dir", missing, "a/b/c", "models/"} {
		_, err := Resolve(ctx, name, c)
		if !errors.Is(err, ErrNoDirectory) || !strings.Contains(err.Error(), name+": model directory does not exist") || strings.Contains(err.Error(), "repo id") {
			t.Errorf("%s: %v", name, err)
		}
	}
	file := filepath.Join(t.TempDir(), "model.onnx")
	os.WriteFile(file, nil, 0o644)
	if _, err := Resolve(ctx, file, c); err == nil || !strings.Contains(err.Error(), "is a file, not a model directory") {
		t.Errorf("file: %v", err)
	}
	// An org/name that is neither local nor reachable says both.
	if _, err := Resolve(ctx, "someone/some-model", c); err == nil || !strings.Contains(err.Error(), "no local directory") {
		t.Errorf("org/name: %v", err)
	}
	for name, want := range map[string]bool{"cl-nagoya/ruri-base": false, "ruri-base": false, "./m": true, "/m": true, "~/m": true, "a/b/c": true, "a\\b": true} {
		if got := LooksLikePath(name); got != want {
			t.Errorf("LooksLikePath(%q) = %v", name, got)
		}
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
