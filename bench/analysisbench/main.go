// Command analysisbench writes the Japanese prose corpus of
// bench/analysis.sh: the prose lines of Debian's manpages-ja
// (/usr/share/man/ja), or analysis/testdata/prose.txt repeated when
// manpages-ja is not installed.
//
//	analysisbench -out FILE [-man /usr/share/man/ja] [-max-mb 0] [-eval-dataset FILE -passage-chars N]
//
// With -eval-dataset it also writes a one-question dataset in JQaRA's
// schema (JSONL) whose first candidate is the corpus without newlines,
// cut to N characters, followed by three short passages
// (bench/longinput.sh).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/jretrieve/jretrieve/analysis/jatext"
)

func main() {
	out := flag.String("out", "", "output file")
	man := flag.String("man", "/usr/share/man/ja", "manpages-ja directory")
	maxMB := flag.Float64("max-mb", 0, "truncate the corpus to this many MB (0: all)")
	ds := flag.String("eval-dataset", "", "also write a one-question JQaRA-schema JSONL dataset with a long passage")
	chars := flag.Int("passage-chars", 2000000, "characters of the long passage of -eval-dataset")
	flag.Parse()
	err := run(*out, *man, *maxMB)
	if err == nil && *ds != "" {
		err = writeDataset(*ds, *out, *chars)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "analysisbench:", err)
		os.Exit(1)
	}
}

func run(out, man string, maxMB float64) error {
	if out == "" {
		return fmt.Errorf("-out required")
	}
	var lines []string
	src := man
	if _, err := os.Stat(man); err == nil {
		if lines, err = jatext.ManpageCorpus(man); err != nil {
			return err
		}
	} else {
		b, err := os.ReadFile("analysis/testdata/prose.txt")
		if err != nil {
			return err
		}
		p := strings.Split(strings.TrimSpace(string(b)), "\n")
		for len(lines) < 100000 {
			lines = append(lines, p...)
		}
		src = "analysis/testdata/prose.txt (repeated)"
	}
	var sb strings.Builder
	for _, l := range lines {
		if maxMB > 0 && float64(sb.Len()+len(l)+1) > maxMB*1e6 {
			break
		}
		sb.WriteString(l)
		sb.WriteByte('\n')
	}
	fmt.Fprintf(os.Stderr, "corpus: %s, %.1f MB\n", src, float64(sb.Len())/1e6)
	return os.WriteFile(out, []byte(sb.String()), 0o644)
}

func writeDataset(path, corpus string, chars int) error {
	b, err := os.ReadFile(corpus)
	if err != nil {
		return err
	}
	long := []rune(strings.ReplaceAll(string(b), "\n", ""))
	if len(long) > chars {
		long = long[:chars]
	}
	q := "日本で一番高い山は？"
	rows := []map[string]any{{"q_id": "q1", "question": q, "passage_row_id": "1", "label": 0, "title": "長文", "text": string(long)}}
	for i, s := range []string{"富士山は日本で一番高い山です。", "琵琶湖は日本最大の湖です。", "新幹線は高速鉄道です。"} {
		rows = append(rows, map[string]any{"q_id": "q1", "question": q, "passage_row_id": fmt.Sprint(i + 2), "label": btoi(i == 0), "title": "", "text": s})
	}
	var sb strings.Builder
	for _, r := range rows {
		j, err := json.Marshal(r)
		if err != nil {
			return err
		}
		sb.Write(j)
		sb.WriteByte('\n')
	}
	fmt.Fprintf(os.Stderr, "dataset: 4 passages, the first of %d characters\n", len(long))
	return os.WriteFile(path, []byte(sb.String()), 0o644)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
