package datasets

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// The files in testdata/arrow were written by arrow-rs (see gen.mjs), not
// by parquet-go: nullable columns, 3-level nullable LIST<utf8>, dictionary
// pages, snappy, several row groups, data pages v1 and v2 — the shape of
// the pyarrow-written Hugging Face files. The same rows as JSON Lines go
// through the independent JSONL reader; both must give the same dataset.

func arrowFile(name string) string { return filepath.Join("testdata", "arrow", name) }

func TestArrowWrittenJQaRA(t *testing.T) {
	ctx := context.Background()
	want, err := OpenJQaRA(ctx, arrowFile("jqara_v1.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"jqara_v1.parquet", "jqara_v2.parquet"} {
		d, err := OpenJQaRA(ctx, arrowFile(name))
		if err != nil {
			t.Fatal(err)
		}
		d.Name = want.Name
		if dump(d) != dump(want) {
			t.Errorf("%s:\n%s\nwant (from JSONL):\n%s", name, dump(d), dump(want))
		}
	}
	checkGolden(t, "arrow_jqara.txt", dump(want))
}

func TestArrowWrittenJaCWIR(t *testing.T) {
	ctx := context.Background()
	pf := openParquetFile(t, arrowFile("jacwir_eval.parquet"))
	lc, _ := pf.Schema().Lookup("negatives", "list", "item")
	if lc.MaxDefinitionLevel != 3 || lc.MaxRepetitionLevel != 1 || len(pf.RowGroups()) < 2 {
		t.Fatalf("fixture is not a nullable 3-level list over several row groups: def %d rep %d, %d row groups",
			lc.MaxDefinitionLevel, lc.MaxRepetitionLevel, len(pf.RowGroups()))
	}
	want, err := OpenJaCWIR(ctx, arrowFile("jacwir_eval.jsonl"), arrowFile("jacwir_collection.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenJaCWIR(ctx, arrowFile("jacwir_eval.parquet"), arrowFile("jacwir_collection.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	got.Name = want.Name
	if dump(got) != dump(want) {
		t.Errorf("parquet:\n%s\nwant (from JSONL):\n%s", dump(got), dump(want))
	}
	// The lists themselves, row by row, including the empty one.
	pl, err := readJaCWIREval(ctx, arrowFile("jacwir_eval.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	jl, err := readJaCWIREval(ctx, arrowFile("jacwir_eval.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(pl) != fmt.Sprint(jl) || len(pl) != 7 || len(pl[0].negatives) != 0 || len(pl[1].negatives) != 5 {
		t.Errorf("eval rows differ:\nparquet %v\njsonl   %v", pl, jl)
	}
	checkGolden(t, "arrow_jacwir.txt", dump(want))
}

func openParquetFile(t *testing.T, path string) *parquet.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	return pf
}
