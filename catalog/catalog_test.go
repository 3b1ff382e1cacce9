package catalog

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"cl-nagoya/ruri-v3-30m", "cl-nagoya/ruri-v3-30m", true},
		{"ruri-v3-30m", "cl-nagoya/ruri-v3-30m", true},
		{"RURI-V3-30M", "cl-nagoya/ruri-v3-30m", true},
		{" ruri-base ", "cl-nagoya/ruri-base", true},
		{"japanese-reranker-cross-encoder-xsmall-v1", "hotchpotch/japanese-reranker-cross-encoder-xsmall-v1", true},
		{"JaColBERTv2.5", "answerdotai/JaColBERTv2.5", true},
		{"other-org/ruri-v3-30m", "", false},
		{"ruri-v3", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		m, ok := Lookup(tc.name)
		if ok != tc.ok || m.ID != tc.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tc.name, m.ID, ok, tc.want, tc.ok)
		}
	}
	// Every id and every unique short name resolves to itself.
	short := map[string]int{}
	for _, m := range All() {
		short[strings.ToLower(m.ShortName())]++
	}
	for _, m := range All() {
		if got, ok := Lookup(m.ID); !ok || got.ID != m.ID {
			t.Errorf("Lookup(%q) = %q, %v", m.ID, got.ID, ok)
		}
		if short[strings.ToLower(m.ShortName())] == 1 {
			if got, ok := Lookup(m.ShortName()); !ok || got.ID != m.ID {
				t.Errorf("Lookup(%q) = %q, %v", m.ShortName(), got.ID, ok)
			}
		}
	}
}

func TestAllIsACopyAndSorted(t *testing.T) {
	a := All()
	a[0].Inferred = append(a[0].Inferred[:0], "mutated")
	a[0].ID = "mutated"
	if b := All(); b[0].ID == "mutated" || slices.Contains(b[0].Inferred, "mutated") {
		t.Fatal("All returns shared data")
	}
	b := All()
	for i := 1; i < len(b); i++ {
		p, q := b[i-1], b[i]
		if kindOrder(p.Kind) > kindOrder(q.Kind) || kindOrder(p.Kind) == kindOrder(q.Kind) && p.ID >= q.ID {
			t.Errorf("not sorted at %d: %s %s", i, p.ID, q.ID)
		}
	}
}

var hex40 = regexp.MustCompile(`^[0-9a-f]{40}$`)

