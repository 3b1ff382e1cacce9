package datasets

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadColumnsJSONL(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.jsonl")
	os.WriteFile(p, []byte(`{"t":"a","n":3,"f":0.5,"id":7,"l":[1,2]}
{"t":"b","n":4,"f":2,"id":"x","l":["p",3]}
{"t":"c","n":5,"f":-1e3,"id":"y","l":"z"}
`), 0o644)
	cols := []Column{{"t", String}, {"n", Int}, {"f", Float}, {"id", ID}, {"l", IDList}}
	var got []Value
	n, err := ReadColumns(context.Background(), p, cols, func(row []Value) error {
		got = append(got, append([]Value(nil), row...)...)
		return nil
	})
	if err != nil || n != 3 {
		t.Fatal(n, err)
	}
	want := []Value{{Str: "a"}, {Int: 3}, {Float: 0.5}, {Str: "7", IsInt: true}, {List: []string{"1", "2"}, IsInt: true},
		{Str: "b"}, {Int: 4}, {Float: 2}, {Str: "x"}, {List: []string{"p", "3"}},
		{Str: "c"}, {Int: 5}, {Float: -1000}, {Str: "y"}, {Str: "z", List: []string{"z"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	os.WriteFile(p, []byte("{\"t\":\"a\",\"n\":3,\"f\":\"no\",\"id\":7,\"l\":[]}\n"), 0o644)
	_, err = ReadColumns(context.Background(), p, cols, func([]Value) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), `"f"`) {
		t.Fatalf("bad float: %v", err)
	}
}
