package datasets

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
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

func TestReadColumnsParquet(t *testing.T) {
	type row struct {
		F    float64  `parquet:"f"`
		F32  float32  `parquet:"f32"`
		N    int32    `parquet:"n"`
		ID   int64    `parquet:"id"`
		L    []int64  `parquet:"l,list"`
		S    []string `parquet:"s,list"`
		Text string   `parquet:"text"`
	}
	p := filepath.Join(t.TempDir(), "x.parquet")
	f, _ := os.Create(p)
	if err := parquet.Write(f, []row{{0.25, 1.5, 3, 9, []int64{2, 0}, []string{"a"}, "x"}, {-1, 0, 4, 10, nil, []string{"b", "c"}, "y"}}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cols := []Column{{"f", Float}, {"f32", Float}, {"n", Float}, {"id", IDList}, {"l", IDList}, {"s", IDList}, {"text", ID}}
	var got [][]Value
	if _, err := ReadColumns(context.Background(), p, cols, func(r []Value) error {
		got = append(got, append([]Value(nil), r...))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := [][]Value{
		{{Float: 0.25}, {Float: 1.5}, {Float: 3}, {Str: "9", List: []string{"9"}, IsInt: true}, {List: []string{"2", "0"}, IsInt: true}, {List: []string{"a"}}, {Str: "x"}},
		{{Float: -1}, {Float: 0}, {Float: 4}, {Str: "10", List: []string{"10"}, IsInt: true}, {IsInt: true}, {List: []string{"b", "c"}}, {Str: "y"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if _, err := ReadColumns(context.Background(), p, []Column{{"text", Float}}, func([]Value) error { return nil }); err == nil || !strings.Contains(err.Error(), `column "text"`) {
		t.Errorf("string column read as a number: %v", err)
	}
}
