package main

import (
	"bytes"
	"context"
	"encoding/json"
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
