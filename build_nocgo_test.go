package jretrieve_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBuildsWithoutCgo checks that jretrieve builds with CGO_ENABLED=0,
// which Go picks by itself on a machine without a C compiler: the README
// promises that nothing native is needed to build, and onnxruntime_go (the
// ONNX Runtime loader) has no files without cgo. go list shows, without
// compiling anything, a dependency whose Go files are all excluded.
func TestBuildsWithoutCgo(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	cmd := exec.Command(goBin, "list", "-e", "-deps", "-f", "{{if .Error}}{{.ImportPath}}: {{.Error}}\n{{else if and (not .GoFiles) .IgnoredGoFiles}}{{.ImportPath}}: build constraints exclude all Go files\n{{end}}", "./cmd/jretrieve", "./examples/...")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		t.Errorf("with CGO_ENABLED=0 these packages do not build:\n%s", s)
	}
}
