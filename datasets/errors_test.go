package datasets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type jqaraNoTitle struct {
	QID          string `parquet:"q_id"`
	Question     string `parquet:"question"`
	PassageRowID int64  `parquet:"passage_row_id"`
	Label        int64  `parquet:"label"`
	Text         string `parquet:"text"`
}

type jqaraStringLabel struct {
	QID          string `parquet:"q_id"`
	Question     string `parquet:"question"`
	PassageRowID int64  `parquet:"passage_row_id"`
	Label        string `parquet:"label"`
	Title        string `parquet:"title"`
	Text         string `parquet:"text"`
}

type jqaraFloatID struct {
	QID          string  `parquet:"q_id"`
	Question     string  `parquet:"question"`
	PassageRowID float64 `parquet:"passage_row_id"`
	Label        int64   `parquet:"label"`
	Title        string  `parquet:"title"`
	Text         string  `parquet:"text"`
}

type jqaraNullableTitle struct {
	QID          string  `parquet:"q_id"`
	Question     string  `parquet:"question"`
	PassageRowID int64   `parquet:"passage_row_id"`
	Label        int64   `parquet:"label"`
	Title        *string `parquet:"title,optional"`
	Text         string  `parquet:"text"`
}

type jacwirEvalStringNegs struct {
	Query     string `parquet:"query"`
	Positive  string `parquet:"positive"`
	Negatives string `parquet:"negatives"`
}

type jacwirEvalNullableNegs struct {
	Query     string    `parquet:"query"`
	Positive  string    `parquet:"positive"`
	Negatives []*string `parquet:"negatives,list,optional"`
}

func ptr(s string) *string { return &s }

