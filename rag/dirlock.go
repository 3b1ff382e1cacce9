package rag

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofrs/flock"
)

// ErrLocked is wrapped by the error of LockDir (and Save) when another
// writer, in this process or another, holds the directory's lock.
var ErrLocked = errors.New("the index directory is being written by another process")

// DirLock is the writer lock of a store directory: an flock(2) on
// LockPath(dir), a hidden file beside the directory (the directory itself
// is replaced by every Save, so it cannot carry the lock).
type DirLock struct {
	dir string
	fl  *flock.Flock
}

// LockPath returns the lock file of the store directory dir: ".NAME.lock"
// in dir's parent.
func LockPath(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = filepath.Clean(dir)
	}
	return filepath.Join(filepath.Dir(abs), "."+filepath.Base(abs)+".lock")
}

// LockDir takes the writer lock of dir without waiting; it fails with an
// error wrapping ErrLocked when another writer holds it, and when dir
// exists holding anything but a store (Save would replace it). Take it
// before long work (embedding a corpus) and write with SaveLocked.
func LockDir(dir string) (*DirLock, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("rag: %w", err)
	}
	// A symbolic link to the store is followed: the directory it names is
	// the one replaced (not the link).
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("rag: %w", err)
	}
	p := LockPath(abs)
	fl := flock.New(p)
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("rag: lock %s: %w", p, err)
	}
	if !ok {
		return nil, fmt.Errorf("rag: %s: %w (lock file %s)", abs, ErrLocked, p)
	}
	if _, err := checkReplaceable(abs); err != nil {
		fl.Unlock()
		return nil, err
	}
	return &DirLock{dir: abs, fl: fl}, nil
}

// Dir returns the locked directory (absolute).
func (l *DirLock) Dir() string { return l.dir }

// Unlock releases the lock. The lock file stays (removing it would race
// with a writer about to lock it).
func (l *DirLock) Unlock() error { return l.fl.Unlock() }

// storeEntry reports whether name may be found in a store directory: a data
// file, the manifest, or an atomicfile temporary of one of them.
func storeEntry(name string) bool {
	switch name {
	case ManifestFile, DocumentsFile, BM25File, EmbeddingsFile:
		return true
	}
	for _, f := range []string{ManifestFile, DocumentsFile, BM25File, EmbeddingsFile} {
		if strings.HasPrefix(name, "."+f+".tmp") {
			return true
		}
	}
	return false
}

// checkReplaceable refuses to replace an existing directory that holds
// anything but a store: Save replaces the whole directory.
func checkReplaceable(dir string) (exists bool, err error) {
	st, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("rag: %w", err)
	}
	if !st.IsDir() {
		return false, fmt.Errorf("rag: %s exists and is not a directory", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("rag: %w", err)
	}
	for _, e := range ents {
		if !storeEntry(e.Name()) || e.IsDir() {
			return false, fmt.Errorf("rag: %s holds %s, which is not part of an index: refusing to replace the directory (choose an empty or new one)", dir, e.Name())
		}
	}
	return true, nil
}

// swapIn makes the complete directory tmp the store directory dir: an
// atomic exchange where the system has one (Linux renameat2), else two
// renames (a reader can then briefly find no directory, and retries). The
// previous store is removed.
func swapIn(tmp, dir string, exists bool) error {
	if !exists {
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("rag: %w", err)
		}
		return syncDir(filepath.Dir(dir))
	}
	if err := exchange(tmp, dir); err == nil {
		// tmp now holds the previous store.
		syncDir(filepath.Dir(dir))
		return os.RemoveAll(tmp)
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("rag: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir)
		return fmt.Errorf("rag: %w", err)
	}
	syncDir(filepath.Dir(dir))
	return os.RemoveAll(old)
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// cleanStale removes temporary directories left by interrupted saves of
// dir (the caller holds the lock, so no save is running).
func cleanStale(dir string) {
	parent, prefix := filepath.Dir(dir), "."+filepath.Base(dir)+".new-"
	ents, _ := os.ReadDir(parent)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) {
			os.RemoveAll(filepath.Join(parent, e.Name()))
		}
	}
}
