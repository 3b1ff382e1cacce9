// Command rag is a runnable example of package rag: it indexes a folder of
// Japanese text files, asks a question and prints the top passages with
// their scores.
//
//	go run ./examples/rag "日本で一番高い山は？"
//	go run ./examples/rag -dir ~/notes -index /tmp/notes-idx \
//	    -model testdata/models/bert-tiny -rerank testdata/models/cross-encoder-bert-tiny "質問"
//
// Without -model it searches with BM25 alone; with -model (a bi-encoder ONNX
// directory) it fuses BM25 and dense retrieval with reciprocal rank fusion;
// -rerank adds a cross-encoder over the top 20. With -index the store is
// saved there and reopened on the next run without re-embedding, unless the
// model or its settings changed, in which case it is rebuilt.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/jretrieve/jretrieve/embed"
	_ "github.com/jretrieve/jretrieve/onnx/gobackend"
	"github.com/jretrieve/jretrieve/onnx/ort"
	"github.com/jretrieve/jretrieve/rag"
	"github.com/jretrieve/jretrieve/rerank"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "rag:", err)
		os.Exit(1)
	}
}

// exampleDocs is the folder of sample texts next to this file.
func exampleDocs() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "docs")
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rag", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", exampleDocs(), "folder of .txt/.md files to index")
	index := fs.String("index", "", "directory to save the index in and reopen it from (default: in memory)")
	model := fs.String("model", "", "bi-encoder model directory (default: BM25 only)")
	rr := fs.String("rerank", "", "cross-encoder model directory reranking the top 20")
	k := fs.Int("k", 3, "passages to print")
	if err := fs.Parse(args); err != nil {
		return err
	}
	question := strings.Join(fs.Args(), " ")
	if question == "" {
		question = "日本で一番高い山は？"
	}
	backend := "ort"
	if _, err := ort.FindLibrary(""); err != nil {
		backend = "go" // pure Go, slower
	}

	var emb *embed.Model
	if *model != "" {
		m, err := embed.Open(ctx, *model, embed.WithBackend(backend))
		if err != nil {
			return err
		}
		defer m.Close()
		emb = m
	}
	st, err := openOrBuild(ctx, *dir, *index, emb, stderr)
	if err != nil {
		return err
	}

	// The pipeline: BM25, fused with dense retrieval when there is a
	// model, reranked by a cross-encoder when one is given.
	lexical, err := st.BM25()
	if err != nil {
		return err
	}
	var r rag.Retriever = lexical
	if emb != nil {
		dense, err := st.Dense(emb)
		if err != nil {
			return err
		}
		r = rag.Fuse(rag.RRF, lexical, dense)
	}
	if *rr != "" {
		ce, err := rerank.OpenCrossEncoder(ctx, *rr, rerank.CrossEncoderOptions{Backend: backend})
		if err != nil {
			return err
		}
		defer ce.Close()
		r = rag.Rerank(r, ce, 20)
	}

	hits, err := r.Retrieve(ctx, question, *k)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Q: %s\n", question)
	for i, h := range hits {
		fmt.Fprintf(stdout, "%d. [%.4f] %s\n   %s\n", i+1, h.Score, h.ID, strings.ReplaceAll(h.Text, "\n", " "))
	}
	return nil
}

// openOrBuild reopens the store saved in index when it matches the model,
// else reads the folder, builds the store and saves it there.
func openOrBuild(ctx context.Context, dir, index string, emb *embed.Model, log io.Writer) (*rag.Store, error) {
	var opt rag.OpenOptions
	if emb != nil {
		opt.Embedder = emb
	}
	if index != "" {
		st, err := rag.Open(ctx, index, opt)
		switch {
		case err == nil && (emb != nil) == (st.Vectors() != nil):
			fmt.Fprintf(log, "reopened %s (%d passages, nothing re-embedded)\n", index, st.Len())
			return st, nil
		case err == nil:
			fmt.Fprintf(log, "%s: built without this model; rebuilding\n", index)
		case errors.Is(err, rag.ErrMismatch):
			fmt.Fprintf(log, "%v; rebuilding\n", err)
		case !errors.Is(err, os.ErrNotExist):
			return nil, err
		}
	}
	docs, err := rag.ReadFiles(ctx, os.DirFS(dir), ".", rag.SplitOptions{})
	if err != nil {
		return nil, err
	}
	bo := rag.BuildOptions{}
	if emb != nil {
		bo.Embedder = emb
	}
	st, err := rag.Build(ctx, docs, bo)
	if err != nil {
		return nil, err
	}
	if index != "" {
		if err := st.Save(index); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "indexed %d passages into %s\n", st.Len(), index)
	}
	return st, nil
}
