package datasets

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/jretrieve/jretrieve/eval"
	"github.com/jretrieve/jretrieve/internal/utf8check"
)

// Judgment says that document DocID has relevance Rel for query QueryID.
type Judgment struct {
	QueryID string
	DocID   string
	Rel     int
}

// Qrels is a list of judgments, in the order the loader produced them
// (per query, the order of the candidates in the source file).
type Qrels []Judgment

func (q Qrels) has(qid, did string) bool {
	for _, j := range q {
		if j.QueryID == qid && j.DocID == did {
			return true
		}
	}
	return false
}

// NumQueries returns the number of distinct query IDs.
func (q Qrels) NumQueries() int {
	seen := map[string]bool{}
	for _, j := range q {
		seen[j.QueryID] = true
	}
	return len(seen)
}

// Map returns the judgments as query ID -> doc ID -> relevance, the shape
// of a ranx Qrels dictionary.
func (q Qrels) Map() map[string]map[string]int {
	m := map[string]map[string]int{}
	for _, j := range q {
		d := m[j.QueryID]
		if d == nil {
			d = map[string]int{}
			m[j.QueryID] = d
		}
		d[j.DocID] = j.Rel
	}
	return m
}

// Sorted returns a copy ordered by query ID (byte order, as Python sorts
// str); the judgments of one query keep their relative order.
func (q Qrels) Sorted() Qrels {
	s := slices.Clone(q)
	slices.SortStableFunc(s, func(a, b Judgment) int { return strings.Compare(a.QueryID, b.QueryID) })
	return s
}

// WriteTREC writes the judgments in TREC qrels format, "qid 0 docid rel"
// per line, queries in sorted order, exactly as ranx's Qrels.save writes a
// .trec file: lines separated by "\n" with no newline after the last one.
// This is the format of the published JQaRA and JaCWIR qrels.
func (q Qrels) WriteTREC(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for i, j := range q.Sorted() {
		if i > 0 {
			bw.WriteByte('\n')
		}
		bw.WriteString(j.QueryID)
		bw.WriteString(" 0 ")
		bw.WriteString(j.DocID)
		bw.WriteByte(' ')
		bw.WriteString(strconv.Itoa(j.Rel))
	}
	return bw.Flush()
}

// ReadTREC parses TREC qrels ("qid iter docid rel", whitespace separated;
// blank lines ignored). name is used in error messages.
func ReadTREC(r io.Reader, name string) (Qrels, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var q Qrels
	line := 0
	for sc.Scan() {
		line++
		if err := utf8check.Line(sc.Bytes(), name, line); err != nil {
			return nil, err
		}
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 4 {
			return nil, fmt.Errorf("%s:%d: want 4 fields \"qid iter docid rel\", got %d", name, line, len(f))
		}
		rel, err := strconv.Atoi(f[3])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: relevance %q is not an integer", name, line, f[3])
		}
		q = append(q, Judgment{QueryID: f[0], DocID: f[2], Rel: rel})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return q, nil
}

// Eval converts the judgments to the eval package's Qrels.
func (q Qrels) Eval() *eval.Qrels {
	e := eval.NewQrels()
	for _, j := range q {
		e.Add(j.QueryID, j.DocID, j.Rel)
	}
	return e
}
