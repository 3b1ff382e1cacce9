package hub

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Several goroutines of one process fetching the same snapshot (e.g. two
// models resolved in parallel) must all succeed and leave intact files:
// the snapshot links are created under distinct temporary names.
func TestConcurrentSnapshotSameRepo(t *testing.T) {
	f := modelRepo(t)
	ctx := context.Background()
	for round := range 5 {
		c := f.client(Options{})
		var wg sync.WaitGroup
		errs := make([]error, 8)
		dirs := make([]string, 8)
		for g := range errs {
			wg.Go(func() { dirs[g], errs[g] = c.Snapshot(ctx, Repo{ID: "org/tiny-model"}, nil) })
		}
		wg.Wait()
		for g, err := range errs {
			if err != nil {
				t.Fatalf("round %d, goroutine %d: %v", round, g, err)
			}
		}
		for name, want := range f.files {
			got, err := os.ReadFile(filepath.Join(dirs[0], filepath.FromSlash(name)))
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("round %d: %s: %v (content equal: %v)", round, name, err, bytes.Equal(got, want))
			}
		}
		left, _ := filepath.Glob(filepath.Join(dirs[0], "*tmp-link*"))
		if len(left) > 0 {
			t.Fatalf("round %d: temporary links left: %v", round, left)
		}
	}
}
