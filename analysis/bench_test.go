package analysis

import (
	"os"
	"strings"
	"testing"
)

// BenchmarkWakati measures single-goroutine segmentation throughput on
// testdata/prose.txt (b.SetBytes: MB/s). bench/analysis.sh compares with
// the mecab CLI on a larger corpus.
func BenchmarkWakati(b *testing.B) {
	raw, err := os.ReadFile("testdata/prose.txt")
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	for _, d := range []Dict{IPA, Uni} {
		a := mustNew(b, Options{Dict: d})
		b.Run(string(d), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				for _, l := range lines {
					a.Wakati(l)
				}
			}
		})
	}
}
