package datasets

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"
)

// Fixture rows in the real schemas. Struct tags give the column names; the
// list columns use parquet's LIST logical type, as pyarrow (and so the
// Hugging Face datasets library) writes them.

// jqaraRow is JQaRA's schema with passage_row_id an integer. Like pyarrow,
// the repetitive string columns are dictionary-encoded.
type jqaraRow struct {
	QID          string   `parquet:"q_id,dict"`
	Question     string   `parquet:"question,dict"`
	PassageRowID int64    `parquet:"passage_row_id"`
	Label        int64    `parquet:"label"`
	Title        string   `parquet:"title,dict"`
	Text         string   `parquet:"text"`
	Answers      []string `parquet:"answers,list"`
}

// jqaraStrRow is JQaRA's schema with passage_row_id a string.
type jqaraStrRow struct {
	QID          string   `parquet:"q_id"`
	Question     string   `parquet:"question"`
	PassageRowID string   `parquet:"passage_row_id"`
	Label        int32    `parquet:"label"`
	Title        string   `parquet:"title"`
	Text         string   `parquet:"text"`
	Answers      []string `parquet:"answers,list"`
}

type jacwirEvalRow struct {
	Query     string   `parquet:"query"`
	Positive  string   `parquet:"positive"`
	Negatives []string `parquet:"negatives,list"`
}

// jacwirEvalRepeated stores negatives as a bare repeated field (no LIST
// wrapper), another valid parquet encoding of a list.
type jacwirEvalRepeated struct {
	Query     string   `parquet:"query"`
	Positive  string   `parquet:"positive"`
	Negatives []string `parquet:"negatives"`
}

type jacwirDocRow struct {
	DocID       string `parquet:"doc_id"`
	Title       string `parquet:"title"`
	Description string `parquet:"description"`
	Link        string `parquet:"link"`
}

// writeParquet writes rows to dir/name with small pages and row groups so
// that readers cross page and row-group boundaries, and version-1 data
// pages and snappy compression as pyarrow writes by default.
func writeParquet[T any](t testing.TB, dir, name string, rows []T, opts ...parquet.WriterOption) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]parquet.WriterOption{parquet.PageBufferSize(2048), parquet.MaxRowsPerRowGroup(37), parquet.DataPageVersion(1), parquet.Compression(&snappy.Codec{})}, opts...)
	w := parquet.NewGenericWriter[T](f, opts...)
	if len(rows) > 0 {
		if _, err := w.Write(rows); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// sharedDir returns ../shared (relative to the repository root) or skips.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared")
	if _, err := os.Stat(filepath.Join(dir, "reference")); err != nil {
		t.Skipf("skipping: reference data ../shared is absent (%v)", err)
	}
	return dir
}
