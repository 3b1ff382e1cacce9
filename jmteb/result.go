package jmteb

import (
	"errors"
	"fmt"

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
}

// Details returns the result in the layout of JMTEB's scores_<task>.json
// ("metric_name", "metric_value", "details").
func (r *Result) Details() map[string]any {
	return map[string]any{
		"metric_name":  r.Metric,
		"metric_value": r.Value,
		"details": map[string]any{
			r.OptimalKey:  r.Optimal,
			"val_scores":  r.Val,
			"test_scores": r.Test,
		},
	}
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
