package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/jretrieve/jretrieve/onnx/ort"
)

// goSlowdown is how much slower the pure-Go backend is than ONNX Runtime
// end to end: 189 s against 11 s for `jretrieve eval` with a cross-encoder
// over 3,000 questions (issue 15).
const goSlowdown = "about 17x"

// backendHelp is the usage text of every --backend flag.
const backendHelp = "inference `backend`: ort (ONNX Runtime), go (pure Go, no native library, " + goSlowdown +
	" slower end to end than ort) or auto (ort when its library is installed, else go)"

// backends are the values --backend accepts.
var backends = []string{"auto", "ort", "go"}

// checkBackend rejects a --backend value that is not one of backends,
// whatever models run.
func checkBackend(be string) error {
	if slices.Contains(backends, be) {
		return nil
	}
	return fmt.Errorf("%w: unknown --backend %q (want %s)", errUsage, be, strings.Join(backends, ", "))
}

// chooseBackend resolves --backend auto: "ort" when its library is found,
// else "go" with a notice on stderr when a neural model will run (notice
// false: BM25 only, nothing to say).
func chooseBackend(be, lib string, notice bool, stderr io.Writer, cmd string) string {
	if be != "auto" {
		return be
	}
	if _, err := ort.FindLibrary(lib); err != nil {
		if notice {
			fmt.Fprint(stderr, backendNotice(cmd, lib, err))
		}
		return "go"
	}
	return "ort"
}

// backendNotice is the note printed when auto falls back to the pure-Go
// backend.
func backendNotice(cmd, lib string, err error) string {
	why := "the ONNX Runtime library is not installed"
	if errors.Is(err, ort.ErrBuiltWithoutCgo) {
		return fmt.Sprintf("jretrieve %s: note: %v; models run on the pure-Go backend, %s slower end to end.\n", cmd, ort.ErrBuiltWithoutCgo, goSlowdown)
	}
	if lib != "" || os.Getenv(ort.EnvLibrary) != "" {
		why = fmt.Sprintf("the ONNX Runtime library was not found (%v)", err)
	}
	return fmt.Sprintf("jretrieve %s: note: %s, so models run on the pure-Go backend, %s slower end to end.\n"+
		"  For full speed run ./scripts/install-onnxruntime.sh (or set %s); --backend go skips this note.\n",
		cmd, why, goSlowdown, ort.EnvLibrary)
}
