package jmteb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/jretrieve/jretrieve/internal/atomicfile"
)

// Entry is one task's main score in a summary.
type Entry struct {
	Category, Task, Metric string
	Value                  float64
}

// Summary is the content of JMTEB's summary.json: per category, per task,
// the main metric and its value.
type Summary struct {
	Entries []Entry
}

// Add records a task's result.
func (s *Summary) Add(category, task string, r *Result) {
	s.Entries = append(s.Entries, Entry{category, task, r.Metric, r.Value})
}

// ordered returns the entries in JMTEB's order: JMTEB evaluates the tasks
// in name order (jsonnet sorts object fields) and its recorder keeps
// insertion order, so categories appear in the order of their first task
// and tasks are sorted by name within each category.
func (s *Summary) ordered() (cats []string, by map[string][]Entry) {
	es := append([]Entry(nil), s.Entries...)
	sort.SliceStable(es, func(a, b int) bool { return es[a].Task < es[b].Task })
	by = map[string][]Entry{}
	for _, e := range es {
		if _, ok := by[e.Category]; !ok {
			cats = append(cats, e.Category)
		}
		by[e.Category] = append(by[e.Category], e)
	}
	return cats, by
}

// MarshalJSON writes the summary as Python's json.dump(summary, indent=4)
// does (no final newline, floats in Python's repr).
func (s *Summary) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	cats, by := s.ordered()
	b.WriteString("{")
	for i, c := range cats {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n    %s: {", pyString(c))
		for j, e := range by[c] {
			if j > 0 {
				b.WriteString(",")
			}
			v, err := PyFloat(e.Value)
			if err != nil {
				return nil, fmt.Errorf("task %s: %w", e.Task, err)
			}
			fmt.Fprintf(&b, "\n        %s: {\n            %s: %s\n        }", pyString(e.Task), pyString(e.Metric), v)
		}
		b.WriteString("\n    }")
	}
	if len(cats) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

// WriteFile writes summary.json atomically.
func (s *Summary) WriteFile(path string) error {
	b, err := s.MarshalJSON()
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b)
}

func pyString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// PyFloat formats f as Python's repr (and json.dumps) does: the shortest
// round-trip digits, positional for exponents in [-4, 16), else
// "1e-05"-style. NaN and infinities are refused (JMTEB would write
// non-standard JSON).
func PyFloat(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("score %v is not a finite number", f)
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0", nil
		}
		return "0.0", nil
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	if exp >= -4 && exp < 16 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s, nil
	}
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	return fmt.Sprintf("%se%s%02d", mant, sign, exp), nil
}

// ReadSummary parses a summary.json (JMTEB's or ours).
func ReadSummary(r io.Reader) (*Summary, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var raw map[string]map[string]map[string]json.Number
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("summary.json: %w", err)
	}
	s := &Summary{}
	for c, tasks := range raw {
		for t, m := range tasks {
			if len(m) != 1 {
				return nil, fmt.Errorf("summary.json: %s/%s: %d metrics, want 1", c, t, len(m))
			}
			for name, v := range m {
				f, err := v.Float64()
				if err != nil {
					return nil, fmt.Errorf("summary.json: %s/%s: %w", c, t, err)
				}
				s.Entries = append(s.Entries, Entry{c, t, name, f})
			}
		}
	}
	return s, nil
}

// ReadSummaryFile reads a summary.json file.
func ReadSummaryFile(path string) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := ReadSummary(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Get returns a task's entry.
func (s *Summary) Get(task string) (Entry, bool) {
	for _, e := range s.Entries {
		if e.Task == task {
			return e, true
		}
	}
	return Entry{}, false
}

// LeaderboardCategories is the column order of JMTEB's leaderboard.
var LeaderboardCategories = []string{"Retrieval", "STS", "Classification", "Reranking", "Clustering", "PairClassification"}

// Averages are the leaderboard's summary row of one model, as JMTEB's
// make_leaderboard.py computes it: each category's mean over its tasks,
// and the overall mean over all tasks (not over categories).
type Averages struct {
	Overall  float64
	Category map[string]float64
	Tasks    int
}

// Averages computes the leaderboard averages of the summary.
func (s *Summary) Averages() Averages {
	a := Averages{Category: map[string]float64{}}
	sum, n := map[string]float64{}, map[string]int{}
	var total float64
	cats, by := s.ordered()
	for _, c := range cats {
		for _, e := range by[c] {
			sum[c] += e.Value
			n[c]++
			total += e.Value
			a.Tasks++
		}
	}
	for c := range sum {
		a.Category[c] = sum[c] / float64(n[c])
	}
	if a.Tasks > 0 {
		a.Overall = total / float64(a.Tasks)
	}
	return a
}
