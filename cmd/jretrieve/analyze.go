package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/jretrieve/jretrieve/analysis"
)

func init() {
	register(&command{
		name:    "analyze",
		summary: "segment Japanese text like `mecab -Owakati` (kagome uni/ipa dictionaries)",
		run:     runAnalyze,
	})
}

func runAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("analyze", "[flags] [file ...]  (stdin when no file; one sentence per line)", stderr)
	dict := fs.String("dict", "uni", "dictionary: uni (UniDic 2.1.2 = unidic-lite) or ipa (IPADIC 2.7.0)")
	nfkc := fs.Bool("nfkc", false, "NFKC-normalise each line first")
	lower := fs.Bool("lower", false, "lower-case tokens")
	base := fs.Bool("base", false, "replace tokens by their base form")
	drop := fs.String("drop-pos", "", "comma-free list of POS prefixes to drop, separated by '|', e.g. '助詞|助動詞|記号'")
	stop := fs.String("stop", "", "file of stop words, one per line")
	pos := fs.Bool("pos", false, "print token<TAB>POS per token and EOS per line instead of wakati (with -base, -lower, -drop-pos and -stop applied)")
	jobs := fs.Int("j", 1, "worker goroutines")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	opt := analysis.Options{Dict: analysis.Dict(*dict), NFKC: *nfkc, Lower: *lower, BaseForm: *base}
	if *drop != "" {
		opt.DropPOS = strings.Split(*drop, "|")
	}
	if *stop != "" {
		b, err := os.ReadFile(*stop)
		if err != nil {
			return err
		}
		for _, w := range strings.Split(string(b), "\n") {
			if w = strings.TrimSpace(w); w != "" {
				opt.StopWords = append(opt.StopWords, w)
			}
		}
	}
	if *jobs < 1 {
		return fmt.Errorf("%w: -j must be >= 1", errUsage)
	}
	a, err := analysis.New(opt)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(stdout, 1<<16)
	process := func(name string, r io.Reader) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<16), 1<<26)
		line := 0
		chunk := make([]string, 0, 4096)
		out := make([]string, 4096)
		flush := func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			var firstErr error
			per := (len(chunk) + *jobs - 1) / *jobs
			for j := 0; j < *jobs; j++ {
				lo, hi := j*per, min((j+1)*per, len(chunk))
				if lo >= hi {
					break
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					var sb strings.Builder
					for i := lo; i < hi; i++ {
						sb.Reset()
						var err error
						if *pos {
							err = a.AnalyzeOptionsFunc(chunk[i], func(t analysis.Token) bool {
								sb.WriteString(t.Surface)
								sb.WriteByte('\t')
								sb.WriteString(strings.Join(t.POS, ","))
								sb.WriteByte('\n')
								return true
							})
							sb.WriteString("EOS\n")
						} else {
							err = a.TokensFunc(chunk[i], func(t string) bool {
								sb.WriteString(t)
								sb.WriteByte(' ')
								return true
							})
							sb.WriteByte('\n')
						}
						if err != nil {
							mu.Lock()
							if firstErr == nil {
								firstErr = fmt.Errorf("%s:%d: %w", name, line-len(chunk)+i+1, err)
							}
							mu.Unlock()
							continue
						}
						out[i] = sb.String()
					}
				}()
			}
			wg.Wait()
			if firstErr != nil {
				return firstErr
			}
			for i := range chunk {
				if _, err := w.WriteString(out[i]); err != nil {
					return err
				}
			}
			chunk = chunk[:0]
			return nil
		}
		for sc.Scan() {
			line++
			chunk = append(chunk, sc.Text())
			if len(chunk) == cap(chunk) {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		return flush()
	}
	if fs.NArg() == 0 {
		if err := process("stdin", os.Stdin); err != nil {
			return err
		}
	}
	for _, p := range fs.Args() {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = process(p, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return w.Flush()
}
