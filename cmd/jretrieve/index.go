package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jretrieve/jretrieve/analysis"
	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/hub"
	_ "github.com/jretrieve/jretrieve/onnx/gobackend" // "go" backend fallback
	"github.com/jretrieve/jretrieve/rag"
)

func init() {
	register(&command{name: "index", summary: "index a folder of Japanese text files for search (BM25 + embeddings)", run: runIndex})
}

const indexSynopsis = `[--model DIR|NAME|bm25] [--out DIR] [flags] DIR

Reads every .txt and .md file under DIR, splits it into passages (paragraphs
cut to --max-chars characters at sentence ends), and writes a search index
to --out: the passages (documents.jsonl), a BM25 index over UniDic words
(bm25.idx), the passages' embeddings by --model (embeddings.npy) and a
manifest with the model's identity and settings. With --model bm25 (the
default) no embeddings are computed. Search it with 'jretrieve search'.

Example:
  jretrieve index --model testdata/models/bert-tiny --out /tmp/idx ./examples/rag/docs
  jretrieve search --index /tmp/idx "富士山の高さは？"`

// modelFlags are the inference flags shared by index and search.
type modelFlags struct {
	backend, lib    *string
	threads, maxLen *int
	batch           *int
	chosen          *string // resolved backend, once
}

func addModelFlags(fs interface {
	String(string, string, string) *string
	Int(string, int, string) *int
}) modelFlags {
	return modelFlags{
		backend: fs.String("backend", "auto", backendHelp),
		lib:     fs.String("ort-lib", "", "`path` of libonnxruntime.so (default: $JRETRIEVE_ORT_LIB, then the jretrieve cache)"),
		threads: fs.Int("threads", 1, "ONNX Runtime intra-op threads"),
		maxLen:  fs.Int("max-length", 0, "token limit of the model (0: the model's own; must match between index and search)"),
		batch:   fs.Int("batch-size", 32, "sequences per model call"),
		chosen:  new(string),
	}
}

// check validates the flags after parsing.
func (f modelFlags) check() error { return checkBackend(*f.backend) }

// resolveBackend picks "ort" or "go" for --backend auto.
func (f modelFlags) resolveBackend(stderr io.Writer, cmd string) string {
	if *f.chosen == "" {
		*f.chosen = chooseBackend(*f.backend, *f.lib, true, stderr, cmd)
	}
	return *f.chosen
}

// openEmbedder opens a bi-encoder by directory or catalog name.
func (f modelFlags) openEmbedder(ctx context.Context, name string, stderr io.Writer, cmd string) (*embed.Model, error) {
	opts := []embed.Option{embed.WithBackend(f.resolveBackend(stderr, cmd)), embed.WithThreads(*f.threads), embed.WithBatchSize(*f.batch)}
	if *f.lib != "" {
		opts = append(opts, embed.WithLibrary(*f.lib))
	}
	if *f.maxLen > 0 {
		opts = append(opts, embed.WithMaxLength(*f.maxLen))
	}
	if st, err := os.Stat(name); err != nil || !st.IsDir() {
		resolve := catalogResolver(hub.New(hub.FromEnv()))
		dir, err := resolve(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("model %q: %w", name, err)
		}
		name = dir
	}
	return embed.Open(ctx, name, opts...)
}

func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("index", indexSynopsis, stderr)
	model := fs.String("model", "bm25", "bi-encoder model `dir` or catalog name, or bm25 for a BM25-only index")
	out := fs.String("out", "jretrieve-index", "output index `dir`")
	maxChars := fs.Int("max-chars", 400, "maximum passage length in characters")
	exts := fs.String("ext", ".txt,.md", "comma-separated file `extensions` to read")
	noBM25 := fs.Bool("no-bm25", false, "build no BM25 index (embeddings only)")
	dict := fs.String("dict", "uni", "BM25 analysis dictionary: uni (UniDic) or ipa (IPADIC)")
	quiet := fs.Bool("q", false, "no progress output")
	mf := addModelFlags(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := mf.check(); err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: want exactly one directory to index, got %d arguments", errUsage, len(pos))
	}
	if *dict != "uni" && *dict != "ipa" {
		return fmt.Errorf("%w: --dict %q (want uni or ipa)", errUsage, *dict)
	}
	src := pos[0]
	if st, err := os.Stat(src); err != nil {
		return err
	} else if !st.IsDir() {
		return fmt.Errorf("%w: %s is not a directory", errUsage, src)
	}
	if absOut, _ := filepath.Abs(*out); absOut != "" {
		if absSrc, _ := filepath.Abs(src); absOut == absSrc {
			return fmt.Errorf("%w: --out must differ from the indexed directory", errUsage)
		}
	}
	var extList []string
	for _, e := range strings.Split(*exts, ",") {
		if e = strings.TrimSpace(e); e != "" {
			if !strings.HasPrefix(e, ".") {
				e = "." + e
			}
			extList = append(extList, strings.ToLower(e))
		}
	}
	// Lock the output before the long work: a second writer fails now, and
	// searches keep reading the previous index until the new one is swapped in.
	lock, err := rag.LockDir(*out)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	start := time.Now()
	docs, err := rag.ReadFiles(ctx, os.DirFS(src), ".", rag.SplitOptions{Extensions: extList, MaxRunes: *maxChars})
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return fmt.Errorf("no %s files with text under %s", strings.Join(extList, " "), src)
	}
	opt := rag.BuildOptions{NoBM25: *noBM25, Analysis: &analysis.Options{Dict: analysis.Dict(*dict)}, BatchSize: 256}
	if *model != "bm25" && *model != "" {
		m, err := mf.openEmbedder(ctx, *model, stderr, "index")
		if err != nil {
			return err
		}
		defer m.Close()
		opt.Embedder = m
		if !*quiet {
			var b interface {
				Set(int)
				Done()
			}
			if isTerminal(stderr) {
				b = barProgress{w: stderr}.Start("embedding", len(docs))
			} else {
				b = lineProgress{w: stderr}.Start("embedded passages", len(docs))
			}
			opt.Progress = func(done, total int) {
				b.Set(done)
				if done == total {
					b.Done()
				}
			}
		}
	} else if *noBM25 {
		return fmt.Errorf("%w: --no-bm25 needs --model", errUsage)
	}
	st, err := rag.Build(ctx, docs, opt)
	if err != nil {
		return err
	}
	if err := st.SaveLocked(lock); err != nil {
		return err
	}
	what := "BM25"
	if m := st.Manifest().Model; m != nil {
		what = fmt.Sprintf("%s (%d dims)", m.Name, m.Dim)
		if st.Index() != nil {
			what = "BM25 + " + what
		}
	}
	fmt.Fprintf(stdout, "indexed %d passages from %s with %s into %s in %.1fs\n", st.Len(), src, what, *out, time.Since(start).Seconds())
	return nil
}
