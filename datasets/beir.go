package datasets

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jretrieve/jretrieve/internal/utf8check"
)

var (
	beirCorpusColumns = []column{{"_id", kindID, false}, {"title", kindString, true}, {"text", kindString, false}}
	beirQueryColumns  = []column{{"_id", kindID, false}, {"text", kindString, false}}
)

// OpenBEIR loads a dataset in the BEIR layout, so users can evaluate their
// own data:
//
//	dir/corpus.jsonl      {"_id": "d1", "title": "...", "text": "..."}   (title optional)
//	dir/queries.jsonl     {"_id": "q1", "text": "..."}
//	dir/qrels/<split>.tsv query-id<TAB>corpus-id<TAB>score, with a header line
//
// IDs may be JSON strings or integers. The queries are those of
// queries.jsonl that have at least one judgment with score > 0 in the split, in file order;
// judgments with score <= 0 are dropped. A document's text is
// title + " " + text, or text alone when the title is empty. The corpus is
// streamed from corpus.jsonl each time it is read.
func OpenBEIR(ctx context.Context, dir, split string) (*Retrieval, error) {
	qrelsPath := filepath.Join(dir, "qrels", split+".tsv")
	qrels, err := readBEIRQrels(qrelsPath)
	if err != nil {
		return nil, err
	}
	judged := map[string]bool{}
	for _, j := range qrels {
		if j.Rel > 0 {
			judged[j.QueryID] = true
		}
	}
	qpath := filepath.Join(dir, "queries.jsonl")
	t, err := openJSONL(qpath, beirQueryColumns)
	if err != nil {
		return nil, err
	}
	defer t.close()
	r := &Retrieval{Name: filepath.Base(filepath.Clean(dir)), NumDocs: -1}
	seen := map[string]bool{}
	_, err = eachRow(ctx, t, qpath, len(beirQueryColumns), func(c []cell) error {
		if seen[c[0].s] {
			return fmt.Errorf("column \"_id\": duplicate query id %q", c[0].s)
		}
		seen[c[0].s] = true
		if judged[c[0].s] {
			r.Queries = append(r.Queries, Query{ID: c[0].s, Text: c[1].s})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, j := range qrels {
		if !seen[j.QueryID] {
			return nil, fmt.Errorf("%s: query %q is judged but not in %s", qrelsPath, j.QueryID, qpath)
		}
	}
	for _, j := range qrels {
		if j.Rel > 0 {
			r.Qrels = append(r.Qrels, j)
		}
	}
	cpath := filepath.Join(dir, "corpus.jsonl")
	if _, err := os.Stat(cpath); err != nil {
		return nil, err
	}
	r.walk = func(ctx context.Context, fn func(Doc) error) error {
		t, err := openJSONL(cpath, beirCorpusColumns)
		if err != nil {
			return err
		}
		defer t.close()
		_, err = eachRow(ctx, t, cpath, len(beirCorpusColumns), func(c []cell) error {
			text := c[2].s
			if c[1].s != "" {
				text = c[1].s + " " + text
			}
			return fn(Doc{ID: c[0].s, Text: text})
		})
		return err
	}
	return r, nil
}

// readBEIRQrels reads a BEIR qrels TSV: a header line, then
// query-id, corpus-id, score separated by tabs.
func readBEIRQrels(path string) (Qrels, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var q Qrels
	line := 0
	for sc.Scan() {
		line++
		if err := utf8check.Line(sc.Bytes(), path, line); err != nil {
			return nil, err
		}
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" {
			continue
		}
		f := strings.Split(s, "\t")
		if line == 1 && len(f) >= 1 && strings.EqualFold(strings.TrimSpace(f[0]), "query-id") {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("%s:%d: want 3 tab-separated fields query-id, corpus-id, score; got %d", path, line, len(f))
		}
		rel, err := strconv.Atoi(strings.TrimSpace(f[2]))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: column \"score\": %q is not an integer", path, line, f[2])
		}
		q = append(q, Judgment{QueryID: f[0], DocID: f[1], Rel: rel})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(q) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ErrEmpty)
	}
	return q, nil
}
