package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/catalog"
)

// runModelsCmd runs "jretrieve models ARGS" and returns its stdout.
func runModelsCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := runModels(context.Background(), args, &out, &errb)
	return out.String(), err
}

func TestModelsTable(t *testing.T) {
	out, err := runModelsCmd(t)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := runModelsCmd(t)
	if out != again {
		t.Fatal("output differs between runs")
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "MODEL ") || !strings.Contains(lines[0], "LICENSE") || !strings.Contains(lines[0], "RUNS") {
		t.Errorf("header = %q", lines[0])
	}
	all := catalog.All()
	for i, m := range all {
		f := strings.Fields(lines[i+1])
		if f[0] != m.ID || f[1] != string(m.Kind) {
			t.Errorf("line %d = %q, want %s %s", i+1, lines[i+1], m.ID, m.Kind)
		}
	}
	// Spot checks against facts of the spec.
	row := func(id string) []string {
		for _, l := range lines {
			if f := strings.Fields(l); len(f) > 0 && f[0] == id {
				return f
			}
		}
		t.Fatalf("no row for %s", id)
		return nil
	}
	if f := row("cl-nagoya/ruri-v3-70m"); f[2] != "384" || f[3] != "8192" || f[4] != "apache-2.0" || f[6] != "yes" {
		t.Errorf("ruri-v3-70m row = %v", f)
	}
	if f := row("sbintuitions/sarashina-embedding-v1-1b"); f[4] != "non-commercial" {
		t.Errorf("sarashina license column = %v", f)
	}
	if f := row("sbintuitions/sarashina-embedding-v1-1b"); f[6] != "yes" {
		t.Errorf("sarashina (Llama, converted) runs column = %v", f)
	}
	runs := 0
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 6 && f[6] == "yes" {
			runs++
		}
	}
	if runs != 34 {
		t.Errorf("%d models run, want 34 (BERT, DistilBERT, XLM-R, ModernBERT, LUKE, JaColBERT, Llama)", runs)
	}
	if f := row("pfnet/plamo-embedding-1b"); f[6] != "no" {
		t.Errorf("plamo runs column = %v", f)
	}
	if f := row("hotchpotch/japanese-reranker-cross-encoder-xsmall-v1"); f[2] != "-" || f[4] != "mit" {
		t.Errorf("xsmall row = %v", f)
	}
}

func TestModelsJSONRoundTrip(t *testing.T) {
	out, err := runModelsCmd(t, "--json", "--kind", "cross-encoder")
	if err != nil {
		t.Fatal(err)
	}
	var got []catalog.Model
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var want []catalog.Model
	for _, m := range catalog.All() {
		if m.Kind == catalog.CrossEncoder {
			want = append(want, m)
		}
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("JSON round trip differs: got %d models, want %d", len(got), len(want))
	}
}

func TestModelsDescribe(t *testing.T) {
	out, err := runModelsCmd(t, "ruri-base")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"cl-nagoya/ruri-base",
		`"クエリ: "`,
		"0.5833 / 0.8093",
		"optimum-cli export onnx --model cl-nagoya/ruri-base --task feature-extraction",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("description lacks %q:\n%s", want, out)
		}
	}
	if _, err := runModelsCmd(t, "no-such-model"); err == nil {
		t.Error("unknown model: no error")
	}
	if _, err := runModelsCmd(t, "--kind", "bogus"); !errors.Is(err, errUsage) {
		t.Errorf("bad kind: err = %v, want usage error", err)
	}
}
