package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/catalog"
	"github.com/jretrieve/jretrieve/onnx/convert"
	"github.com/jretrieve/jretrieve/onnx/ort"
)

// Projections by hand: 100 passages/s and 1,000 queries/s.
//
//	JQaRA embedder: 166,700/100 + 1,667/1,000 = 1,668.667 s = 27m49s
//	JQaRA reranker: 166,700/100 = 1,667 s = 27m47s
//	JaCWIR: 500,000/100 (+ 5,000/1,000) = 5,000 (5,005) s = 1h23m
func TestSpeedProjection(t *testing.T) {
	r := speedResult{PerSecond: 100, QueriesPerSecond: 1000}
	for _, c := range []struct {
		kind     catalog.Kind
		jq, jc   float64
		jqS, jcS string
	}{
		{catalog.Embedder, 1668.667, 5005, "27m49s", "1h23m"},
		{catalog.CrossEncoder, 1667, 5000, "27m47s", "1h23m"},
	} {
		if got := r.jqaraSeconds(c.kind); got < c.jq-0.001 || got > c.jq+0.001 {
			t.Errorf("%s: JQaRA %.3f s, want %.3f", c.kind, got, c.jq)
		}
		if got := r.jacwirSeconds(c.kind); got != c.jc {
			t.Errorf("%s: JaCWIR %.3f s, want %.3f", c.kind, got, c.jc)
		}
		if got := formatDuration(r.jqaraSeconds(c.kind)); got != c.jqS {
			t.Errorf("%s: %q, want %q", c.kind, got, c.jqS)
		}
		if got := formatDuration(r.jacwirSeconds(c.kind)); got != c.jcS {
			t.Errorf("%s: %q, want %q", c.kind, got, c.jcS)
		}
	}
	for sec, want := range map[float64]string{0: "-", 44.4: "44s", 59.6: "1m00s", 3599: "59m59s", 3600: "1h00m", 90000: "25h00m"} {
		if got := formatDuration(sec); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", sec, got, want)
		}
	}
}

func TestSpreadOrder(t *testing.T) {
	for n := 1; n < 40; n++ {
		o := spreadOrder(n)
		seen := map[int]bool{}
		for _, i := range o {
			if i < 0 || i >= n || seen[i] {
				t.Fatalf("n=%d: %v is not a permutation", n, o)
			}
			seen[i] = true
		}
		if len(o) != n || o[0] != n/2 {
			t.Fatalf("n=%d: %v (want all, middle first)", n, o)
		}
	}
}

