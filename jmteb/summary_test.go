package jmteb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sharedJMTEB = "../../shared/reference/jmteb"

func sharedOrSkip(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(sharedJMTEB); err != nil {
		t.Skipf("JMTEB reference data not present (%s): %v", sharedJMTEB, err)
	}
	return sharedJMTEB
}

// TestSummaryBytes: every published summary.json (29 models under v1, one
// under v2) re-serialises byte for byte.
func TestSummaryBytes(t *testing.T) {
	dir := sharedOrSkip(t)
	files, _ := filepath.Glob(filepath.Join(dir, "results*", "*", "*", "summary.json"))
	if len(files) < 30 {
		t.Fatalf("found %d published summaries, want 30", len(files))
	}
	for _, f := range files {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ReadSummary(bytes.NewReader(want))
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		// JMTEB's json.dump writes no final newline; four of the published
		// files gained one in the repository.
		if !bytes.Equal(got, bytes.TrimSuffix(want, []byte("\n"))) {
			t.Errorf("%s: re-serialised summary differs:\n%s", f, got)
		}
	}
}

func TestPyFloat(t *testing.T) {
	for f, want := range map[float64]string{
		1: "1.0", 0: "0.0", 0.5: "0.5", 1e-05: "1e-05", 0.0001: "0.0001", 1.5e16: "1.5e+16",
		123456789012345.0: "123456789012345.0", 0.736494039429321: "0.736494039429321", -2.5e-07: "-2.5e-07",
	} {
		if got, _ := PyFloat(f); got != want {
			t.Errorf("PyFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

// TestLeaderboardAverages: the averages computed from the published
// per-task scores are the ones JMTEB's leaderboard.md shows.
func TestLeaderboardAverages(t *testing.T) {
	dir := sharedOrSkip(t)
	f, err := os.Open(filepath.Join(dir, "leaderboard.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	inSummary, rows := false, 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			inSummary = line == "## Summary"
			continue
		}
		if !inSummary || !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Model") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "*")
		}
		model := cells[0]
		s, err := ReadSummaryFile(filepath.Join(dir, "results", model, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		a := s.Averages()
		got := []string{fmt.Sprintf("%.2f", a.Overall*100)}
		for _, c := range LeaderboardCategories {
			got = append(got, fmt.Sprintf("%.2f", a.Category[c]*100))
		}
		if strings.Join(got, " ") != strings.Join(cells[1:], " ") {
			t.Errorf("%s: averages %v, leaderboard %v", model, got, cells[1:])
		}
		rows++
	}
	if rows != 29 {
		t.Errorf("checked %d leaderboard rows, want 29", rows)
	}
}

// TestResultJSON: scores_<task>.json has JMTEB's as_dict() layout and key
// order (metric_name, metric_value, details{choice, val_scores,
// test_scores}), candidates and metrics in the order JMTEB records them.
func TestResultJSON(t *testing.T) {
	ref := loadReference(t)
	s := ref.STS
	r, err := STS(PairSet{mat(s.Val.A), mat(s.Val.B)}, s.Val.Gold, PairSet{mat(s.Test.A), mat(s.Test.B)}, s.Test.Gold)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		MetricName  string  `json:"metric_name"`
		MetricValue float64 `json:"metric_value"`
		Details     struct {
			Optimal string                        `json:"optimal_similarity_metric"`
			Val     map[string]map[string]float64 `json:"val_scores"`
			Test    map[string]map[string]float64 `json:"test_scores"`
		} `json:"details"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if got.MetricName != "spearman" || got.MetricValue != r.Value || got.Details.Optimal != r.Optimal ||
		len(got.Details.Val) != 4 || got.Details.Test[r.Optimal]["pearson"] != r.Test[r.Optimal]["pearson"] {
		t.Errorf("scores file:\n%s", b)
	}
	order := []string{`"metric_name"`, `"metric_value"`, `"details"`, `"optimal_similarity_metric"`, `"val_scores"`,
		`"cosine_similarity"`, `"pearson"`, `"spearman"`, `"manhatten_distance"`, `"euclidean_distance"`, `"dot_score"`, `"test_scores"`}
	pos := -1
	for _, k := range order {
		i := strings.Index(string(b[pos+1:]), k)
		if i < 0 {
			t.Fatalf("%s missing or out of order in\n%s", k, b)
		}
		pos += 1 + i
	}
	if !strings.HasPrefix(string(b), "{\n    \"metric_name\": \"spearman\",\n    \"metric_value\": 0.") {
		t.Errorf("layout:\n%s", b)
	}
}