// TestBadFiles checks that malformed dataset files give one clear error
// naming the file, the row or line, and the column. The messages are kept
// in a golden file.
func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	okRow := smallJQaRA[0]
	goodCollection := writeParquet(t, dir, "collection.parquet", []jacwirDocRow{{DocID: "d1", Title: "t", Description: "d"}})
	cases := []struct {
		name string
		load func() error
	}{
		{"jqara missing column", func() error {
			_, err := OpenJQaRA(ctx, writeParquet(t, dir, "notitle.parquet", []jqaraNoTitle{{"q", "Q", 1, 1, "x"}}))
			return err
		}},
		{"jqara label is a string", func() error {
			_, err := OpenJQaRA(ctx, writeParquet(t, dir, "strlabel.parquet", []jqaraStringLabel{{"q", "Q", 1, "1", "t", "x"}}))
			return err
		}},
		{"jqara id is a float", func() error {
			_, err := OpenJQaRA(ctx, writeParquet(t, dir, "floatid.parquet", []jqaraFloatID{{"q", "Q", 1, 1, "t", "x"}}))
			return err
		}},
		{"jqara null title", func() error {
			_, err := OpenJQaRA(ctx, writeParquet(t, dir, "nulltitle.parquet", []jqaraNullableTitle{
				{"q", "Q", 1, 1, ptr("t"), "x"}, {"q", "Q", 2, 0, nil, "y"}}))
			return err
		}},
		{"jqara empty parquet", func() error {
			_, err := OpenJQaRA(ctx, writeParquet(t, dir, "empty.parquet", []jqaraRow{}))
			return err
		}},
		{"jqara empty jsonl", func() error {
			_, err := OpenJQaRA(ctx, writeFile(t, dir, "empty.jsonl", "\n\n"))
			return err
		}},
		{"jqara not parquet", func() error {
			_, err := OpenJQaRA(ctx, writeFile(t, dir, "garbage.parquet", "this is not parquet\n"))
			return err
		}},
		{"jqara unknown extension", func() error {
			_, err := OpenJQaRA(ctx, writeFile(t, dir, "data.csv", "q_id,question\n"))
			return err
		}},
		{"jqara missing file", func() error {
			_, err := OpenJQaRA(ctx, filepath.Join(dir, "nope.parquet"))
			return err
		}},
		{"jqara jsonl missing field", func() error {
			_, err := OpenJQaRA(ctx, writeFile(t, dir, "nofield.jsonl",
				`{"q_id":"q","question":"Q","passage_row_id":1,"label":1,"title":"t","text":"x"}`+"\n"+
					`{"q_id":"q","question":"Q","passage_row_id":2,"label":0,"text":"x"}`+"\n"))
			return err
		}},
		{"jqara jsonl label is a string", func() error {
			_, err := OpenJQaRA(ctx, writeFile(t, dir, "strlabel.jsonl",
				`{"q_id":"q","question":"Q","passage_row_id":1,"label":"1","title":"t","text":"x"}`+"\n"))
			return err
		}},
		{"jqara jsonl broken json", func() error {
			_, err := OpenJQaRA(ctx, writeFile(t, dir, "broken.jsonl", `{"q_id":"q",`+"\n"))
			return err
		}},
		{"jqara jsonl invalid utf-8", func() error {
			_, err := OpenJQaRA(ctx, writeFile(t, dir, "badutf8.jsonl",
				`{"q_id":"q","question":"Q","passage_row_id":1,"label":1,"title":"t","text":"x"}`+"\n"+
					`{"q_id":"q","question":"Q","passage_row_id":2,"label":0,"title":"t","text":"x`+"\xff"+`"}`+"\n"))
			return err
		}},
		{"jqara parquet invalid utf-8", func() error {
			r := okRow
			r.PassageRowID = 99
			r.Text = "x\xff"
			_, err := OpenJQaRA(ctx, writeParquet(t, dir, "badutf8.parquet", []jqaraRow{okRow, r}))
			return err
		}},
		{"jqara negative label", func() error {
			r := okRow
			r.Label = -1
			_, err := OpenJQaRA(ctx, writeParquet(t, dir, "neglabel.parquet", []jqaraRow{okRow, r}))
			return err
		}},
		{"jqara conflicting question text", func() error {
			r := okRow
			r.PassageRowID = 99
			r.Question = "別の質問"
			_, err := OpenJQaRA(ctx, writeParquet(t, dir, "twotexts.parquet", []jqaraRow{okRow, r}))
			return err
		}},
		{"jacwir negatives not a list", func() error {
			ev := writeParquet(t, dir, "strnegs.parquet", []jacwirEvalStringNegs{{"q", "d1", "d2"}})
			_, err := OpenJaCWIR(ctx, ev, goodCollection)
			return err
		}},
		{"jacwir null negative", func() error {
			ev := writeParquet(t, dir, "nullneg.parquet", []jacwirEvalNullableNegs{{"q", "d1", []*string{ptr("d1"), nil}}})
			_, err := OpenJaCWIR(ctx, ev, goodCollection)
			return err
		}},
		{"jacwir documents missing from collection", func() error {
			ev := writeParquet(t, dir, "eval.parquet", []jacwirEvalRow{{"q", "d1", []string{"d9", "d3", "d4", "d5", "d6"}}})
			_, err := OpenJaCWIR(ctx, ev, goodCollection)
			return err
		}},
		{"jacwir duplicate positive", func() error {
			ev := writeParquet(t, dir, "duppos.parquet", []jacwirEvalRow{{"q1", "d1", nil}, {"q2", "d1", nil}})
			_, err := OpenJaCWIR(ctx, ev, goodCollection)
			return err
		}},
		{"beir bad score", func() error {
			d := filepath.Join(dir, "beir-bad")
			writeFile(t, d, "queries.jsonl", `{"_id":"q1","text":"Q"}`+"\n")
			writeFile(t, d, "corpus.jsonl", `{"_id":"d1","title":"","text":"x"}`+"\n")
			writeFile(t, d, "qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\thigh\n")
			_, err := OpenBEIR(ctx, d, "test")
			return err
		}},
		{"beir qrels invalid utf-8", func() error {
			d := filepath.Join(dir, "beir-utf8")
			writeFile(t, d, "queries.jsonl", `{"_id":"q1","text":"Q"}`+"\n")
			writeFile(t, d, "corpus.jsonl", `{"_id":"d1","title":"","text":"x"}`+"\n")
			writeFile(t, d, "qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\xff\t1\n")
			_, err := OpenBEIR(ctx, d, "test")
			return err
		}},
		{"beir unknown query", func() error {
			d := filepath.Join(dir, "beir-unknown")
			writeFile(t, d, "queries.jsonl", `{"_id":"q1","text":"Q"}`+"\n")
			writeFile(t, d, "corpus.jsonl", `{"_id":"d1","title":"","text":"x"}`+"\n")
			writeFile(t, d, "qrels/test.tsv", "query-id\tcorpus-id\tscore\nq2\td1\t1\n")
			_, err := OpenBEIR(ctx, d, "test")
			return err
		}},
	}
	var out strings.Builder
	for _, c := range cases {
		err := c.load()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := strings.ReplaceAll(err.Error(), dir+string(os.PathSeparator), "")
		fmt.Fprintf(&out, "%s:\n\t%s\n", c.name, msg)
	}
	checkGolden(t, "errors.txt", out.String())
}

func TestEmptyIsErrEmpty(t *testing.T) {
	_, err := OpenJQaRA(context.Background(), writeParquet(t, t.TempDir(), "empty.parquet", []jqaraRow{}))
	if !errors.Is(err, ErrEmpty) {
		t.Errorf("err = %v, want ErrEmpty", err)
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := OpenJQaRA(ctx, writeParquet(t, t.TempDir(), "small.parquet", smallJQaRA))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestReadTRECRejectsInvalidUTF8(t *testing.T) {
	_, err := ReadTREC(strings.NewReader("q1 0 d1 1\nq1 0 d\xff2 0\n"), "q.trec")
	if err == nil || !strings.Contains(err.Error(), "q.trec:2: text is not valid UTF-8") {
		t.Errorf("err %v", err)
	}
}
