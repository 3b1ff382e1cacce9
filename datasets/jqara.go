package datasets

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// JQaRA on the Hugging Face Hub.
const (
	JQaRARepo = "hotchpotch/JQaRA"
)

// JQaRASplits are the splits of JQaRA: test (1,667 questions x 100
// candidates, the published benchmark), dev (1,737 x 50), unused (498 x 50).
var JQaRASplits = []string{"test", "dev", "unused"}

// JQaRAFile returns the path in the JQaRA repository of a split's parquet
// file, e.g. "data/test-00000-of-00001.parquet".
func JQaRAFile(split string) string {
	return "data/" + split + "-00000-of-00001.parquet"
}

// jqaraColumns are the columns the JQaRA evaluator reads. The "answers"
// column exists in the real files but is not needed for evaluation.
var jqaraColumns = []column{
	{name: "q_id", kind: kindID},
	{name: "question", kind: kindString},
	{name: "passage_row_id", kind: kindID},
	{name: "label", kind: kindInt},
	{name: "title", kind: kindString},
	{name: "text", kind: kindString},
}

// LoadJQaRA downloads (through f, which caches) and loads a JQaRA split.
// The dataset is named "jqara-<split>".
func LoadJQaRA(ctx context.Context, f Fetcher, split string) (*Dataset, error) {
	known := false
	for _, s := range JQaRASplits {
		known = known || s == split
	}
	if !known {
		return nil, fmt.Errorf("jqara: unknown split %q (want one of %s)", split, strings.Join(JQaRASplits, ", "))
	}
	path, err := f.Fetch(ctx, JQaRARepo, JQaRAFile(split))
	if err != nil {
		return nil, fmt.Errorf("jqara: %w", err)
	}
	d, err := OpenJQaRA(ctx, path)
	if err != nil {
		return nil, err
	}
	d.Name = "jqara-" + split
	return d, nil
}

// OpenJQaRA loads a local file in JQaRA's schema, parquet or JSON Lines
// (one object per row with the same fields): columns q_id, question,
// passage_row_id (string or integer), label (integer; > 0 is relevant, used
// as the relevance grade), title, text. It applies the JQaRA evaluator's
// protocol:
//
//   - one query per distinct q_id, in order of first appearance;
//   - its candidates are its rows, in file order, with doc ID
//     passage_row_id (integers in decimal) and text title + " " + text;
//   - qrels are the rows with label > 0 (JQaRA's labels are 0 or 1).
//
// The dataset is named after the file, without its extension.
func OpenJQaRA(ctx context.Context, path string) (*Dataset, error) {
	t, err := openTable(path, jqaraColumns)
	if err != nil {
		return nil, err
	}
	defer t.close()
	return readJQaRA(ctx, t, path, datasetName(path))
}

func readJQaRA(ctx context.Context, t table, file, name string) (*Dataset, error) {
	b := newBuilder(name)
	_, err := eachRow(ctx, t, file, len(jqaraColumns), func(r []cell) error {
		label := r[3].n
		if label < 0 {
			return fmt.Errorf("column \"label\": negative label %d", label)
		}
		if r[0].s == "" {
			return fmt.Errorf("column \"q_id\": empty id")
		}
		if r[2].s == "" {
			return fmt.Errorf("column \"passage_row_id\": empty id")
		}
		return b.add(Query{ID: r[0].s, Text: r[1].s}, Doc{ID: r[2].s, Text: r[4].s + " " + r[5].s}, int(label))
	})
	if err != nil {
		return nil, err
	}
	return b.dataset(), nil
}

// datasetName is the file name without directories and extension.
func datasetName(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}
