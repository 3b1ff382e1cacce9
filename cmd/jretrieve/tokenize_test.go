package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

func TestTokenizeCommand(t *testing.T) {
	var out, errb bytes.Buffer
	code := runMain(context.Background(), []string{"tokenize", "--model", "../../tokenizer/testdata/wordpiece-tiny", "Unaffable, hello!", "--max-length", "5"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if got, want := out.String(), "[CLS] un ##aff ##able [SEP]\t2 4 5 6 3\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	out.Reset()
	code = runMain(context.Background(), []string{"tokenize", "--json", "--pair", "una", "--model", "../../tokenizer/testdata/wordpiece-tiny", "hello"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var l tokenizeLine
	if err := json.Unmarshal(out.Bytes(), &l); err != nil {
		t.Fatal(err)
	}
	if l.Pair == nil || *l.Pair != "una" || len(l.IDs) != 6 || l.TypeIDs[5] != 1 {
		t.Errorf("json line %+v", l)
	}
	errb.Reset()
	if code := runMain(context.Background(), []string{"tokenize", "--model", "/nonexistent"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "nonexistent") {
		t.Errorf("missing model: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := runMain(context.Background(), []string{"tokenize", "x"}, &out, &errb); code != 2 {
		t.Errorf("no --model: exit %d", code)
	}
}

// Invalid UTF-8 is rejected with its line, as analyze and the TREC readers
// do (tokenize used to drop the byte silently).
func TestTokenizeRejectsInvalidUTF8(t *testing.T) {
	defer func(r io.Reader) { stdin = r }(stdin)
	stdin = strings.NewReader("hello\nun\xffaffable\n")
	var out, errb bytes.Buffer
	code := runMain(context.Background(), []string{"tokenize", "--model", "../../tokenizer/testdata/wordpiece-tiny"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "stdin:2: text is not valid UTF-8 (byte 0xff at column 3)") {
		t.Errorf("stdin: exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	code = runMain(context.Background(), []string{"tokenize", "--model", "../../tokenizer/testdata/wordpiece-tiny", "ok", "bad\xff"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "argument 2: text is not valid UTF-8") {
		t.Errorf("argument: exit %d, stderr %q", code, errb.String())
	}
}
