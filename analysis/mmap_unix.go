//go:build unix

package analysis

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps path read-only. The mapping is shared with the page cache:
// only the pages a process touches count towards its memory.
func mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() == 0 || int64(int(st.Size())) != st.Size() {
		return nil, fmt.Errorf("%s: bad size %d", path, st.Size())
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap %s: %w", path, err)
	}
	// A text touches a few scattered pages of the trie and of the
	// connection matrix: no read-ahead, and no huge pages (the kernel
	// may otherwise map 2 MB per touched page of a file in its page
	// cache). Advice only: errors are ignored.
	_ = unix.Madvise(b, unix.MADV_RANDOM)
	_ = unix.Madvise(b, unix.MADV_NOHUGEPAGE)
	return b, nil
}

func unmapFile(b []byte) { _ = unix.Munmap(b) }

// dropCache asks the kernel to drop path's pages from the page cache.
func dropCache(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
	f.Close()
}
