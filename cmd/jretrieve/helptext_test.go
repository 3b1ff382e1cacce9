package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/eval"
	"github.com/jretrieve/jretrieve/onnx/convert"
)

// helpText returns what 'jretrieve NAME -h' prints.
func helpText(t *testing.T, name string) string {
	t.Helper()
	_, stderr, code := runCLI(t, name, "-h")
	if code != 0 {
		t.Fatalf("jretrieve %s -h: exit %d: %s", name, code, stderr)
	}
	return stderr
}

// letters lower-cases s and keeps only ASCII letters, so that "XLM-RoBERTa"
// and "XLMRoberta" compare equal.
func letters(s string) string {
	return regexp.MustCompile(`[^a-z]`).ReplaceAllString(strings.ToLower(s), "")
}

// 'jretrieve evaluate -h' lists every metric the evaluator accepts (bpref
// and rbp were missing).
func TestEvaluateHelpListsEveryMetric(t *testing.T) {
	help := helpText(t, "evaluate")
	for _, m := range eval.MetricNames() {
		if !regexp.MustCompile(`[ :,]` + regexp.QuoteMeta(m) + `[,. ]`).MatchString(help) {
			t.Errorf("evaluate -h does not list metric %q:\n%s", m, help)
		}
	}
}

// 'jretrieve convert -h' names every architecture family the converter
// builds (LUKE and ColBERT were missing).
func TestConvertHelpNamesEveryArchitecture(t *testing.T) {
	help := letters(helpText(t, "convert"))
	for _, class := range convert.Supported() {
		family := strings.TrimPrefix(class, "HF_")
		for _, suffix := range []string{"ForSequenceClassification", "ForMaskedLM", "ForPreTraining", "Model"} {
			family = strings.TrimSuffix(family, suffix)
		}
		if !strings.Contains(help, letters(family)) {
			t.Errorf("convert -h does not name %s (family %q)", class, family)
		}
	}
}

// The commands that load models say that a model directory may hold a
// checkpoint (converted in Go), not only an ONNX export.
func TestModelHelpMentionsCheckpoints(t *testing.T) {
	for _, name := range []string{"eval", "embed", "jmteb"} {
		help := helpText(t, name)
		if !strings.Contains(help, "checkpoint") {
			t.Errorf("%s -h does not say that a checkpoint directory works:\n%s", name, help)
		}
	}
}

// 'jretrieve --help' says what jretrieve alone does (the README's main
// job), and that is what runs.
func TestUsageNamesDefaultCommand(t *testing.T) {
	out, _, code := runCLI(t, "--help")
	if code != 0 || !strings.Contains(out, "Without arguments jretrieve runs 'jretrieve eval'") {
		t.Errorf("jretrieve --help (exit %d) does not say that jretrieve alone runs eval:\n%s", code, out)
	}
}

// jmteb takes --backend as eval does: an unknown value is a usage error
// before anything runs, and its help states the pure-Go slowdown.
func TestJMTEBBackendFlag(t *testing.T) {
	if help := helpText(t, "jmteb"); !strings.Contains(help, goSlowdown) {
		t.Errorf("jmteb -h does not state the pure-Go backend's slowdown (%s)", goSlowdown)
	}
	_, stderr, code := runCLI(t, "jmteb", "--backend", "bogus", "--model", "x", "--data", t.TempDir())
	if code != 2 || !strings.Contains(stderr, `unknown --backend "bogus"`) {
		t.Errorf("jmteb --backend bogus: exit %d, stderr %q; want a usage error", code, stderr)
	}
}
