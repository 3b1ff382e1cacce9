package rag_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jretrieve/jretrieve/rag"
)

func TestSplitPassages(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want []string
	}{
		{"一段落目。\n続き。\r\n\r\n  \n二段落目。\n", 100, []string{"一段落目。\n続き。", "二段落目。"}},
		// cut after the last sentence end that fits in 8 runes
		{"あいう。えおか。きくけこ。", 8, []string{"あいう。えおか。", "きくけこ。"}},
		// no sentence end: hard cut
		{"あいうえおかきくけ", 4, []string{"あいうえ", "おかきく", "け"}},
		{"\n\n", 10, nil},
	} {
		if got := rag.SplitPassages(tc.in, tc.max); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitPassages(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

func TestReadFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"docs/b.txt":         {Data: []byte("富士山は高い。\n\n琵琶湖は広い。\n")},
		"docs/a/c.md":        {Data: []byte("# 見出し\n本文。")},
		"docs/skip.csv":      {Data: []byte("x,y")},
		"docs/.hidden/d.txt": {Data: []byte("隠し")},
		"docs/.e.txt":        {Data: []byte("隠し")},
	}
	docs, err := rag.ReadFiles(context.Background(), fsys, "docs", rag.SplitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []rag.Document{
		{ID: "a/c.md#1", Text: "# 見出し\n本文。", Meta: map[string]string{"file": "a/c.md", "passage": "1"}},
		{ID: "b.txt#1", Text: "富士山は高い。", Meta: map[string]string{"file": "b.txt", "passage": "1"}},
		{ID: "b.txt#2", Text: "琵琶湖は広い。", Meta: map[string]string{"file": "b.txt", "passage": "2"}},
	}
	if !reflect.DeepEqual(docs, want) {
		t.Errorf("got %+v\nwant %+v", docs, want)
	}
	fsys["docs/bad.txt"] = &fstest.MapFile{Data: []byte("ok\xff")}
	if _, err := rag.ReadFiles(context.Background(), fsys, "docs", rag.SplitOptions{}); err == nil || !strings.Contains(err.Error(), "bad.txt") {
		t.Errorf("invalid UTF-8: %v", err)
	}
}
