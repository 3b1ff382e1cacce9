package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jretrieve/jretrieve/hub"
	"github.com/jretrieve/jretrieve/onnx/modeldir"
	"github.com/jretrieve/jretrieve/rag"
	"github.com/jretrieve/jretrieve/rerank"
)

func init() {
	register(&command{name: "search", summary: "search an index built by 'jretrieve index'", run: runSearch})
}

const searchSynopsis = `--index DIR [-k 10] [flags] "質問"

Searches an index written by 'jretrieve index' and prints the top passages
with their scores. The mode is hybrid (BM25 and dense fused by reciprocal
rank fusion) when the index has both, else whichever it has. Queries are
embedded by the model recorded in the index (or --model, which must have the
same weights, prefixes and tokenizer). --rerank reranks the top --depth
passages with a cross-encoder.

Example:
  jretrieve search --index /tmp/idx -k 5 "富士山の高さは？"`

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("search", searchSynopsis, stderr)
	index := fs.String("index", "", "index `dir` written by jretrieve index (required)")
	k := fs.Int("k", 10, "number of passages to print")
	mode := fs.String("mode", "auto", "retrieval `mode`: auto, bm25, dense or hybrid")
	fusion := fs.String("fusion", rag.RRF, "hybrid fusion `method`: rrf, combsum or combmnz")
	model := fs.String("model", "", "query embedder `dir` or name (default: the model recorded in the index)")
	rr := fs.String("rerank", "", "cross-encoder `model` (dir or catalog name) reranking the top --depth passages")
	depth := fs.Int("depth", 50, "passages the first stage hands to --rerank")
	asJSON := fs.Bool("json", false, "print one JSON object per passage")
	mf := addModelFlags(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := mf.check(); err != nil {
		return err
	}
	if *index == "" || len(pos) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: --index and a question are required", errUsage)
	}
	if *k <= 0 {
		return fmt.Errorf("%w: -k must be positive", errUsage)
	}
	if err := checkArgs(pos); err != nil {
		return err
	}
	query := strings.Join(pos, " ")
	st, err := rag.Open(ctx, *index, rag.OpenOptions{})
	if err != nil {
		return err
	}
	man := st.Manifest()
	switch *mode {
	case "auto":
		switch {
		case st.Index() != nil && st.Vectors() != nil:
			*mode = "hybrid"
		case st.Index() != nil:
			*mode = "bm25"
		default:
			*mode = "dense"
		}
	case "bm25", "dense", "hybrid":
	default:
		return fmt.Errorf("%w: --mode %q (want auto, bm25, dense or hybrid)", errUsage, *mode)
	}
	var stages []rag.Retriever
	if *mode == "bm25" || *mode == "hybrid" {
		bm, err := st.BM25()
		if err != nil {
			return err
		}
		stages = append(stages, bm)
	}
	if *mode == "dense" || *mode == "hybrid" {
		if man.Model == nil {
			return fmt.Errorf("%w: the index %s has no embeddings (built with --model bm25)", errUsage, *index)
		}
		name := *model
		if name == "" {
			name = man.Model.Source
		}
		if name == "" {
			return fmt.Errorf("%w: the index does not record where its model is; pass --model", errUsage)
		}
		if *model == "" && modeldir.LooksLikePath(name) {
			if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%w: the index was built with the model directory %s, which does not exist any more (moved or deleted?); pass --model DIR with the same model", errUsage, name)
			}
		}
		if *mf.maxLen == 0 {
			*mf.maxLen = man.Model.MaxLength
		}
		m, err := mf.openEmbedder(ctx, name, stderr, "search")
		if err != nil {
			return err
		}
		defer m.Close()
		dn, err := st.Dense(m)
		if err != nil {
			return err
		}
		stages = append(stages, dn)
	}
	var r rag.Retriever = stages[0]
	if len(stages) > 1 {
		r = rag.Fuse(*fusion, stages...)
	}
	if *rr != "" {
		dir := *rr
		if s, err := os.Stat(dir); err != nil || !s.IsDir() {
			if dir, err = catalogResolver(hub.New(hub.FromEnv()))(ctx, *rr); err != nil {
				return fmt.Errorf("rerank model %q: %w", *rr, err)
			}
		}
		ce, err := rerank.OpenCrossEncoder(ctx, dir, rerank.CrossEncoderOptions{
			Backend: mf.resolveBackend(stderr, "search"), Threads: *mf.threads, Library: *mf.lib, BatchSize: *mf.batch,
		})
		if err != nil {
			return err
		}
		defer ce.Close()
		r = rag.Rerank(r, ce, *depth)
	}
	hits, err := r.Retrieve(ctx, query, *k)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	for i, h := range hits {
		if *asJSON {
			b, err := json.Marshal(struct {
				Rank  int               `json:"rank"`
				ID    string            `json:"id"`
				Score float64           `json:"score"`
				Text  string            `json:"text"`
				Meta  map[string]string `json:"meta,omitempty"`
			}{i + 1, h.ID, h.Score, h.Text, h.Meta})
			if err != nil {
				return err
			}
			w.Write(append(b, '\n'))
			continue
		}
		fmt.Fprintf(w, "%2d  %.4f  %s\n    %s\n", i+1, h.Score, h.ID, snippet(h.Text, 120))
	}
	if len(hits) == 0 && !*asJSON {
		fmt.Fprintln(w, "no passage matches")
	}
	return w.Flush()
}

// snippet returns text on one line, cut to n characters.
func snippet(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	rs := []rune(text)
	if len(rs) > n {
		return string(rs[:n]) + "…"
	}
	return text
}
