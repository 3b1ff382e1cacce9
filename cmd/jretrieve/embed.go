package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/jretrieve/jretrieve/embed"
	_ "github.com/jretrieve/jretrieve/onnx/gobackend" // "go" backend fallback
	"github.com/jretrieve/jretrieve/onnx/modeldir"
)

func init() {
	register(&command{name: "embed", summary: "embed texts with a bi-encoder model (ONNX)", run: runEmbed})
}

const embedSynopsis = `--model DIR|NAME [flags] [TEXT...]

Embeds each TEXT (or each line of standard input when no TEXT is given) with
the model's document prefix (--query: its query prefix), pooling and L2
normalization, and prints one JSON line per text:
{"text": ..., "tokens": N, "vector": [...]}. With --against QUERY it prints
the cosine similarity to QUERY instead of the vector.

DIR is a model directory with its tokenizer and sentence-transformers files
and either an ONNX export (model.onnx or onnx/model.onnx) or a checkpoint
(model.safetensors or pytorch_model.bin), converted to ONNX in Go on first
use; NAME is a catalog model or Hugging Face repository id (downloaded into
the Hugging Face cache, converted the same way).

Example:
  jretrieve embed --model testdata/models/bert-tiny --query "hello world"`

func runEmbed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("embed", embedSynopsis, stderr)
	model := fs.String("model", "", "model directory or catalog name (required)")
	query := fs.Bool("query", false, "embed as queries (query prefix) instead of documents")
	against := fs.String("against", "", "print the cosine similarity of each text to this query instead of vectors")
	backend := fs.String("backend", "auto", backendHelp)
	threads := fs.Int("threads", 1, "intra-op threads")
	lib := fs.String("ort-lib", "", "path of libonnxruntime.so (default: $JRETRIEVE_ORT_LIB, then the jretrieve cache)")
	maxLen := fs.Int("max-length", 0, "maximum sequence length in tokens (default: the model's)")
	batch := fs.Int("batch", 32, "sequences per encoder run")
	form := addFormFlags(fs)
	texts, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *model == "" {
		fs.Usage()
		return fmt.Errorf("%w: --model is required", errUsage)
	}
	if err := checkBackend(*backend); err != nil {
		return err
	}
	if err := checkArgs(texts); err != nil {
		return err
	}
	if len(texts) == 0 {
		err := scanLines(ctx, stdin, "stdin", func(t string) error {
			texts = append(texts, t)
			return nil
		})
		if err != nil {
			return err
		}
	}
	copts, err := form.options(false)
	if err != nil {
		return err
	}
	be := chooseBackend(*backend, *lib, true, stderr, "embed")
	if err := checkBackendFor(copts, be); err != nil {
		return err
	}
	opts := []embed.Option{embed.WithBackend(be), embed.WithThreads(*threads), embed.WithBatchSize(*batch)}
	if copts.RequiresORT() {
		opts = append(opts, embed.WithResolver(func(ctx context.Context, name string) (modeldir.Source, error) {
			return modeldir.ResolveWith(ctx, name, nil, copts)
		}))
	}
	if *lib != "" {
		opts = append(opts, embed.WithLibrary(*lib))
	}
	if *maxLen > 0 {
		opts = append(opts, embed.WithMaxLength(*maxLen))
	}
	m, err := embed.Open(ctx, *model, opts...)
	if err != nil {
		if errors.Is(err, embed.ErrCrossEncoder) {
			return fmt.Errorf("%w\n(rerank with it instead, e.g. jretrieve eval --model 'bm25>%s@100')", err, *model)
		}
		return err
	}
	defer m.Close()
	fmt.Fprintf(stderr, "jretrieve embed: %s\n", m.DescribePrompts())
	var vecs []float32
	if *query {
		vecs, err = m.EmbedQueries(ctx, texts)
	} else {
		vecs, err = m.EmbedDocuments(ctx, texts)
	}
	if err != nil {
		return err
	}
	var q []float32
	if *against != "" {
		if q, err = m.EmbedQueries(ctx, []string{*against}); err != nil {
			return err
		}
	}
	w := bufio.NewWriter(stdout)
	dim := m.Dim()
	for i, t := range texts {
		v := vecs[i*dim : (i+1)*dim]
		tb, _ := json.Marshal(t)
		tokens := m.Encode(m.Prefixes().Document, t).Len()
		if *query {
			tokens = m.Encode(m.Prefixes().Query, t).Len()
		}
		fmt.Fprintf(w, `{"text":%s,"tokens":%d,`, tb, tokens)
		if q != nil {
			var dot float64
			for j := range v {
				dot += float64(v[j]) * float64(q[j])
			}
			fmt.Fprintf(w, `"cosine":%s}`+"\n", strconv.FormatFloat(dot, 'f', 6, 64))
			continue
		}
		w.WriteString(`"vector":[`)
		for j, x := range v {
			if j > 0 {
				w.WriteByte(',')
			}
			w.WriteString(strconv.FormatFloat(float64(x), 'g', -1, 32))
		}
		w.WriteString("]}\n")
	}
	st := m.Stats()
	if st.Truncated > 0 {
		fmt.Fprintf(stderr, "jretrieve embed: %d of %d texts truncated to %d tokens\n", st.Truncated, st.Sequences, m.MaxLength())
	}
	return w.Flush()
}
