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

// TestAnalyzePOSBase checks that -pos honours -base (and the other token
// options): the expected lines are what `mecab -d ipadic-utf8` prints for
// 東京都に住んでいる, with each surface replaced by its base form (feature 7)
// and 助詞 dropped.
func TestAnalyzePOSBase(t *testing.T) {
	p := filepath.Join(t.TempDir(), "in.txt")
	os.WriteFile(p, []byte("東京都に住んでいる\n"), 0o644)
	var out, errb bytes.Buffer
	if code := runMain(context.Background(), []string{"analyze", "-dict", "ipa", "-pos", "-base", "-drop-pos", "助詞", p}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	want := "東京\t名詞,固有名詞,地域,一般\n" +
		"都\t名詞,接尾,地域,*\n" +
		"住む\t動詞,自立,*,*\n" +
		"いる\t動詞,非自立,*,*\n" +
		"EOS\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