// The table prints the hook's rates and their projections; a second call
// reads the cache and measures nothing; --refresh measures again.
func TestModelsSpeedCacheAndColumns(t *testing.T) {
	calls := 0
	speedMeasureHook = func(ctx context.Context, tg speedTarget, o speedOptions) (speedResult, error) {
		calls++
		return speedResult{PerSecond: 100, QueriesPerSecond: 1000, PaddingWaste: 0.125, MeanTokens: 101.6, Batches: 3, PlanBatches: 13, Seconds: 1, Weights: "random", Params: 36705536}, nil
	}
	defer func() { speedMeasureHook = nil }()
	t.Setenv("HF_HUB_CACHE", t.TempDir()) // no real model: shapes are shared
	cache := t.TempDir()
	args := []string{"models", "--speed", "--cache", cache, "--threads", "2", "ruri-v3-30m", "ruri-reranker-small", "ruri-v3-130m", "amber-base", "plamo-embedding-1b"}
	var out, errb bytes.Buffer
	if code := runMain(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if calls != 3 { // amber-base has ruri-v3-130m's shape; plamo does not run
		t.Fatalf("%d measurements, want 3", calls)
	}
	text := out.String()
	if !strings.Contains(text, "MODEL  ") || !regexp.MustCompile(`(?m)^MODEL\s+KIND\s+PARAMS\s+WEIGHTS\s+TOKENS\s+PER SEC\s+PADDING\s+JQARA\s+JACWIR\s+NOTE$`).MatchString(text) {
		t.Fatalf("header:\n%s", text)
	}
	rows := map[string][]string{}
	for _, l := range strings.Split(text, "\n") {
		f := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(l), -1)
		if len(f) > 0 && strings.Contains(f[0], "/") {
			rows[f[0]] = f
		}
	}
	want := map[string][]string{
		"cl-nagoya/ruri-v3-30m":         {"embedder", "37M", "random", "102", "100.0", "12.5%", "27m49s", "1h23m", "3/13 batches"},
		"cl-nagoya/ruri-reranker-small": {"cross-encoder", "37M", "random", "102", "100.0", "12.5%", "27m47s", "1h23m", "3/13 batches"},
		"retrieva-jp/amber-base":        {"embedder", "37M", "random", "102", "100.0", "12.5%", "27m49s", "1h23m", "same shape as cl-nagoya/ruri-v3-130m: shared measurement; 3/13 batches"},
	}
	for id, w := range want {
		got := rows[id]
		if len(got) != len(w)+1 || strings.Join(got[1:], "|") != strings.Join(w, "|") {
			t.Errorf("%s: row %q, want %q", id, got, w)
		}
	}
	if p := rows["pfnet/plamo-embedding-1b"]; len(p) < 2 || !strings.Contains(strings.Join(p, " "), "skipped: does not run") {
		t.Errorf("plamo row %q", p)
	}
	if _, err := os.Stat(filepath.Join(cache, "speed.json")); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := runMain(context.Background(), args, &out, &errb); code != 0 || calls != 3 {
		t.Fatalf("second call: exit %d, %d measurements (want the cache: 3)", code, calls)
	}
	if out.String() != text {
		t.Errorf("cached table differs:\n%s\nvs\n%s", out.String(), text)
	}
	if code := runMain(context.Background(), append([]string{"models", "--speed", "--refresh"}, args[2:]...), &out, &errb); code != 0 || calls != 6 {
		t.Fatalf("--refresh: exit %d, %d measurements (want 6)", code, calls)
	}
	// another thread count is another cache entry
	if code := runMain(context.Background(), []string{"models", "--speed", "--cache", cache, "--threads", "1", "ruri-v3-30m"}, &out, &errb); code != 0 || calls != 7 {
		t.Fatalf("--threads 1: exit %d, %d measurements (want 7)", code, calls)
	}
	// flags may follow the models: the same cache entry, no new measurement
	errb.Reset()
	if code := runMain(context.Background(), []string{"models", "--speed", "ruri-v3-30m", "--cache", cache, "--threads", "1"}, &out, &errb); code != 0 || calls != 7 {
		t.Fatalf("flags after the model: exit %d, %d measurements (want 7): %s", code, calls, errb.String())
	}
	// --json: the same measurements and projections, machine-readable
	out.Reset()
	if code := runMain(context.Background(), []string{"models", "--speed", "--json", "--cache", cache, "--threads", "1", "ruri-v3-30m", "ruri-reranker-small", "plamo-embedding-1b"}, &out, &errb); code != 0 || calls != 8 {
		t.Fatalf("--json: exit %d, %d measurements (want 8: the reranker is new at 1 thread): %s", code, calls, errb.String())
	}
	var rep struct {
		Threads int `json:"threads"`
		Models  []struct {
			Model         string  `json:"model"`
			Skipped       string  `json:"skipped"`
			PerSecond     float64 `json:"per_second"`
			PaddingWaste  float64 `json:"padding_waste"`
			JQaRASeconds  float64 `json:"jqara_seconds"`
			JaCWIRSeconds float64 `json:"jacwir_seconds"`
		} `json:"models"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out.String())
	}
	// By hand: 166,700 passages at 100/s + 1,667 queries at 1,000/s; a
	// reranker has no separate queries; JaCWIR 500,000 pairs at 100/s.
	if len(rep.Models) != 3 || rep.Threads != 1 ||
		rep.Models[0].Model != "cl-nagoya/ruri-v3-30m" || rep.Models[0].PerSecond != 100 || rep.Models[0].PaddingWaste != 0.125 ||
		math.Abs(rep.Models[0].JQaRASeconds-(1667+1.667)) > 1e-9 ||
		rep.Models[1].Model != "cl-nagoya/ruri-reranker-small" || math.Abs(rep.Models[1].JQaRASeconds-1667) > 1e-9 || math.Abs(rep.Models[1].JaCWIRSeconds-5000) > 1e-9 ||
		rep.Models[2].Skipped == "" || rep.Models[2].PerSecond != 0 {
		t.Errorf("--json report: %+v", rep)
	}
	// every quantization is named in the header, never read as fp32
	for _, q := range []string{"int8", "int4", "int8-block"} {
		out.Reset()
		if code := runMain(context.Background(), []string{"models", "--speed", "--cache", cache, "--graph", "fused", "--quantize", q, "ruri-v3-30m"}, &out, &errb); code != 0 {
			t.Fatalf("--quantize %s: exit %d: %s", q, code, errb.String())
		}
		if !strings.Contains(out.String(), ", fused "+q+" graph,") {
			t.Errorf("--quantize %s: header does not name it:\n%s", q, out.String())
		}
	}
}

func TestModelsSpeedBadFlags(t *testing.T) {
	speedMeasureHook = func(ctx context.Context, tg speedTarget, o speedOptions) (speedResult, error) {
		return speedResult{}, errors.New("must not measure")
	}
	defer func() { speedMeasureHook = nil }()
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--speed", "--threads", "0"}, 2, "--threads 0"},
		{[]string{"--speed", "--calibrate", "0s"}, 2, "--calibrate"},
		{[]string{"--speed", "--graph", "bogus"}, 2, "unknown --graph"},
		{[]string{"--speed", "--quantize", "int3"}, 2, "unknown --quantize"},
		{[]string{"--speed", "--kind", "llm"}, 2, "--kind"},
		{[]string{"--threads", "2"}, 2, "--threads applies to --speed only"},
		{[]string{"--speed", "no-such-model"}, 1, "not in the catalog"},
	} {
		var out, errb bytes.Buffer
		code := runMain(context.Background(), append([]string{"models", "--cache", ""}, c.args...), &out, &errb)
		if c.args[0] != "--speed" {
			code = runMain(context.Background(), append([]string{"models"}, c.args...), &out, &errb)
		}
		if code != c.code || !strings.Contains(errb.String(), c.msg) {
			t.Errorf("%v: exit %d, stderr %q (want %d, %q)", c.args, code, errb.String(), c.code, c.msg)
		}
	}
}

// The real calibration on the tiny converter fixtures (ONNX Runtime).
func TestModelsSpeedTinyFixtures(t *testing.T) {
	if _, err := ort.FindLibrary(""); err != nil {
		if os.Getenv("JRETRIEVE_REQUIRE_NATIVE") != "" {
			t.Fatal(err)
		}
		t.Skipf("ONNX Runtime absent: %v", err)
	}
	before := speedMeasurements
	cache := t.TempDir()
	args := []string{"models", "--speed", "--cache", cache, "--threads", "1", "--calibrate", "10ms",
		filepath.Join("..", "..", "onnx", "convert", "testdata", "bert"), filepath.Join("..", "..", "onnx", "convert", "testdata", "bert-cls")}
	var out, errb bytes.Buffer
	if code := runMain(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if speedMeasurements-before != 2 {
		t.Fatalf("%d measurements, want 2", speedMeasurements-before)
	}
	re := regexp.MustCompile(`(?m)^\S+testdata/(bert|bert-cls)\s+(embedder|cross-encoder)\s+(\d+)\s+given\s+\d+\s+([0-9.]+)\s+([0-9.]+)%\s+(\S+)\s+(\S+)`)
	m := re.FindAllStringSubmatch(out.String(), -1)
	if len(m) != 2 || m[0][2] != "embedder" || m[1][2] != "cross-encoder" {
		t.Fatalf("rows:\n%s", out.String())
	}
	for _, r := range m {
		if n, _ := strconv.Atoi(r[3]); n <= 0 {
			t.Errorf("%s: params %s", r[1], r[3])
		}
		if v, _ := strconv.ParseFloat(r[4], 64); v <= 0 {
			t.Errorf("%s: rate %s", r[1], r[4])
		}
		if r[6] == "-" || r[7] == "-" {
			t.Errorf("%s: no projection", r[1])
		}
	}
	if !strings.Contains(errb.String(), "calibrating") {
		t.Errorf("no progress on stderr: %q", errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := runMain(context.Background(), args, &out, &errb); code != 0 || speedMeasurements-before != 2 {
		t.Fatalf("second call: exit %d, %d measurements (want 2: cached)", code, speedMeasurements-before)
	}
	if strings.Contains(errb.String(), "calibrating") {
		t.Errorf("second call calibrated: %q", errb.String())
	}
}

// catalogParams parses the catalog's Params figure: the exact count in
// parentheses when given, else the rounded figure ("~111M", "1.22B").
func catalogParams(s string) (float64, bool) {
	if m := regexp.MustCompile(`\(([0-9,]{6,})\)`).FindStringSubmatch(s); m != nil {
		v, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
		return v, err == nil
	}
	m := regexp.MustCompile(`^~?([0-9.]+)([MB])`).FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if m[2] == "B" {
		return v * 1e9, err == nil
	}
	return v * 1e6, err == nil
}

// The random checkpoint of each catalog shape has the parameter count the
// catalog publishes (the independent expectation), within 1%: the converted
// network leaves out BERT's pooler for embedders (0.5% of BERT-base) and,
// for LUKE, the entity-aware query weights of its 12 layers (3 x (768 x 768
// + 768) each, 21,261,312, added back here) and the entity embeddings.
func TestSpeedShapeParams(t *testing.T) {
	n := 0
	for _, m := range catalog.All() {
		if _, ok := m.Shape(); !ok {
			continue
		}
		cfg, err := shapeConfig(m)
		if err != nil {
			t.Errorf("%s: %v", m.ID, err)
			continue
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "config.json"), cfg, 0o644); err != nil {
			t.Fatal(err)
		}
		shapes, err := convert.Shapes(dir)
		if err != nil {
			t.Errorf("%s: %v", m.ID, err)
			continue
		}
		got := float64(convert.Params(shapes))
		if m.Arch == catalog.ArchLUKE {
			got += 12 * 3 * (768*768 + 768)
		}
		want, ok := catalogParams(m.Params)
		if !ok {
			t.Errorf("%s: cannot parse Params %q", m.ID, m.Params)
			continue
		}
		if d := (got - want) / want; d < -0.01 || d > 0.01 {
			t.Errorf("%s: random checkpoint has %.0f parameters, catalog says %s (%.2f%% off)", m.ID, got, m.Params, 100*d)
		}
		n++
	}
	if n < 30 {
		t.Errorf("only %d catalog models have a shape", n)
	}
}

// A catalog model whose checkpoint is in the Hugging Face cache is timed
// with its real weights (here the tiny ModernBERT fixture standing in for
// ruri-v3-70m's snapshot), offline, under its own cache key.
func TestModelsSpeedRealFromHubCache(t *testing.T) {
	if _, err := ort.FindLibrary(""); err != nil {
		if os.Getenv("JRETRIEVE_REQUIRE_NATIVE") != "" {
			t.Fatal(err)
		}
		t.Skipf("ONNX Runtime absent: %v", err)
	}
	lib, _ := ort.FindLibrary("") // before JRETRIEVE_CACHE moves the default
	m, _ := catalog.Lookup("ruri-v3-70m")
	hf := t.TempDir()
	t.Setenv("HF_HUB_CACHE", hf)
	t.Setenv("HF_HUB_OFFLINE", "1")
	t.Setenv("JRETRIEVE_CACHE", t.TempDir())
	snap := filepath.Join(hf, "models--cl-nagoya--ruri-v3-70m", "snapshots", m.Revision)
	if err := os.MkdirAll(snap, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"config.json", "model.safetensors"} {
		if err := copyFile(filepath.Join("..", "..", "onnx", "convert", "testdata", "modernbert", f), filepath.Join(snap, f)); err != nil {
			t.Fatal(err)
		}
	}
	before := speedMeasurements
	var out, errb bytes.Buffer
	args := []string{"models", "--speed", "--cache", t.TempDir(), "--ort-lib", lib, "--threads", "1", "--calibrate", "10ms", "ruri-v3-70m", "ruri-v3-30m"}
	if code := runMain(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if speedMeasurements-before != 2 {
		t.Fatalf("%d measurements, want 2", speedMeasurements-before)
	}
	if !regexp.MustCompile(`(?m)^cl-nagoya/ruri-v3-70m\s+embedder\s+70M\s+real\s`).MatchString(out.String()) {
		t.Errorf("ruri-v3-70m not timed with its cached weights:\n%s\n%s", out.String(), errb.String())
	}
	if !regexp.MustCompile(`(?m)^cl-nagoya/ruri-v3-30m\s+embedder\s+37M\s+random\s`).MatchString(out.String()) {
		t.Errorf("ruri-v3-30m (not cached) not timed with random weights:\n%s", out.String())
	}
}
