package datasets

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
)

// Query is one evaluation question.
type Query struct {
	ID   string
	Text string
}

// Doc is one document (passage). Text is the text a model sees, already
// assembled by the dataset's protocol (for JQaRA and JaCWIR:
// title + " " + text/description).
type Doc struct {
	ID   string
	Text string
}

// Dataset is a rerank-style evaluation set: each query comes with an ordered
// list of candidate documents to score, and relevance judgments.
//
// Candidate passages that repeat across queries (same ID and same text) are
// stored once in Docs, so an embedder can embed each distinct passage once;
// Candidates refers to them by index.
type Dataset struct {
	// Name identifies the dataset in reports, e.g. "jqara-test".
	Name string
	// Queries in the order of the source file (first appearance).
	Queries []Query
	// Docs holds the distinct candidate passages, in order of first
	// appearance. Two entries may share an ID only if their texts differ.
	Docs []Doc
	// Candidates[i] lists, in the source order, the indexes into Docs of
	// the candidates of Queries[i]. Within one query doc IDs are unique.
	Candidates [][]int32
	// Qrels holds the judgments with relevance > 0.
	Qrels Qrels
}

// CandidateDocs returns the candidate documents of query i, in order.
func (d *Dataset) CandidateDocs(i int) []Doc {
	out := make([]Doc, len(d.Candidates[i]))
	for j, k := range d.Candidates[i] {
		out[j] = d.Docs[k]
	}
	return out
}

// NumPairs returns the total number of (query, candidate) pairs.
func (d *Dataset) NumPairs() int {
	n := 0
	for _, c := range d.Candidates {
		n += len(c)
	}
	return n
}

// Limit returns the dataset restricted to the first n query IDs in sorted
// (byte) order, like the JQaRA evaluator's debug mode. The queries of the
// result are in that sorted order. n <= 0 or n >= len(Queries) returns d
// itself.
func (d *Dataset) Limit(n int) *Dataset {
	if n <= 0 || n >= len(d.Queries) {
		return d
	}
	idx := make([]int, len(d.Queries))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(d.Queries[a].ID, d.Queries[b].ID) })
	idx = idx[:n]
	b := newBuilder(d.Name)
	for _, qi := range idx {
		q := d.Queries[qi]
		b.queries = append(b.queries, q)
		b.qindex[q.ID] = len(b.queries) - 1
		b.cands = append(b.cands, nil)
		for _, k := range d.Candidates[qi] {
			b.cands[len(b.cands)-1] = append(b.cands[len(b.cands)-1], b.doc(d.Docs[k]))
		}
	}
	keep := make(map[string]bool, n)
	for _, qi := range idx {
		keep[d.Queries[qi].ID] = true
	}
	out := b.dataset()
	for _, j := range d.Qrels {
		if keep[j.QueryID] {
			out.Qrels = append(out.Qrels, j)
		}
	}
	return out
}

// Retrieval returns the dataset as a retrieval task over its distinct
// passages (the union of all candidates). Where two passages share an ID,
// the first one is kept.
func (d *Dataset) Retrieval() *Retrieval {
	seen := make(map[string]bool, len(d.Docs))
	docs := make([]Doc, 0, len(d.Docs))
	for _, doc := range d.Docs {
		if !seen[doc.ID] {
			seen[doc.ID] = true
			docs = append(docs, doc)
		}
	}
	return &Retrieval{
		Name:    d.Name,
		Queries: d.Queries,
		Qrels:   d.Qrels,
		NumDocs: int64(len(docs)),
		walk: func(ctx context.Context, fn func(Doc) error) error {
			for i, doc := range docs {
				if i%1024 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				if err := fn(doc); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// Retrieval is a full-collection retrieval task: queries, a corpus read as
// a stream (it may not fit in memory comfortably), and judgments.
type Retrieval struct {
	Name    string
	Queries []Query
	Qrels   Qrels
	// NumDocs is the number of documents the corpus yields, or -1 when it
	// is not known before reading.
	NumDocs int64

	walk func(ctx context.Context, fn func(Doc) error) error
}

var errStop = errors.New("datasets: iteration stopped")

// Docs streams the corpus. Each call reads it again from the start. The
// sequence stops at the first error, which it yields with a zero Doc.
func (r *Retrieval) Docs(ctx context.Context) iter.Seq2[Doc, error] {
	return func(yield func(Doc, error) bool) {
		err := r.walk(ctx, func(d Doc) error {
			if !yield(d, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			yield(Doc{}, err)
		}
	}
}

// Limit returns the task restricted to the first n query IDs in sorted order
// (the corpus is unchanged). n <= 0 or n >= len(Queries) returns r.
func (r *Retrieval) Limit(n int) *Retrieval {
	if n <= 0 || n >= len(r.Queries) {
		return r
	}
	qs := slices.Clone(r.Queries)
	slices.SortStableFunc(qs, func(a, b Query) int { return strings.Compare(a.ID, b.ID) })
	qs = qs[:n]
	keep := make(map[string]bool, n)
	for _, q := range qs {
		keep[q.ID] = true
	}
	out := *r
	out.Queries = qs
	out.Qrels = nil
	for _, j := range r.Qrels {
		if keep[j.QueryID] {
			out.Qrels = append(out.Qrels, j)
		}
	}
	return &out
}

// builder assembles a Dataset from (query, candidate, label) rows.
type builder struct {
	name    string
	queries []Query
	qindex  map[string]int
	docs    []Doc
	dindex  map[Doc]int32
	cands   [][]int32
	inQuery []map[string]int32 // per query: doc ID -> doc index
	qrels   Qrels
}

func newBuilder(name string) *builder {
	return &builder{name: name, qindex: map[string]int{}, dindex: map[Doc]int32{}}
}

func (b *builder) doc(d Doc) int32 {
	k, ok := b.dindex[d]
	if !ok {
		k = int32(len(b.docs))
		b.docs = append(b.docs, d)
		b.dindex[d] = k
	}
	return k
}

// add records one candidate of query q. rel > 0 adds a judgment. A repeated
// (query, doc ID) pair with the same text is ignored (its judgment must
// agree); with a different text it is an error.
func (b *builder) add(q Query, d Doc, rel int) error {
	qi, ok := b.qindex[q.ID]
	if !ok {
		qi = len(b.queries)
		b.qindex[q.ID] = qi
		b.queries = append(b.queries, q)
		b.cands = append(b.cands, nil)
		b.inQuery = append(b.inQuery, map[string]int32{})
	} else if b.queries[qi].Text != q.Text {
		return fmt.Errorf("query %q has two different texts: %q and %q", q.ID, b.queries[qi].Text, q.Text)
	}
	if k, dup := b.inQuery[qi][d.ID]; dup {
		if b.docs[k].Text != d.Text {
			return fmt.Errorf("query %q: candidate %q appears twice with different texts", q.ID, d.ID)
		}
		if (rel > 0) != b.qrels.has(q.ID, d.ID) {
			return fmt.Errorf("query %q: candidate %q appears twice with different labels", q.ID, d.ID)
		}
		return nil
	}
	k := b.doc(d)
	b.inQuery[qi][d.ID] = k
	b.cands[qi] = append(b.cands[qi], k)
	if rel > 0 {
		b.qrels = append(b.qrels, Judgment{QueryID: q.ID, DocID: d.ID, Rel: rel})
	}
	return nil
}

func (b *builder) dataset() *Dataset {
	return &Dataset{Name: b.name, Queries: b.queries, Docs: b.docs, Candidates: b.cands, Qrels: b.qrels}
}
