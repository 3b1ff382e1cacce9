package jmteb

import (
	"bytes"
	"errors"
	"fmt"
	"sort"

	"github.com/jretrieve/jretrieve/vecsim"
)

// Scores maps a metric name ("ndcg@10", "spearman", ...) to its value.
type Scores map[string]float64

// Result is one evaluator's outcome, as JMTEB's EvaluationResults: the main
// metric and its value on the test split, the candidate (distance function,
// classifier or clustering algorithm) chosen on the validation split, and
// the scores behind that choice.
type Result struct {
	Metric string  // main metric name, e.g. "ndcg@10"
	Value  float64 // main metric on the test split
	// OptimalKey is the name JMTEB gives the choice in its details
	// ("optimal_distance_metric", "optimal_classifier_name", ...);
	// Optimal is the chosen candidate.
	OptimalKey, Optimal string
	// Val holds every candidate's validation scores, in JMTEB's order
	// (Order); Test the chosen candidate's test scores.
	Val   map[string]Scores
	Order []string
	Test  map[string]Scores
	// MetricOrder is the order in which JMTEB records the metrics.
	MetricOrder []string
}

// MarshalJSON writes the result as JMTEB's scores_<task>.json
// (EvaluationResults.as_dict() through json.dump(indent=4)): metric_name,
// metric_value and details with the choice, val_scores and test_scores,
// keys in JMTEB's order.
func (r *Result) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	v, err := PyFloat(r.Value)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "{\n    \"metric_name\": %s,\n    \"metric_value\": %s,\n    \"details\": {\n        %s: %s,\n",
		pyString(r.Metric), v, pyString(r.OptimalKey), pyString(r.Optimal))
	scores := func(key string, order []string, m map[string]Scores, last bool) error {
		fmt.Fprintf(&b, "        %s: {", pyString(key))
		for i, name := range order {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "\n            %s: {", pyString(name))
			for j, metric := range r.metricNames(m[name]) {
				if j > 0 {
					b.WriteString(",")
				}
				f, err := PyFloat(m[name][metric])
				if err != nil {
					return fmt.Errorf("%s %s: %w", name, metric, err)
				}
				fmt.Fprintf(&b, "\n                %s: %s", pyString(metric), f)
			}
			b.WriteString("\n            }")
		}
		b.WriteString("\n        }")
		if !last {
			b.WriteString(",")
		}
		b.WriteString("\n")
		return nil
	}
	if err := scores("val_scores", r.Order, r.Val, false); err != nil {
		return nil, err
	}
	if err := scores("test_scores", []string{r.Optimal}, r.Test, true); err != nil {
		return nil, err
	}
	b.WriteString("    }\n}")
	return b.Bytes(), nil
}

// metricNames lists the metrics of s in MetricOrder, then any others
// sorted.
func (r *Result) metricNames(s Scores) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range r.MetricOrder {
		if _, ok := s[m]; ok {
			out = append(out, m)
			seen[m] = true
		}
	}
	var rest []string
	for m := range s {
		if !seen[m] {
			rest = append(rest, m)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// best returns the first candidate (in order) with the highest value of
// metric: Python's sorted(..., reverse=True) is stable, so JMTEB keeps the
// earliest of tied candidates.
func best(order []string, val map[string]Scores, metric string) string {
	name := order[0]
	for _, n := range order[1:] {
		if val[n][metric] > val[name][metric] {
			name = n
		}
	}
	return name
}

// ErrShape is returned (wrapped) for embeddings and labels whose sizes do
// not agree.
var ErrShape = errors.New("jmteb: shape mismatch")

func checkMatrix(name string, m vecsim.Matrix, rows int) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrShape, name, err)
	}
	if rows >= 0 && m.Rows != rows {
		return fmt.Errorf("%w: %s has %d rows, want %d", ErrShape, name, m.Rows, rows)
	}
	return nil
}

func checkSameDim(ms ...vecsim.Matrix) error {
	for _, m := range ms[1:] {
		if m.Dim != ms[0].Dim {
			return fmt.Errorf("%w: embeddings of dimension %d and %d", ErrShape, ms[0].Dim, m.Dim)
		}
	}
	return nil
}
