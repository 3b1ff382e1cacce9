package datasets

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzJQaRAJSONL: arbitrary JSON Lines never panic; they load or fail.
func FuzzJQaRAJSONL(f *testing.F) {
	f.Add([]byte(`{"q_id":"q","question":"Q","passage_row_id":1,"label":1,"title":"t","text":"x"}` + "\n"))
	f.Add([]byte(`{"q_id":1,"question":"Q","passage_row_id":"a","label":true,"title":"t","text":"x"}`))
	f.Add(sampleJSONL[:2000])
	f.Fuzz(func(t *testing.T, data []byte) {
		tab := newJSONLTable("fuzz.jsonl", bytes.NewReader(data), nil, jqaraColumns)
		d, err := readJQaRA(context.Background(), tab, "fuzz.jsonl", "fuzz")
		if err == nil && (len(d.Queries) == 0 || d.NumPairs() == 0) {
			t.Fatalf("loaded an empty dataset without error")
		}
	})
}

// FuzzJQaRAParquet: corrupt parquet files never panic.
func FuzzJQaRAParquet(f *testing.F) {
	dir := f.TempDir()
	good, err := os.ReadFile(writeParquet(f, dir, "seed.parquet", smallJQaRA))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.parquet")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		type result struct {
			d   *Dataset
			err error
		}
		done := make(chan result, 1)
		go func() {
			d, err := OpenJQaRA(context.Background(), path)
			done <- result{d, err}
		}()
		select {
		case r := <-done:
			if r.err == nil && r.d.NumPairs() == 0 {
				t.Fatalf("loaded an empty dataset without error")
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("OpenJQaRA hangs on a %d-byte file", len(data))
		}
	})
}
