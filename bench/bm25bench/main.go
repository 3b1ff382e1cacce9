// Command bm25bench generates the synthetic Zipf corpus of the BM25 index
// benchmark and measures jretrieve's index on it (build, OR queries top-10,
// one thread), checking every pruned top-10 against exhaustive scoring.
// bench/bm25.sh runs it together with SQLite FTS5 and Xapian.
//
//	bm25bench gen -dir D [-docs 100000 -vocab 50000 -len 150 -queries 1000 -seed 1]
//	bm25bench run -dir D
//	bm25bench rerank [-questions 1667 -passages 100]
//
// rerank times the JQaRA protocol end to end (tokenise with uni + score
// with rank_bm25 BM25Okapi per question) on synthetic passages built from
// Japanese prose (manpages-ja, or analysis/testdata/prose.txt).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/jretrieve/jretrieve/bm25"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bm25bench gen|run -dir D")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "run":
		err = run(os.Args[2:])
	case "rerank":
		err = rerankBench(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bm25bench:", err)
		os.Exit(1)
	}
}

// zipf samples ranks 0..n-1 with P(r) proportional to 1/(r+1)^s.
type zipf struct{ cdf []float64 }

func newZipf(n int, s float64) *zipf {
	z := &zipf{cdf: make([]float64, n)}
	sum := 0.0
	for i := range z.cdf {
		sum += 1 / math.Pow(float64(i+1), s)
		z.cdf[i] = sum
	}
	for i := range z.cdf {
		z.cdf[i] /= sum
	}
	return z
}

func (z *zipf) draw(r *rand.Rand) int {
	u := r.Float64()
	return sort.SearchFloat64s(z.cdf, u)
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	dir := fs.String("dir", "", "output directory")
	docs := fs.Int("docs", 100000, "documents")
	vocab := fs.Int("vocab", 50000, "vocabulary size")
	mean := fs.Int("len", 150, "mean document length (uniform in [len/2, 3len/2])")
	nq := fs.Int("queries", 1000, "queries per set")
	s := fs.Float64("s", 1.0, "Zipf exponent")
	seed := fs.Uint64("seed", 1, "random seed")
	stop := fs.Int("stop", 200, "content queries skip this many most frequent terms")
	fs.Parse(args)
	if *dir == "" {
		return fmt.Errorf("gen: -dir required")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(*seed, 2))
	z := newZipf(*vocab, *s)
	f, err := os.Create(filepath.Join(*dir, "corpus.tsv"))
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for d := 0; d < *docs; d++ {
		n := *mean/2 + r.IntN(*mean+1)
		fmt.Fprintf(w, "d%d\t", d)
		for i := 0; i < n; i++ {
			if i > 0 {
				w.WriteByte(' ')
			}
			fmt.Fprintf(w, "w%d", z.draw(r))
		}
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return err
	}
	f.Close()
	for _, set := range []struct {
		name string
		min  int
	}{{"raw", 0}, {"content", *stop}} {
		var b strings.Builder
		for q := 0; q < *nq; q++ {
			n := 5 + r.IntN(6)
			for i := 0; i < n; i++ {
				t := z.draw(r)
				for t < set.min {
					t = z.draw(r)
				}
				if i > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "w%d", t)
			}
			b.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(*dir, "queries_"+set.name+".txt"), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func readLines(p string) ([]string, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n"), nil
}

type result struct {
	System       string             `json:"system"`
	BuildSeconds float64            `json:"build_s"`
	BuildCPU     float64            `json:"build_cpu_s"`
	QPS          map[string]float64 `json:"qps"`
	QPSCPU       map[string]float64 `json:"qps_cpu"`
	MatchFrac    map[string]float64 `json:"match_fraction,omitempty"`
	Identical    map[string]int     `json:"top10_identical_to_exhaustive,omitempty"`
	Note         string             `json:"note,omitempty"`
}

func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	dir := fs.String("dir", "", "directory written by gen")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the query phase")
	fs.Parse(args)
	runtime.GOMAXPROCS(1) // one thread, like the FTS5 and Xapian runs
	f, err := os.Open(filepath.Join(*dir, "corpus.tsv"))
	if err != nil {
		return err
	}
	defer f.Close()
	docs := func(yield func(bm25.Doc, error) bool) {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		line := 0
		for sc.Scan() {
			line++
			id, text, ok := strings.Cut(sc.Text(), "\t")
			if !ok {
				yield(bm25.Doc{}, fmt.Errorf("corpus.tsv:%d: no tab", line))
				return
			}
			if !yield(bm25.Doc{ID: id, Tokens: strings.Fields(text)}, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(bm25.Doc{}, err)
		}
	}
	t0, c0 := time.Now(), cpuSeconds()
	ix, err := bm25.Build(context.Background(), iter.Seq2[bm25.Doc, error](docs), bm25.BuildOptions{})
	if err != nil {
		return err
	}
	res := result{System: "jretrieve", BuildSeconds: time.Since(t0).Seconds(), BuildCPU: cpuSeconds() - c0,
		QPS: map[string]float64{}, QPSCPU: map[string]float64{},
		MatchFrac: map[string]float64{}, Identical: map[string]int{}}
	path := filepath.Join(*dir, "jretrieve.bm25")
	t1 := time.Now()
	if err := ix.Save(path); err != nil {
		return err
	}
	saveS := time.Since(t1).Seconds()
	t1 = time.Now()
	if ix, err = bm25.Load(path); err != nil {
		return err
	}
	loadS := time.Since(t1).Seconds()
	fi, _ := os.Stat(path)
	res.Note = fmt.Sprintf("%d docs, %d terms, %d postings; save %.2fs, load %.2fs, file %.1f MB, k1=1.2 b=0.75 Lucene idf",
		ix.Len(), ix.Terms(), ix.Postings(), saveS, loadS, float64(fi.Size())/1e6)
	if *prof != "" {
		pf, err := os.Create(*prof)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	for _, set := range []string{"content", "raw"} {
		lines, err := readLines(filepath.Join(*dir, "queries_"+set+".txt"))
		if err != nil {
			return err
		}
		qs := make([][]string, len(lines))
		for i, l := range lines {
			qs[i] = strings.Fields(l)
		}
		hits := make([][]bm25.Hit, len(qs))
		t, c := time.Now(), cpuSeconds()
		for i, q := range qs {
			hits[i] = ix.Search(q, 10)
		}
		el, cpu := time.Since(t).Seconds(), cpuSeconds()-c
		res.QPS[set] = float64(len(qs)) / el
		res.QPSCPU[set] = float64(len(qs)) / cpu
		same := 0
		for i, q := range qs {
			ref := ix.SearchExhaustive(q, 10)
			if equalHits(ref, hits[i]) {
				same++
			}
		}
		res.Identical[set] = same
		res.MatchFrac[set] = matchFraction(ix, qs)
		out, err := os.Create(filepath.Join(*dir, "jretrieve_"+set+".top10"))
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(out)
		for i, h := range hits {
			ids := make([]string, len(h))
			for j := range h {
				ids[j] = h[j].ID
			}
			fmt.Fprintf(bw, "%d\t%s\n", i, strings.Join(ids, " "))
		}
		bw.Flush()
		out.Close()
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// cpuSeconds is the user+system CPU time of the process: on a shared,
// loaded machine it measures the work better than wall time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func equalHits(a, b []bm25.Hit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// matchFraction is the mean fraction of documents matching a query.
func matchFraction(ix *bm25.Index, qs [][]string) float64 {
	sum := 0.0
	for _, q := range qs {
		sum += float64(ix.Matches(q)) / float64(ix.Len())
	}
	return sum / float64(len(qs))
}