// TestConsistency checks the catalog against itself and against facts that
// follow from the model kinds, independent of the spec file.
func TestConsistency(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range All() {
		t.Run(m.ID, func(t *testing.T) {
			if seen[m.ID] {
				t.Fatal("duplicate id")
			}
			seen[m.ID] = true
			if parts := strings.Split(m.ID, "/"); len(parts) != 2 || parts[0] == "" || parts[1] == "" {
				t.Errorf("id %q is not org/name", m.ID)
			}
			if m.Family == "" || m.Arch == "" || m.Tokenizer == "" || m.License == "" || m.HiddenSize <= 0 || m.MaxLength <= 0 {
				t.Errorf("missing basics: %+v", m)
			}
			switch m.Kind {
			case Embedder:
				if m.Dims != m.HiddenSize || m.Pooling == PoolNone || m.Pooling == PoolTokens || !m.Normalize || m.NumLabels != 0 {
					t.Errorf("embedder: dims %d hidden %d pooling %q normalize %v labels %d", m.Dims, m.HiddenSize, m.Pooling, m.Normalize, m.NumLabels)
				}
			case CrossEncoder:
				if m.Dims != 0 || m.Pooling != PoolNone || m.NumLabels != 1 || m.Activation != "sigmoid" || m.QueryPrefix != "" {
					t.Errorf("cross-encoder: dims %d pooling %q labels %d activation %q", m.Dims, m.Pooling, m.NumLabels, m.Activation)
				}
			case MultiVector:
				if m.Dims != 128 || m.Pooling != PoolTokens || m.QueryPrefix != "[unused0]" || m.DocumentPrefix != "[unused1]" {
					t.Errorf("multi-vector: dims %d pooling %q markers %q %q", m.Dims, m.Pooling, m.QueryPrefix, m.DocumentPrefix)
				}
			default:
				t.Errorf("kind %q", m.Kind)
			}
			// The spec stresses ASCII ':' + ' ' in prefixes, never U+FF1A.
			for _, p := range []string{m.QueryPrefix, m.DocumentPrefix} {
				if strings.ContainsRune(p, '：') || strings.HasSuffix(p, ":") {
					t.Errorf("prefix %q: full-width colon or missing trailing space", p)
				}
			}
			mecabFamily := m.Tokenizer == TokBertJapanese || m.Tokenizer == TokDistilBertJapanese
			if m.NeedsMeCab != mecabFamily {
				t.Errorf("NeedsMeCab %v but tokenizer family %q", m.NeedsMeCab, m.Tokenizer)
			}
			if m.Tokenizer == TokTokenizerJSON && !m.HasTokenizerJSON {
				t.Errorf("tokenizer.json family without tokenizer.json")
			}
			if m.Tokenizer == TokDistilBertJapanese && (!m.LowerCase || !m.TrustRemoteCode) {
				t.Errorf("LINE DistilBERT tokenizer is lower-casing remote code")
			}
			if m.Revision != "" && !hex40.MatchString(m.Revision) {
				t.Errorf("revision %q is not a commit", m.Revision)
			}
			if m.NonCommercial != strings.Contains(strings.ToLower(m.License), "noncommercial") {
				t.Errorf("NonCommercial %v vs license %q", m.NonCommercial, m.License)
			}
			checkONNX(t, m)
			checkSorted(t, "Inferred", m.Inferred)
			checkSorted(t, "Unknown", m.Unknown)
			for _, p := range m.Inferred {
				if slices.Contains(m.Unknown, p) {
					t.Errorf("%q both inferred and unknown", p)
				}
			}
			s := m.Scores
			for name, v := range map[string]float64{"JQaRA nDCG@10": s.JQaRANDCG10, "JQaRA MRR@10": s.JQaRAMRR10, "JaCWIR MAP@10": s.JaCWIRMAP10, "JaCWIR HIT@10": s.JaCWIRHit10} {
				if v < 0 || v > 1 {
					t.Errorf("%s = %v outside [0,1]", name, v)
				}
			}
			if (s.JQaRANDCG10 == 0) != (s.JQaRAMRR10 == 0) || (s.JaCWIRMAP10 == 0) != (s.JaCWIRHit10 == 0) {
				t.Errorf("half-published pair: %+v", s)
			}
			// MRR@10 >= nDCG@10 holds for every published JQaRA pair:
			// the first relevant hit alone gives MRR its value.
			if s.JQaRAMRR10 < s.JQaRANDCG10 {
				t.Errorf("JQaRA MRR@10 %v < nDCG@10 %v", s.JQaRAMRR10, s.JQaRANDCG10)
			}
			if s.JaCWIRHit10 < s.JaCWIRMAP10 {
				t.Errorf("JaCWIR HIT@10 %v < MAP@10 %v (one positive: MAP@10 = MRR@10 <= HIT@10)", s.JaCWIRHit10, s.JaCWIRMAP10)
			}
			for name, v := range map[string]float64{"avg": s.JMTEBAvg, "retrieval": s.JMTEBRetrieval, "reranking": s.JMTEBReranking} {
				if v < 0 || v > 100 {
					t.Errorf("JMTEB %s = %v", name, v)
				}
			}
		})
	}
}

func checkSorted(t *testing.T, name string, s []string) {
	t.Helper()
	if !slices.IsSorted(s) || len(slices.Compact(slices.Clone(s))) != len(s) {
		t.Errorf("%s not sorted/unique: %v", name, s)
	}
}

