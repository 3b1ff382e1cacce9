package datasets

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// JaCWIR on the Hugging Face Hub: two configs, "eval" (5,000 queries, each
// with one positive and 99 hard negatives) and "collection" (about 500,000
// web pages).
const (
	JaCWIRRepo           = "hotchpotch/JaCWIR"
	JaCWIREvalFile       = "eval/eval-00000-of-00001.parquet"
	JaCWIRCollectionFile = "collection/collection-00000-of-00001.parquet"
)

// JaCWIRQueryID returns the query ID the JaCWIR evaluator gives the query
// whose positive document is positive: "q_id##" + positive.
func JaCWIRQueryID(positive string) string { return "q_id##" + positive }

var jacwirEvalColumns = []column{
	{name: "query", kind: kindString},
	{name: "positive", kind: kindID},
	{name: "negatives", kind: kindStringList},
}

var jacwirCollectionColumns = []column{
	{name: "doc_id", kind: kindID},
	{name: "title", kind: kindString},
	{name: "description", kind: kindString},
}

type jacwirQuery struct {
	q         Query
	positive  string
	negatives []string
}

// LoadJaCWIR downloads (through f) and loads JaCWIR as a rerank task; see
// OpenJaCWIR.
func LoadJaCWIR(ctx context.Context, f Fetcher) (*Dataset, error) {
	ev, col, err := fetchJaCWIR(ctx, f)
	if err != nil {
		return nil, err
	}
	d, err := OpenJaCWIR(ctx, ev, col)
	if err != nil {
		return nil, err
	}
	d.Name = "jacwir"
	return d, nil
}

// LoadJaCWIRRetrieval downloads (through f) and loads JaCWIR as a
// full-collection retrieval task; see OpenJaCWIRRetrieval.
func LoadJaCWIRRetrieval(ctx context.Context, f Fetcher) (*Retrieval, error) {
	ev, col, err := fetchJaCWIR(ctx, f)
	if err != nil {
		return nil, err
	}
	r, err := OpenJaCWIRRetrieval(ctx, ev, col)
	if err != nil {
		return nil, err
	}
	r.Name = "jacwir-retrieval"
	return r, nil
}

func fetchJaCWIR(ctx context.Context, f Fetcher) (evalPath, collectionPath string, err error) {
	evalPath, err = f.Fetch(ctx, JaCWIRRepo, JaCWIREvalFile)
	if err != nil {
		return "", "", fmt.Errorf("jacwir: %w", err)
	}
	collectionPath, err = f.Fetch(ctx, JaCWIRRepo, JaCWIRCollectionFile)
	if err != nil {
		return "", "", fmt.Errorf("jacwir: %w", err)
	}
	return evalPath, collectionPath, nil
}

// readJaCWIREval reads the eval file: query, positive, negatives.
func readJaCWIREval(ctx context.Context, path string) ([]jacwirQuery, error) {
	t, err := openTable(path, jacwirEvalColumns)
	if err != nil {
		return nil, err
	}
	defer t.close()
	var qs []jacwirQuery
	seen := map[string]bool{}
	_, err = eachRow(ctx, t, path, len(jacwirEvalColumns), func(r []cell) error {
		if r[1].s == "" {
			return fmt.Errorf("column \"positive\": empty id")
		}
		id := JaCWIRQueryID(r[1].s)
		if seen[id] {
			return fmt.Errorf("column \"positive\": %q is the positive of two queries, so their query IDs %q collide", r[1].s, id)
		}
		seen[id] = true
		qs = append(qs, jacwirQuery{q: Query{ID: id, Text: r[0].s}, positive: r[1].s, negatives: r[2].list})
		return nil
	})
	return qs, err
}

// OpenJaCWIR loads JaCWIR's eval and collection files (parquet or JSON
// Lines) as a rerank task, the protocol of the JaCWIR evaluator:
//
//   - one query per eval row, in file order, ID "q_id##" + positive;
//   - candidates: the positive, then the negatives in order (repeats and a
//     negative equal to the positive are dropped);
//   - doc text title + " " + description, looked up by doc_id in the
//     collection, which is streamed and only the needed texts are kept;
//   - qrels: (query, positive, 1).
func OpenJaCWIR(ctx context.Context, evalPath, collectionPath string) (*Dataset, error) {
	qs, err := readJaCWIREval(ctx, evalPath)
	if err != nil {
		return nil, err
	}
	need := map[string]string{}
	for _, q := range qs {
		need[q.positive] = ""
		for _, n := range q.negatives {
			need[n] = ""
		}
	}
	found := 0
	err = walkCollection(ctx, collectionPath, func(d Doc) error {
		if old, ok := need[d.ID]; ok {
			if old == "" {
				found++
			}
			need[d.ID] = d.Text
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found < len(need) {
		var missing []string
		for id, text := range need {
			if text == "" {
				missing = append(missing, id)
			}
		}
		sort.Strings(missing)
		more := ""
		if len(missing) > 3 {
			more = fmt.Sprintf(" and %d more", len(missing)-3)
			missing = missing[:3]
		}
		return nil, fmt.Errorf("%s: %d candidate documents of %s are not in the collection: %s%s",
			collectionPath, len(need)-found, evalPath, strings.Join(missing, ", "), more)
	}
	b := newBuilder(datasetName(evalPath))
	for _, q := range qs {
		if err := b.add(q.q, Doc{ID: q.positive, Text: need[q.positive]}, 1); err != nil {
			return nil, fmt.Errorf("%s: %w", evalPath, err)
		}
		for _, n := range q.negatives {
			if n == q.positive || b.hasCandidate(n) {
				continue
			}
			if err := b.add(q.q, Doc{ID: n, Text: need[n]}, 0); err != nil {
				return nil, fmt.Errorf("%s: %w", evalPath, err)
			}
		}
	}
	return b.dataset(), nil
}

// hasCandidate reports whether the last query already lists doc ID id.
func (b *builder) hasCandidate(id string) bool {
	_, ok := b.inQuery[len(b.queries)-1][id]
	return ok
}

// OpenJaCWIRRetrieval loads JaCWIR as a retrieval task over the whole
// collection: the queries and qrels of OpenJaCWIR, and a corpus that
// streams every collection row as Doc{doc_id, title + " " + description}.
func OpenJaCWIRRetrieval(ctx context.Context, evalPath, collectionPath string) (*Retrieval, error) {
	qs, err := readJaCWIREval(ctx, evalPath)
	if err != nil {
		return nil, err
	}
	t, err := openTable(collectionPath, jacwirCollectionColumns)
	if err != nil {
		return nil, err
	}
	n := t.numRows()
	t.close()
	r := &Retrieval{Name: datasetName(evalPath), NumDocs: n}
	for _, q := range qs {
		r.Queries = append(r.Queries, q.q)
		r.Qrels = append(r.Qrels, Judgment{QueryID: q.q.ID, DocID: q.positive, Rel: 1})
	}
	r.walk = func(ctx context.Context, fn func(Doc) error) error {
		return walkCollection(ctx, collectionPath, fn)
	}
	return r, nil
}

// walkCollection streams a JaCWIR collection file.
func walkCollection(ctx context.Context, path string, fn func(Doc) error) error {
	t, err := openTable(path, jacwirCollectionColumns)
	if err != nil {
		return err
	}
	defer t.close()
	_, err = eachRow(ctx, t, path, len(jacwirCollectionColumns), func(r []cell) error {
		if r[0].s == "" {
			return fmt.Errorf("column \"doc_id\": empty id")
		}
		return fn(Doc{ID: r[0].s, Text: r[1].s + " " + r[2].s})
	})
	return err
}
