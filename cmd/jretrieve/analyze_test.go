package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestAnalyzeCommand(t *testing.T) {
	p := filepath.Join(t.TempDir(), "in.txt")
	os.WriteFile(p, []byte("すもももももももものうち。\n  東京都に住んでいる\n\n"), 0o644)
	var out, errb bytes.Buffer
	if code := runMain(context.Background(), []string{"analyze", "-dict", "ipa", "-j", "2", p}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	// mecab -d ipadic-utf8 -Owakati output for the same lines
	want := "すもも も もも も もも の うち 。 \n東京 都 に 住ん で いる \n\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	os.WriteFile(p, []byte("ok\nbad\xff\n"), 0o644)
	out.Reset()
	errb.Reset()
	if code := runMain(context.Background(), []string{"analyze", p}, &out, &errb); code != 1 || !bytes.Contains(errb.Bytes(), []byte("in.txt:2")) {
		t.Errorf("invalid UTF-8: exit %d, stderr %q", code, errb.String())
	}
}