func checkONNX(t *testing.T, m Model) {
	t.Helper()
	o := m.ONNX
	switch m.Support {
	case Ready:
		if o.Source != ONNXRepo && o.Source != ONNXConversion {
			t.Errorf("ready without a downloadable graph: %+v", o)
		}
	case NeedsExport:
		if o.Export == "" {
			t.Errorf("needs export but no command")
		}
	case Unsupported:
		if o.Source != ONNXNone || m.Reason == "" {
			t.Errorf("unsupported: source %q reason %q", o.Source, m.Reason)
		}
	default:
		t.Errorf("support %q", m.Support)
	}
	if m.Reason == "" && m.Support != Ready {
		t.Errorf("no reason for %s", m.Support)
	}
	if (o.Source == ONNXRepo || o.Source == ONNXConversion) && (o.File == "" || !strings.HasSuffix(o.File, ".onnx")) {
		t.Errorf("graph source %q without an .onnx file", o.Source)
	}
	if o.Source == ONNXConversion && (o.Repo == "" || o.Repo == m.ID) {
		t.Errorf("conversion repo %q", o.Repo)
	}
	if o.Export == "" {
		return
	}
	if !strings.Contains(o.Export, "'"+m.ID+"'") && !strings.Contains(o.Export, " "+m.ID+" ") {
		t.Errorf("export command does not name %s: %s", m.ID, o.Export)
	}
	if !strings.HasSuffix(o.Export, m.ShortName()+"-onnx/") && !strings.Contains(o.Export, "'"+m.ShortName()+"-onnx/model.onnx'") {
		t.Errorf("export command does not write %s-onnx/: %s", m.ShortName(), o.Export)
	}
	if strings.HasPrefix(o.Export, "optimum-cli ") {
		task := "feature-extraction"
		if m.Kind == CrossEncoder {
			task = "text-classification"
		}
		if !strings.Contains(o.Export, "--task "+task+" ") {
			t.Errorf("export task is not %s: %s", task, o.Export)
		}
		if strings.Contains(o.Export, "--trust-remote-code") != m.TrustRemoteCode {
			t.Errorf("--trust-remote-code vs TrustRemoteCode %v: %s", m.TrustRemoteCode, o.Export)
		}
	}
}

// sharedDir returns ../shared relative to the repository root, or skips.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared")
	if _, err := os.Stat(filepath.Join(dir, "specs", "model-catalog.json")); err != nil {
		t.Skipf("../shared not present (%v): skipping the check against the catalog spec", err)
	}
	return dir
}

// TestPublishedJQaRA compares the catalog's JQaRA scores with the
// independently kept list of published leaderboard numbers.
func TestPublishedJQaRA(t *testing.T) {
	f, err := os.Open(filepath.Join(sharedDir(t), "reference", "jqara", "published.tsv"))
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for line := 1; sc.Scan(); line++ {
		fields := strings.Split(sc.Text(), "\t")
		if strings.HasPrefix(fields[0], "#") || fields[0] == "run" || len(fields) < 3 {
			continue
		}
		m, ok := Lookup(fields[0])
		if !ok {
			continue
		}
		ndcg, err1 := strconv.ParseFloat(fields[1], 64)
		mrr, err2 := strconv.ParseFloat(fields[2], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("published.tsv:%d: %q", line, sc.Text())
		}
		n++
		if m.Scores.JQaRANDCG10 != ndcg || m.Scores.JQaRAMRR10 != mrr {
			t.Errorf("%s: catalog %v/%v, published %v/%v", m.ID, m.Scores.JQaRANDCG10, m.Scores.JQaRAMRR10, ndcg, mrr)
		}
	}
	if n < 3 {
		t.Errorf("only %d published runs matched catalog models", n)
	}
}

type fact struct {
	Value  json.RawMessage `json:"value"`
	Status string          `json:"status"`
}

func (f fact) str() string {
	var s string
	if json.Unmarshal(f.Value, &s) == nil {
		return s
	}
	return string(f.Value)
}

func (f fact) num() (float64, bool) {
	var v float64
	err := json.Unmarshal(f.Value, &v)
	return v, err == nil
}

