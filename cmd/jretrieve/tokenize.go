package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jretrieve/jretrieve/internal/utf8check"
	"github.com/jretrieve/jretrieve/tokenizer"
)

func init() {
	register(&command{name: "tokenize", summary: "tokenize text with a model directory's tokenizer", run: runTokenize})
}

const tokenizeSynopsis = `--model DIR [flags] [TEXT...]

Loads the tokenizer of the Hugging Face model directory DIR (vocab.txt +
tokenizer_config.json, tokenizer.json, or a SentencePiece model) and prints,
for each TEXT (or each line of standard input when no TEXT is given), one
line: the tokens, a tab, and the ids. With --pair every text is encoded as
the first text of a pair with the --pair text second (cross-encoder input).

Example:
  jretrieve tokenize --model ~/models/ruri-base --max-length 16 東京都に住んでいます。`

// stdin is the commands' standard input (replaced in tests).
var stdin io.Reader = os.Stdin

// checkArgs rejects text arguments that are not valid UTF-8, the rule every
// text input follows (tokenizers would otherwise drop or replace the bytes).
func checkArgs(texts []string) error {
	for i, t := range texts {
		if !utf8.ValidString(t) {
			return fmt.Errorf("argument %d: text is %w", i+1, utf8check.ErrInvalid)
		}
	}
	return nil
}

// scanLines calls fn with each line of r (named name in errors), rejecting a
// line that is not valid UTF-8 with its number.
func scanLines(ctx context.Context, r io.Reader, name string, fn func(string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := utf8check.Line(sc.Bytes(), name, line); err != nil {
			return err
		}
		if err := fn(sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return nil
}

type tokenizeLine struct {
	Text      string   `json:"text"`
	Pair      *string  `json:"pair,omitempty"`
	Tokens    []string `json:"tokens"`
	IDs       []int64  `json:"ids"`
	TypeIDs   []int64  `json:"type_ids"`
	Offsets   [][2]int `json:"offsets"`
	Truncated bool     `json:"truncated"`
}

func runTokenize(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("tokenize", tokenizeSynopsis, stderr)
	model := fs.String("model", "", "model `DIR` (required)")
	pair := fs.String("pair", "", "second `TEXT` of a pair (query/document cross-encoder input)")
	maxLen := fs.Int("max-length", 0, "maximum number of ids incl. special tokens (0: model_max_length)")
	asJSON := fs.Bool("json", false, "print one JSON object per text")
	texts, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *model == "" {
		fs.Usage()
		return fmt.Errorf("%w: --model is required", errUsage)
	}
	pairSet := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "pair" {
			pairSet = true
		}
	})
	tok, err := tokenizer.Load(*model)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	emit := func(text string) error {
		var e tokenizer.Encoding
		if pairSet {
			e = tok.EncodePair(text, *pair, *maxLen)
		} else {
			e = tok.Encode(text, *maxLen)
		}
		if *asJSON {
			l := tokenizeLine{Text: text, Tokens: e.Tokens, IDs: e.IDs, TypeIDs: e.TypeIDs, Offsets: e.Offsets, Truncated: e.Truncated}
			if pairSet {
				l.Pair = pair
			}
			b, err := json.Marshal(l)
			if err != nil {
				return err
			}
			w.Write(b)
			return w.WriteByte('\n')
		}
		ids := make([]string, len(e.IDs))
		for i, id := range e.IDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		_, err := fmt.Fprintf(w, "%s\t%s\n", strings.Join(e.Tokens, " "), strings.Join(ids, " "))
		return err
	}
	if err := checkArgs(texts); err != nil {
		return err
	}
	if len(texts) > 0 {
		for _, t := range texts {
			if err := emit(t); err != nil {
				return err
			}
		}
		return nil
	}
	return scanLines(ctx, stdin, "stdin", emit)
}
