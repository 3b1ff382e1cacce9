package datasets

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestSample(t *testing.T) {
	d := Sample()
	if d.Name != "sample" || len(d.Queries) != 50 || d.NumPairs() != 1000 || len(d.Docs) != 139 {
		t.Fatalf("sample: %s, %d queries, %d pairs, %d docs; want 50 x 20 over the 139 passages of source.txt", d.Name, len(d.Queries), d.NumPairs(), len(d.Docs))
	}
	answers := sampleAnswers(t)
	rel := d.Qrels.Map()
	for i, q := range d.Queries {
		if len(d.Candidates[i]) != 20 {
			t.Errorf("%s: %d candidates", q.ID, len(d.Candidates[i]))
		}
		if len(rel[q.ID]) == 0 {
			t.Errorf("%s: no relevant passage", q.ID)
		}
		// Every relevant passage contains one of the answers.
		for _, doc := range d.CandidateDocs(i) {
			if rel[q.ID][doc.ID] == 0 {
				continue
			}
			if !slices.ContainsFunc(answers[q.ID], func(a string) bool { return strings.Contains(doc.Text, a) }) {
				t.Errorf("%s %q: relevant passage %s does not contain an answer %q", q.ID, q.Text, doc.ID, answers[q.ID])
			}
		}
	}
	if got := d.Limit(3); got.Queries[2].ID != "sample-003" {
		t.Errorf("Limit(3) last = %s", got.Queries[2].ID)
	}
}

func sampleAnswers(t *testing.T) map[string][]string {
	t.Helper()
	tab := newJSONLTable("sample.jsonl", strings.NewReader(string(sampleJSONL)), nil,
		[]column{{name: "q_id", kind: kindID}, {name: "answers", kind: kindStringList}})
	m := map[string][]string{}
	row := make([]cell, 2)
	for tab.next(row) == nil {
		m[row[0].s] = row[1].list
	}
	return m
}

// TestSampleLexicalDifficulty ranks the candidates with a simple character
// bigram BM25 (k1=1.5, b=0.75 over each question's candidates) as an
// independent check that the sample is neither trivial nor random for
// lexical matching: lexical overlap finds most answers but the same-topic
// distractors keep it from being perfect.
func TestSampleLexicalDifficulty(t *testing.T) {
	d := Sample()
	rel := d.Qrels.Map()
	var mrr float64
	top1 := 0
	for i, q := range d.Queries {
		docs := d.CandidateDocs(i)
		scores := bigramBM25(q.Text, docs)
		best := -1
		for rank, k := range argsortDesc(scores) {
			if rel[q.ID][docs[k].ID] > 0 {
				best = rank
				break
			}
		}
		mrr += 1 / float64(best+1)
		if best == 0 {
			top1++
		}
	}
	mrr /= float64(len(d.Queries))
	t.Logf("bigram BM25 on the sample: MRR@20 %.3f, top-1 %d/50", mrr, top1)
	if mrr > 0.95 || mrr < 0.5 || top1 > 47 {
		t.Errorf("bigram BM25 MRR %.3f: the sample should be hard but not random for lexical matching", mrr)
	}
}

func bigrams(s string) []string {
	r := []rune(s)
	var out []string
	for i := 0; i+1 < len(r); i++ {
		out = append(out, string(r[i:i+2]))
	}
	return out
}

func bigramBM25(query string, docs []Doc) []float64 {
	const k1, b = 1.5, 0.75
	tfs := make([]map[string]int, len(docs))
	df := map[string]int{}
	total := 0
	for i, d := range docs {
		tfs[i] = map[string]int{}
		g := bigrams(d.Text)
		total += len(g)
		for _, w := range g {
			if tfs[i][w] == 0 {
				df[w]++
			}
			tfs[i][w]++
		}
	}
	avg := float64(total) / float64(len(docs))
	n := float64(len(docs))
	scores := make([]float64, len(docs))
	for i, d := range docs {
		dl := float64(len(bigrams(d.Text)))
		for _, w := range bigrams(query) {
			tf := float64(tfs[i][w])
			if tf == 0 {
				continue
			}
			idf := math.Log((n-float64(df[w])+0.5)/(float64(df[w])+0.5) + 1)
			scores[i] += idf * tf * (k1 + 1) / (tf + k1*(1-b+b*dl/avg))
		}
	}
	return scores
}

func argsortDesc(s []float64) []int {
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case s[a] > s[b]:
			return -1
		case s[a] < s[b]:
			return 1
		}
		return 0
	})
	return idx
}