// TestAgainstSpecJSON checks every transcribed fact against
// ../shared/specs/model-catalog.json.
func TestAgainstSpecJSON(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sharedDir(t), "specs", "model-catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Models []map[string]json.RawMessage `json:"models"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	if len(spec.Models) != len(models) {
		t.Errorf("spec has %d models, catalog %d", len(spec.Models), len(models))
	}
	for i, raw := range spec.Models {
		var id, group, family string
		json.Unmarshal(raw["id"], &id)
		json.Unmarshal(raw["group"], &group)
		json.Unmarshal(raw["family"], &family)
		t.Run(id, func(t *testing.T) {
			m, ok := Lookup(id)
			if !ok {
				t.Fatal("missing from the catalog")
			}
			if i < len(models) && models[i].ID != id {
				t.Errorf("position %d holds %s (keep the spec's order)", i, models[i].ID)
			}
			if string(m.Kind) != group || m.Family != family {
				t.Errorf("kind/family %s/%s, spec %s/%s", m.Kind, m.Family, group, family)
			}
			get := func(key string) fact {
				var f fact
				if r, ok := raw[key]; ok {
					json.Unmarshal(r, &f)
				}
				return f
			}
			eqs := map[string][2]string{
				"architecture": {m.Architecture, get("architecture").str()},
				"base_model":   {m.BaseModel, get("base_model").str()},
				"params":       {m.Params, get("params").str()},
				"license":      {m.License, get("license").str()},
			}
			if w, ok := raw["weights_dtype"]; ok {
				var f fact
				json.Unmarshal(w, &f)
				eqs["weights_dtype"] = [2]string{m.WeightsDType, f.str()}
			}
			for k, v := range eqs {
				if v[0] != v[1] {
					t.Errorf("%s = %q, spec %q", k, v[0], v[1])
				}
			}
			if rev := get("revision").str(); !strings.HasPrefix(rev, m.Revision) || (rev != "" && m.Revision == "") {
				t.Errorf("revision %q, spec %q", m.Revision, rev)
			}
			for key, got := range map[string]int{"hidden_size": m.HiddenSize, "layers": m.Layers, "vocab_size": m.Vocab} {
				f := get(key)
				if v, ok := f.num(); ok && int(v) != got {
					t.Errorf("%s = %d, spec %v", key, got, v)
				} else if !ok && got != 0 && !strings.Contains(strings.ReplaceAll(f.str(), ",", ""), strconv.Itoa(got)) {
					t.Errorf("%s = %d, spec %q", key, got, f.str())
				}
			}
			if v, ok := get("max_seq_length").num(); ok && int(v) != m.MaxLength {
				t.Errorf("max length %d, spec %v", m.MaxLength, v)
			}
			checkSpecTokenizer(t, m, raw["tokenizer"])
			checkSpecPrefixes(t, m, get("prefixes"))
			checkSpecPooling(t, m, get("pooling"))
			checkSpecScores(t, m, raw["scores"])
			checkSpecStatus(t, m, raw)
			var notes []string
			json.Unmarshal(raw["notes"], &notes)
			if !slices.Equal(notes, m.Notes) {
				t.Errorf("notes %q, spec %q", m.Notes, notes)
			}
			var onnx struct{ Community fact }
			json.Unmarshal(raw["onnx"], &onnx)
			var community []string
			json.Unmarshal(onnx.Community.Value, &community)
			if !slices.Equal(community, m.ONNX.Community) {
				t.Errorf("community conversions %q, spec %q", m.ONNX.Community, community)
			}
			if ce, ok := raw["cross_encoder"]; ok {
				var c struct {
					NumLabels fact `json:"num_labels"`
				}
				json.Unmarshal(ce, &c)
				if v, _ := c.NumLabels.num(); int(v) != m.NumLabels {
					t.Errorf("num_labels %d, spec %v", m.NumLabels, v)
				}
			}
		})
	}
}

func checkSpecTokenizer(t *testing.T, m Model, raw json.RawMessage) {
	t.Helper()
	var tok map[string]fact
	json.Unmarshal(raw, &tok)
	if got, want := m.TokenizerClass, tok["cls"].str(); got != want {
		t.Errorf("tokenizer class %q, spec %q", got, want)
	}
	for key, got := range map[string]bool{"needs_mecab": m.NeedsMeCab, "has_tokenizer_json": m.HasTokenizerJSON, "do_lower_case": m.LowerCase} {
		want := string(tok[key].Value) == "true"
		if got != want {
			t.Errorf("tokenizer.%s = %v, spec %s", key, got, tok[key].Value)
		}
	}
}

func checkSpecPrefixes(t *testing.T, m Model, f fact) {
	t.Helper()
	if m.Kind == CrossEncoder {
		return
	}
	var p map[string]any
	json.Unmarshal(f.Value, &p)
	if _, ok := p["mechanism"]; ok {
		if !m.PromptsInModel || m.QueryPrefix != "" || m.DocumentPrefix != "" {
			t.Errorf("prompts come from the model config, catalog has %q/%q", m.QueryPrefix, m.DocumentPrefix)
		}
		return
	}
	q, _ := p["query"].(string)
	d, _ := p["document"].(string)
	switch {
	case m.Kind == MultiVector:
		if !strings.HasPrefix(q, m.QueryPrefix+" ") || !strings.HasPrefix(d, m.DocumentPrefix+" ") {
			t.Errorf("markers %q/%q, spec %q/%q", m.QueryPrefix, m.DocumentPrefix, q, d)
		}
	case strings.HasPrefix(q, "via "): // PLaMo: prefix quoted inside the description
		if m.QueryPrefix == "" || !strings.Contains(q, "'"+m.QueryPrefix+"'") || m.DocumentPrefix != "" {
			t.Errorf("prefix %q not the one quoted in %q", m.QueryPrefix, q)
		}
	default:
		if m.QueryPrefix != q || m.DocumentPrefix != d {
			t.Errorf("prefixes %q/%q, spec %q/%q", m.QueryPrefix, m.DocumentPrefix, q, d)
		}
	}
}

