//go:build !unix

package analysis

import "os"

// mapFile reads path into memory (no mmap on this platform).
func mapFile(path string) ([]byte, error) { return os.ReadFile(path) }

func unmapFile([]byte) {}

func dropCache(string) {}
