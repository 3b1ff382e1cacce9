// Command unidump prints the entries of kagome's UniDic 2.1.2 dictionary
// (github.com/ikawaha/kagome-dict/uni) for the surfaces read from stdin
// (one per line, first tab-separated field) and for every single code
// point: surface, kagome id, left id, right id, cost, features. It fails
// when those surfaces do not cover the whole dictionary. It is the kagome
// side of scripts/reference/unidic_lite.py (development tooling).
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/ikawaha/kagome-dict/uni"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "unidump:", err)
		os.Exit(1)
	}
}

func run() error {
	kd := uni.Dict()
	seen := map[string]bool{}
	var keys []string
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		k, _, _ := strings.Cut(sc.Text(), "\t")
		if k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	for r := rune(1); r < 0x110000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		if k := string(r); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	w := bufio.NewWriter(os.Stdout)
	n := 0
	for _, k := range keys {
		// CommonPrefixSearch, not Index.Search: kagome's Find reports
		// id 0 for some absent keys.
		kd.Index.CommonPrefixSearchCallback(k, func(id, l int) {
			if l != len(k) {
				return
			}
			m := kd.Morphs[id]
			var f []string
			for _, p := range kd.POSTable.POSs[id] {
				f = append(f, kd.POSTable.NameList[p])
			}
			f = append(f, kd.Contents[id]...)
			fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%s\n", k, id, m.LeftID, m.RightID, m.Weight, strings.Join(f, ","))
			n++
		})
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if n != len(kd.Morphs) {
		return fmt.Errorf("%d of %d entries found: the surfaces given do not cover the dictionary", n, len(kd.Morphs))
	}
	return nil
}
