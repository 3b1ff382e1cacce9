package datasets

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// This file is the generator of sampledata/sample.jsonl from the
// hand-written sampledata/source.txt:
//
//	go test ./datasets -run TestSampleUpToDate -update

type samplePassage struct {
	id          int64
	title, text string
	topic       int
}

type sampleQuestion struct {
	text    string
	answers []string
	rel     []int64
	topic   int
}

func parseSampleSource(src []byte) ([]samplePassage, []sampleQuestion, error) {
	var ps []samplePassage
	var qs []sampleQuestion
	topic := -1
	sc := bufio.NewScanner(bytes.NewReader(src))
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		switch {
		case s == "" || strings.HasPrefix(s, "#"):
		case strings.HasPrefix(s, "topic "):
			topic++
		case strings.HasPrefix(s, "P "):
			head, text, ok := strings.Cut(s[2:], " | ")
			id, title, ok2 := strings.Cut(head, " ")
			n, err := strconv.ParseInt(id, 10, 64)
			if !ok || !ok2 || err != nil || topic < 0 {
				return nil, nil, fmt.Errorf("source.txt:%d: bad passage line", line)
			}
			ps = append(ps, samplePassage{n, title, text, topic})
		case strings.HasPrefix(s, "Q "):
			f := strings.Split(s[2:], " | ")
			if len(f) != 3 || topic < 0 {
				return nil, nil, fmt.Errorf("source.txt:%d: bad question line", line)
			}
			q := sampleQuestion{text: f[0], answers: strings.Split(f[1], ";"), topic: topic}
			for _, r := range strings.Split(f[2], ",") {
				n, err := strconv.ParseInt(r, 10, 64)
				if err != nil {
					return nil, nil, fmt.Errorf("source.txt:%d: bad passage id %q", line, r)
				}
				q.rel = append(q.rel, n)
			}
			qs = append(qs, q)
		default:
			return nil, nil, fmt.Errorf("source.txt:%d: unknown line", line)
		}
	}
	return ps, qs, nil
}

// generateSample assembles 20 candidates per question: every passage of
// its topic plus passages of other topics, shuffled with a fixed seed.
func generateSample(src []byte) ([]byte, error) {
	ps, qs, err := parseSampleSource(src)
	if err != nil {
		return nil, err
	}
	byID := map[int64]samplePassage{}
	for _, p := range ps {
		if _, dup := byID[p.id]; dup {
			return nil, fmt.Errorf("duplicate passage id %d", p.id)
		}
		byID[p.id] = p
	}
	type row struct {
		QID          string   `json:"q_id"`
		Question     string   `json:"question"`
		PassageRowID int64    `json:"passage_row_id"`
		Label        int      `json:"label"`
		Title        string   `json:"title"`
		Text         string   `json:"text"`
		Answers      []string `json:"answers"`
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	for qi, q := range qs {
		rng := rand.New(rand.NewPCG(uint64(qi), 20261125))
		var own, other []samplePassage
		for _, p := range ps {
			if p.topic == q.topic {
				own = append(own, p)
			} else {
				other = append(other, p)
			}
		}
		for _, r := range q.rel {
			if p, ok := byID[r]; !ok || p.topic != q.topic {
				return nil, fmt.Errorf("question %q: relevant passage %d is not in its topic", q.text, r)
			}
		}
		cands := own
		for _, k := range rng.Perm(len(other))[:20-len(own)] {
			cands = append(cands, other[k])
		}
		rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		for _, p := range cands {
			label := 0
			if slices.Contains(q.rel, p.id) {
				label = 1
			}
			if err := enc.Encode(row{fmt.Sprintf("sample-%03d", qi+1), q.text, p.id, label, p.title, p.text, q.answers}); err != nil {
				return nil, err
			}
		}
	}
	return out.Bytes(), nil
}

func TestSampleUpToDate(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("sampledata", "source.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := generateSample(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("sampledata", "sample.jsonl")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, sampleJSONL) && !*update {
		t.Fatalf("%s is stale: run go test ./datasets -run TestSampleUpToDate -update", path)
	}
}
