// Package jatext extracts Japanese prose from Debian manpages-ja sources
// (roff) for the segmentation reference tests and benchmarks.
package jatext

import (
	"bufio"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

var (
	roffFont   = regexp.MustCompile(`\\f(\[[^\]]*\]|\(..|.)`)
	roffNamed  = regexp.MustCompile(`\\(\(..|\[[^\]]*\]|\*\(..|\*\[[^\]]*\]|\*.|s[-+]?\d+|[&|^%:c])`)
	roffEscape = regexp.MustCompile(`\\(.)`)
)

// RoffText extracts the running text of a man page source: requests and
// comments are dropped, the text arguments of font macros kept, escapes
// removed. Only lines containing non-ASCII text are kept (Japanese prose).
func RoffText(r io.Reader) []string {
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			f := strings.SplitN(l, " ", 2)
			switch strings.TrimSpace(f[0]) {
			case ".B", ".I", ".BI", ".IB", ".BR", ".RB", ".IR", ".RI", ".SH", ".SS", ".TP", ".IP":
				if len(f) == 2 {
					l = strings.ReplaceAll(f[1], `"`, "")
				} else {
					continue
				}
			default:
				continue
			}
		}
		l = roffFont.ReplaceAllString(l, "")
		l = roffNamed.ReplaceAllString(l, "")
		l = strings.ReplaceAll(l, `\-`, "-")
		l = strings.ReplaceAll(l, `\e`, `\`)
		l = roffEscape.ReplaceAllString(l, "$1")
		l = strings.TrimSpace(l)
		if l == "" || !utf8.ValidString(l) || len(l) > 4000 || !HasJapanese(l) {
			continue
		}
		out = append(out, l)
	}
	return out
}

func HasJapanese(s string) bool {
	for _, r := range s {
		if r >= 0x3040 && r <= 0x30FF || r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

// ManpageCorpus reads every page under dir (Debian manpages-ja:
// /usr/share/man/ja), in sorted order, and returns its prose lines.
func ManpageCorpus(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".gz") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var lines []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		z, err := gzip.NewReader(fh)
		if err != nil {
			fh.Close()
			continue // a symlink to a missing page or not gzip: skip
		}
		lines = append(lines, RoffText(z)...)
		fh.Close()
	}
	return lines, nil
}
