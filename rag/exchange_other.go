//go:build !linux

package rag

import "errors"

// exchange is not atomic outside Linux: Save falls back to two renames.
func exchange(a, b string) error { return errors.New("no atomic exchange") }
