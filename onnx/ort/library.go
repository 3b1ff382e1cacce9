package ort

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Version is the ONNX Runtime version that scripts/install-onnxruntime.sh installs.
const Version = "1.26.0"

// EnvLibrary names the environment variable holding the library path.
const EnvLibrary = "JRETRIEVE_ORT_LIB"

// ErrNoLibrary reports that libonnxruntime.so was not found.
var ErrNoLibrary = errors.New("ort: ONNX Runtime library not found")

// CacheDir returns jretrieve's cache directory:
// $JRETRIEVE_CACHE, else $XDG_CACHE_HOME/jretrieve, else ~/.cache/jretrieve.
func CacheDir() string {
	if d := os.Getenv("JRETRIEVE_CACHE"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "jretrieve")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "jretrieve")
	}
	return filepath.Join(home, ".cache", "jretrieve")
}

// ErrBuiltWithoutCgo reports that this program was built with
// CGO_ENABLED=0 (as Go does on a machine without a C compiler): it cannot
// load ONNX Runtime, and FindLibrary fails with it (and ErrNoLibrary), so
// that backend "auto" runs the pure-Go backend.
var ErrBuiltWithoutCgo = errors.New("this program was built without cgo (CGO_ENABLED=0), which loading ONNX Runtime needs; rebuild with a C compiler installed (CGO_ENABLED=1)")

// FindLibrary returns the path of libonnxruntime.so: explicit if non-empty,
// else $JRETRIEVE_ORT_LIB, else the cache location. The file must exist.
// Built without cgo it fails with ErrBuiltWithoutCgo.
func FindLibrary(explicit string) (string, error) {
	if !cgoEnabled {
		return "", fmt.Errorf("%w: %w", ErrNoLibrary, ErrBuiltWithoutCgo)
	}
	var tried []string
	for _, c := range []struct{ from, path string }{
		{"option", explicit},
		{EnvLibrary, os.Getenv(EnvLibrary)},
		{"cache", filepath.Join(CacheDir(), "onnxruntime", Version, "libonnxruntime.so")},
	} {
		if c.path == "" {
			continue
		}
		if _, err := os.Stat(c.path); err == nil {
			return c.path, nil
		} else if c.from != "cache" {
			// An explicit choice that does not exist is an error, not a fallthrough.
			return "", fmt.Errorf("%w: %s %s: %v", ErrNoLibrary, c.from, c.path, err)
		}
		tried = append(tried, c.path)
	}
	return "", fmt.Errorf("%w (tried %v); run scripts/install-onnxruntime.sh or set %s", ErrNoLibrary, tried, EnvLibrary)
}
