//go:build !cgo

package ort

import (
	"context"

	"github.com/jretrieve/jretrieve/onnx"
)

// Built without cgo, ONNX Runtime cannot be loaded: the backend "ort" is
// registered still, and every entry point fails with ErrBuiltWithoutCgo
// (wrapped in ErrNoLibrary), so that a user asking for it learns why.
const cgoEnabled = false

func init() {
	onnx.Register("ort", func(path string, opts onnx.Options) (onnx.Encoder, error) {
		return Open(path, opts)
	})
}

// Init fails: this build cannot load ONNX Runtime.
func Init(library string) error {
	_, err := FindLibrary(library)
	return err
}

// Session is one loaded model; built without cgo none can be opened.
type Session struct{}

// Open fails: this build cannot load ONNX Runtime.
func Open(path string, opts onnx.Options) (*Session, error) {
	return nil, Init(opts.Library)
}

// Inputs returns nil.
func (s *Session) Inputs() []string { return nil }

// Run fails.
func (s *Session) Run(ctx context.Context, b *onnx.Batch) (onnx.Tensor, error) {
	return onnx.Tensor{}, Init("")
}

// Close does nothing.
func (s *Session) Close() error { return nil }