func checkSpecPooling(t *testing.T, m Model, f fact) {
	t.Helper()
	s := strings.ToLower(f.str())
	var want Pooling
	switch {
	case m.Kind == CrossEncoder:
		want = PoolNone
	case strings.HasPrefix(s, "none (per-token"):
		want = PoolTokens
	case strings.HasPrefix(s, "cls"):
		want = PoolCLS
	case strings.HasPrefix(s, "last token"):
		want = PoolLastToken
	case strings.Contains(s, "mean"):
		want = PoolMean
	}
	if m.Pooling != want {
		t.Errorf("pooling %q, spec %q", m.Pooling, s)
	}
}

func checkSpecScores(t *testing.T, m Model, raw json.RawMessage) {
	t.Helper()
	var scores map[string]fact
	json.Unmarshal(raw, &scores)
	want := Scores{}
	other := map[string]float64{}
	for k, f := range scores {
		if string(f.Value) == "null" {
			continue
		}
		var obj map[string]float64
		isObj := json.Unmarshal(f.Value, &obj) == nil
		switch {
		case k == "jqara" && isObj:
			want.JQaRANDCG10, want.JQaRAMRR10 = obj["ndcg@10"], obj["mrr@10"]
		case k == "jacwir" && isObj:
			want.JaCWIRMAP10, want.JaCWIRHit10 = obj["map@10"], obj["hit_rate@10"]
		case k == "jmteb_v1" && isObj:
			want.JMTEBAvg, want.JMTEBRetrieval, want.JMTEBReranking = obj["avg"], obj["retrieval"], obj["reranking"]
		case k == "jmteb_avg":
			v, err := strconv.ParseFloat(f.str(), 64)
			if err != nil {
				t.Errorf("jmteb_avg %q", f.str())
			}
			want.JMTEBAvg = v
		case isObj:
			for kk, v := range obj {
				other[k+"/"+kk] = v
			}
		default:
			v, ok := f.num()
			if !ok {
				t.Errorf("score %s = %s", k, f.Value)
			}
			other[k] = v
		}
	}
	got := m.Scores
	if len(other) == 0 {
		other = nil
	}
	if fmt.Sprint(got.Other) != fmt.Sprint(other) {
		t.Errorf("other scores %v, spec %v", got.Other, other)
	}
	got.Other, want.Other = nil, nil
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("scores %+v, spec %+v", got, want)
	}
}

// curatedKeys are the catalog's own unverified judgements (not in the spec).
var curatedKeys = []string{"onnx.conversion", "onnx.export", "tokenizer.family"}

func checkSpecStatus(t *testing.T, m Model, raw map[string]json.RawMessage) {
	t.Helper()
	var inferred, unknown []string
	var walk func(prefix string, r json.RawMessage)
	walk = func(prefix string, r json.RawMessage) {
		var obj map[string]json.RawMessage
		if json.Unmarshal(r, &obj) != nil {
			return
		}
		if st, ok := obj["status"]; ok {
			if _, ok := obj["value"]; ok {
				var s string
				json.Unmarshal(st, &s)
				switch s {
				case "inferred":
					inferred = append(inferred, prefix)
				case "unknown":
					unknown = append(unknown, prefix)
				case "confirmed":
				default:
					t.Errorf("%s: status %q", prefix, s)
				}
				return
			}
		}
		for k, v := range obj {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			walk(p, v)
		}
	}
	for k, v := range raw {
		switch k {
		case "id", "group", "family", "notes":
			continue
		}
		walk(k, v)
	}
	slices.Sort(inferred)
	slices.Sort(unknown)
	var gotInferred []string
	for _, p := range m.Inferred {
		if !slices.Contains(curatedKeys, p) {
			gotInferred = append(gotInferred, p)
		}
	}
	if !slices.Equal(gotInferred, inferred) {
		t.Errorf("inferred %q, spec %q", gotInferred, inferred)
	}
	if !slices.Equal(m.Unknown, unknown) {
		t.Errorf("unknown %q, spec %q", m.Unknown, unknown)
	}
}
