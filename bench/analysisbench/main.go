// Command analysisbench writes the Japanese prose corpus of
// bench/analysis.sh: the prose lines of Debian's manpages-ja
// (/usr/share/man/ja), or analysis/testdata/prose.txt repeated when
// manpages-ja is not installed.
//
//	analysisbench -out FILE [-man /usr/share/man/ja] [-max-mb 0]
package main

import (
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
	flag.Parse()
	if err := run(*out, *man, *maxMB); err != nil {
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
