// Command jqarasynth writes a synthetic dataset in JQaRA's test-split shape
// (1,667 questions x 100 candidates, parquet, JQaRA's columns) for timing the
// full JQaRA protocol offline. Questions and passages are recombined from
// the embedded sample's Japanese text, so tokenization sees real Japanese;
// every passage is distinct, as in JQaRA, and each question has 5 to 15
// relevant candidates (JQaRA averages 9.7).
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/jretrieve/jretrieve/datasets"
)

type row struct {
	QID          string   `parquet:"q_id"`
	Question     string   `parquet:"question"`
	PassageRowID int64    `parquet:"passage_row_id"`
	Label        int64    `parquet:"label"`
	Title        string   `parquet:"title"`
	Text         string   `parquet:"text"`
	Answers      []string `parquet:"answers,list"`
}

func main() {
	out := flag.String("o", "jqara-synthetic.parquet", "output parquet `file`")
	nq := flag.Int("questions", 1667, "questions")
	nc := flag.Int("candidates", 100, "candidates per question")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	s := datasets.Sample()
	rng := rand.New(rand.NewPCG(*seed, 0))
	var rows []row
	id := int64(0)
	for q := 0; q < *nq; q++ {
		sq := s.Queries[rng.IntN(len(s.Queries))]
		nrel := 5 + rng.IntN(11)
		for c := 0; c < *nc; c++ {
			// About 300 characters: two or three sample passages joined.
			text := ""
			for k := 0; k < 2+rng.IntN(2); k++ {
				d := s.Docs[rng.IntN(len(s.Docs))]
				text += d.Text
			}
			id++
			label := int64(0)
			if c < nrel {
				label = 1
			}
			rows = append(rows, row{QID: fmt.Sprintf("SYN-%04d", q), Question: sq.Text, PassageRowID: id, Label: label,
				Title: fmt.Sprintf("文書%d", id), Text: text})
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".jqarasynth*")
	if err != nil {
		log.Fatal(err)
	}
	if err := parquet.Write(tmp, rows); err != nil {
		log.Fatal(err)
	}
	if err := tmp.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "%s: %d questions x %d candidates\n", *out, *nq, *nc)
}
