package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/jretrieve/jretrieve/analysis"
	"github.com/jretrieve/jretrieve/analysis/jatext"
	"github.com/jretrieve/jretrieve/bm25"
)

func rerankBench(args []string) error {
	fs := flag.NewFlagSet("rerank", flag.ExitOnError)
	nq := fs.Int("questions", 1667, "questions")
	np := fs.Int("passages", 100, "passages per question")
	plen := fs.Int("chars", 300, "approximate passage length in characters")
	seed := fs.Uint64("seed", 1, "random seed")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the timed phase")
	fs.Parse(args)
	var sents []string
	src := "/usr/share/man/ja"
	if _, err := os.Stat(src); err == nil {
		if sents, err = jatext.ManpageCorpus(src); err != nil {
			return err
		}
	} else {
		b, err := os.ReadFile("analysis/testdata/prose.txt")
		if err != nil {
			return err
		}
		sents = strings.Split(strings.TrimSpace(string(b)), "\n")
		src = "analysis/testdata/prose.txt"
	}
	r := rand.New(rand.NewPCG(*seed, 3))
	pick := func() string { return sents[r.IntN(len(sents))] }
	type question struct {
		q    string
		docs []string
	}
	qs := make([]question, *nq)
	bytes := 0
	for i := range qs {
		q := []rune(pick())
		if len(q) > 40 {
			q = q[:40]
		}
		qs[i].q = string(q)
		qs[i].docs = make([]string, *np)
		for j := range qs[i].docs {
			title := []rune(pick())
			if len(title) > 12 {
				title = title[:12]
			}
			var sb strings.Builder
			for len([]rune(sb.String())) < *plen {
				sb.WriteString(pick())
			}
			qs[i].docs[j] = bm25.JoinTitle(string(title), sb.String())
			bytes += len(qs[i].docs[j])
		}
	}
	t0 := time.Now()
	a, err := analysis.New(analysis.Options{Dict: analysis.Uni})
	if err != nil {
		return err
	}
	a.Wakati("辞書")
	load := time.Since(t0).Seconds()
	o := bm25.NewOkapi(a, bm25.OkapiParams{})
	if *prof != "" {
		pf, err := os.Create(*prof)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	t1, c1 := time.Now(), cpuSeconds()
	for _, q := range qs {
		if _, err := o.Score(context.Background(), q.q, q.docs); err != nil {
			return err
		}
	}
	el, cpu := time.Since(t1).Seconds(), cpuSeconds()-c1
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"protocol":       "JQaRA bm25 (rank_bm25 BM25Okapi per question, uni wakati)",
		"source":         src,
		"questions":      *nq,
		"passages":       *np,
		"mb":             float64(bytes) / 1e6,
		"dict_load_s":    load,
		"seconds":        el,
		"cpu_seconds":    cpu,
		"gomaxprocs":     runtime.GOMAXPROCS(0),
		"passages_per_s": float64(*nq**np) / el,
		"note":           fmt.Sprintf("tokenise + score, %d x %d passages of ~%d chars", *nq, *np, *plen),
	})
}
