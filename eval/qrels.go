package eval

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Qrels holds relevance judgments: query -> document -> graded relevance.
// Documents keep their insertion order per query (used when writing).
// The zero value is not usable; call NewQrels.
type Qrels struct {
	m     map[string]map[string]int
	order map[string][]string
}

// NewQrels returns an empty Qrels.
func NewQrels() *Qrels {
	return &Qrels{m: map[string]map[string]int{}, order: map[string][]string{}}
}

// Add sets the relevance of doc for query. A repeated (query, doc) pair keeps
// the last value, as ranx does.
func (q *Qrels) Add(query, doc string, rel int) {
	docs, ok := q.m[query]
	if !ok {
		docs = map[string]int{}
		q.m[query] = docs
	}
	if _, seen := docs[doc]; !seen {
		q.order[query] = append(q.order[query], doc)
	}
	docs[doc] = rel
}

// Queries returns the judged query ids in code point order.
func (q *Qrels) Queries() []string {
	out := make([]string, 0, len(q.m))
	for id := range q.m {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Len returns the number of judged queries.
func (q *Qrels) Len() int { return len(q.m) }

// Judgments returns the judged documents of query with their relevance, in
// insertion order.
func (q *Qrels) Judgments(query string) (docs []string, rels []int) {
	docs = slices.Clone(q.order[query])
	rels = make([]int, len(docs))
	for i, d := range docs {
		rels[i] = q.m[query][d]
	}
	return docs, rels
}

// Rel returns the relevance of doc for query and whether it is judged.
func (q *Qrels) Rel(query, doc string) (int, bool) {
	r, ok := q.m[query][doc]
	return r, ok
}

// ReadTRECQrels reads TREC qrels ("query iter doc rel" per line). name is
// used in error messages (usually the file name). Blank lines are skipped.
// Wrong column counts, non-integer relevance, duplicate (query, doc) pairs and
// empty input are errors naming name and the line.
func ReadTRECQrels(r io.Reader, name string) (*Qrels, error) {
	q := NewQrels()
	first := map[[2]string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	var f [][]byte
	for sc.Scan() {
		line++
		f = fields(sc.Bytes(), f[:0])
		if len(f) == 0 {
			continue
		}
		if len(f) != 4 {
			return nil, fmt.Errorf("%s:%d: want 4 columns (query iter doc rel), got %d", name, line, len(f))
		}
		if !utf8.Valid(f[0]) || !utf8.Valid(f[2]) {
			return nil, fmt.Errorf("%s:%d: query or doc id is not valid UTF-8", name, line)
		}
		rel, err := strconv.Atoi(string(f[3]))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: relevance %q is not an integer", name, line, f[3])
		}
		qid, doc := string(f[0]), string(f[2])
		key := [2]string{qid, doc}
		if prev, dup := first[key]; dup {
			return nil, fmt.Errorf("%s:%d: duplicate judgment for query %q doc %q (first at line %d)", name, line, qid, doc, prev)
		}
		first[key] = line
		q.Add(qid, doc, rel)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if q.Len() == 0 {
		return nil, fmt.Errorf("%s: no judgments", name)
	}
	return q, nil
}

// ReadTRECQrelsFile reads TREC qrels from path.
func ReadTRECQrelsFile(path string) (*Qrels, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadTRECQrels(bufio.NewReaderSize(f, 1<<16), path)
}

// WriteTRECQrels writes q as TREC qrels: queries in code point order, documents
// in insertion order, iteration column 0.
func WriteTRECQrels(w io.Writer, q *Qrels) error {
	bw := bufio.NewWriter(w)
	for _, qid := range q.Queries() {
		for _, d := range q.order[qid] {
			if !trecField(qid) || !trecField(d) {
				return fmt.Errorf("query %q doc %q cannot be written as TREC columns", qid, d)
			}
			bw.WriteString(qid)
			bw.WriteString(" 0 ")
			bw.WriteString(d)
			bw.WriteByte(' ')
			bw.WriteString(strconv.Itoa(q.m[qid][d]))
			bw.WriteByte('\n')
		}
	}
	return bw.Flush()
}

// fields splits b on ASCII white space, appending to dst.
func fields(b []byte, dst [][]byte) [][]byte {
	i := 0
	for i < len(b) {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			break
		}
		j := i
		for j < len(b) && !isSpace(b[j]) {
			j++
		}
		dst = append(dst, b[i:j])
		i = j
	}
	return dst
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }
