package datasets

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
)

//go:embed sampledata/sample.jsonl
var sampleJSONL []byte

// SampleJSONL returns the embedded sample in JQaRA's schema as JSON Lines
// (one row per question-candidate pair: q_id, question, passage_row_id,
// label, title, text, answers).
func SampleJSONL() []byte { return bytes.Clone(sampleJSONL) }

// Sample returns the embedded sample dataset, named "sample": 50 Japanese
// questions about Japanese geography, history, science and culture, each
// with 20 candidate passages (139 distinct passages shared across
// questions), 1 or 2 relevant per question. The questions and passages
// were written for this project (see sampledata/source.txt); the
// distractors include passages on the same topic that share words with the
// question, so lexical matching alone is not perfect. It is loaded with the
// same code and protocol as JQaRA (OpenJQaRA), so it runs offline through
// the same pipeline.
func Sample() *Dataset {
	t := newJSONLTable("sample.jsonl", bytes.NewReader(sampleJSONL), nil, jqaraColumns)
	d, err := readJQaRA(context.Background(), t, "sample.jsonl", "sample")
	if err != nil {
		// The embedded file is checked by the package tests.
		panic(fmt.Sprintf("datasets: embedded sample is corrupt: %v", err))
	}
	return d
}
