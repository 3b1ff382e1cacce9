package rag_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jretrieve/jretrieve/rag"
	"github.com/jretrieve/jretrieve/rag/ragtest"
)

// A reader opening the index while a writer replaces it sees the old or the
// new index, never a mix (it used to report "sha256 differs from the
// manifest" when a file was replaced between the manifest and the data).
func TestOpenDuringSaveSeesOldOrNew(t *testing.T) {
	ctx := context.Background()
	a, err := rag.Build(ctx, passages, rag.BuildOptions{Embedder: ragtest.New(16)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := rag.Build(ctx, passages[:5], rag.BuildOptions{Embedder: ragtest.New(16)})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "idx")
	if err := a.Save(dir); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var saves, opens atomic.Int64
	errs := make(chan error, 100)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			st := a
			if i%2 == 0 {
				st = b
			}
			if err := st.Save(dir); err != nil {
				errs <- err
				return
			}
			saves.Add(1)
		}
	}()
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				st, err := rag.Open(ctx, dir, rag.OpenOptions{})
				if err != nil {
					errs <- err
					return
				}
				if n := st.Len(); n != len(passages) && n != 5 {
					errs <- errors.New("store of an unexpected size")
					return
				}
				if st.Vectors().Len() != st.Len() || st.Index().Len() != st.Len() {
					errs <- errors.New("documents, vectors and BM25 index of different stores")
					return
				}
				opens.Add(1)
			}
		}()
	}
	deadline := time.After(1500 * time.Millisecond)
	select {
	case err := <-errs:
		stop.Store(true)
		wg.Wait()
		t.Fatalf("after %d saves and %d opens: %v", saves.Load(), opens.Load(), err)
	case <-deadline:
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("after %d saves and %d opens: %v", saves.Load(), opens.Load(), err)
	}
	t.Logf("%d saves, %d opens", saves.Load(), opens.Load())
	if saves.Load() < 5 || opens.Load() < 5 {
		t.Errorf("only %d saves and %d opens ran", saves.Load(), opens.Load())
	}
}

// A second writer fails at once with ErrLocked instead of interleaving its
// files with the first one's.
func TestSaveLocked(t *testing.T) {
	ctx := context.Background()
	st, err := rag.Build(ctx, passages, rag.BuildOptions{NoBM25: true, Embedder: ragtest.New(8)})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "idx")
	l, err := rag.LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(dir); !errors.Is(err, rag.ErrLocked) || !strings.Contains(err.Error(), rag.LockPath(dir)) {
		t.Errorf("save under another writer's lock: %v", err)
	}
	if _, err := rag.LockDir(dir); !errors.Is(err, rag.ErrLocked) {
		t.Errorf("second lock: %v", err)
	}
	if err := st.SaveLocked(l); err != nil {
		t.Fatal(err)
	}
	l.Unlock()
	if err := st.Save(dir); err != nil {
		t.Errorf("save after unlock: %v", err)
	}
	ents, _ := os.ReadDir(filepath.Dir(dir))
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{".idx.lock", "idx"}; !slices.Equal(names, want) {
		t.Errorf("parent holds %v, want %v (no temporary directories left)", names, want)
	}
}

// Save replaces the whole directory: it refuses one holding anything else.
func TestSaveRefusesForeignDirectory(t *testing.T) {
	st, err := rag.Build(context.Background(), passages, rag.BuildOptions{NoBM25: true, Embedder: ragtest.New(8)})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	if err := st.Save(dir); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("saved over a directory with other files: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "mine" {
		t.Error("the user's file was touched")
	}
}

// Saving through a symbolic link replaces the directory it names and keeps
// the link.
func TestSaveThroughSymlink(t *testing.T) {
	ctx := context.Background()
	st, err := rag.Build(ctx, passages, rag.BuildOptions{NoBM25: true, Embedder: ragtest.New(8)})
	if err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	real, link := filepath.Join(base, "real"), filepath.Join(base, "link")
	if err := st.Save(real); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(link); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi, err)
	}
	if _, err := rag.Open(ctx, link, rag.OpenOptions{}); err != nil {
		t.Error(err)
	}
}
