package modeldir

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jretrieve/jretrieve/catalog"
	"github.com/jretrieve/jretrieve/hub"
)

// Source is the local directory a model name resolved to.
type Source struct {
	Dir string
	// ONNX is the ONNX file relative to Dir ("" = model.onnx / onnx/model.onnx).
	ONNX string
	// Model is the catalog entry; InCatalog is false for a plain repository id.
	Model     catalog.Model
	InCatalog bool
}

// ErrNeedsExport reports a catalog model without a downloadable ONNX graph.
var ErrNeedsExport = errors.New("modeldir: model needs an ONNX export")

// ErrNoDirectory reports a model name that is a path (./x, /x, ~/x, a/b/c)
// naming no existing directory.
var ErrNoDirectory = errors.New("model directory does not exist")

// LooksLikePath reports whether a model name can only be a local path, not
// a catalog name or a Hugging Face repository id ("org/name"): it starts
// with ".", "/" or "~", is absolute, holds a backslash or more than one
// slash, or ends with a slash.
func LooksLikePath(name string) bool {
	switch {
	case name == "", filepath.IsAbs(name), strings.ContainsRune(name, '\\'):
		return name != ""
	case strings.HasPrefix(name, ".") || strings.HasPrefix(name, "/") || strings.HasPrefix(name, "~"):
		return true
	case strings.Count(name, "/") > 1 || strings.HasSuffix(name, "/"):
		return true
	}
	return false
}

// filePatterns are the non-weight files a model directory needs.
var filePatterns = []string{"*.json", "*.txt", "*.model", "1_Pooling/*"}

// Resolve turns a model name into a local directory:
//
//   - an existing directory is returned as is;
//   - a catalog name (full id or short name, see catalog.Lookup) is
//     downloaded from where the catalog says its ONNX graph lives (the model
//     repository's onnx/ folder or a known conversion); models that need an
//     export fail with ErrNeedsExport and the exact command; unsupported
//     ones fail with the catalog's reason;
//   - any other "org/name" is downloaded as a repository that must hold
//     model.onnx or onnx/model.onnx.
//
// c is the Hub client (nil: hub.New(hub.FromEnv()), which honours HF_HOME,
// HF_HUB_CACHE, HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE).
func Resolve(ctx context.Context, name string, c *hub.Client) (Source, error) {
	st, statErr := os.Stat(name)
	if statErr == nil && st.IsDir() {
		return Source{Dir: name}, nil
	}
	if statErr == nil {
		return Source{}, fmt.Errorf("modeldir: %s is a file, not a model directory", name)
	}
	if LooksLikePath(name) {
		return Source{}, fmt.Errorf("modeldir: %s: %w", name, ErrNoDirectory)
	}
	if c == nil {
		c = hub.New(hub.FromEnv())
	}
	m, ok := catalog.Lookup(name)
	if !ok {
		if !strings.Contains(name, "/") {
			return Source{}, fmt.Errorf("modeldir: %q is neither a directory, a catalog model nor a Hugging Face repository id", name)
		}
		dir, err := c.Snapshot(ctx, hub.Repo{ID: name}, append(append([]string{}, filePatterns...), "model.onnx", "onnx/model.onnx"))
		if err != nil {
			return Source{}, fmt.Errorf("modeldir: %s is no local directory, and as a Hugging Face repository: %w", name, err)
		}
		return Source{Dir: dir}, nil
	}
	src := Source{Model: m, InCatalog: true}
	if m.Support == catalog.Unsupported {
		return src, fmt.Errorf("modeldir: %s cannot run in jretrieve yet: %s", m.ID, m.Reason)
	}
	switch m.ONNX.Source {
	case catalog.ONNXRepo, catalog.ONNXConversion:
		repo := m.ID
		if m.ONNX.Source == catalog.ONNXConversion {
			repo = m.ONNX.Repo
		}
		file := m.ONNX.File
		if file == "" {
			file = "onnx/model.onnx"
		}
		patterns := append(append([]string{}, filePatterns...), file, file+"_data")
		dir, err := c.Snapshot(ctx, hub.Repo{ID: repo, Revision: revision(m, repo)}, patterns)
		if err != nil {
			return src, fmt.Errorf("modeldir: %s (ONNX from %s): %w", m.ID, repo, err)
		}
		src.Dir, src.ONNX = dir, filepath.FromSlash(file)
		return src, nil
	case catalog.ONNXExport:
		cmd := m.ONNX.Export
		if cmd == "" {
			cmd = "optimum-cli export onnx --model " + m.ID + " DIR"
		}
		return src, fmt.Errorf("%w: %s publishes no ONNX graph; export it with\n  %s\nand pass the output directory instead of the name", ErrNeedsExport, m.ID, cmd)
	default:
		reason := m.Reason
		if reason == "" {
			reason = "no known ONNX graph"
		}
		return src, fmt.Errorf("modeldir: %s cannot run in jretrieve: %s", m.ID, reason)
	}
}

// revision pins the catalog's commit for the model's own repository.
func revision(m catalog.Model, repo string) string {
	if repo == m.ID {
		return m.Revision
	}
	return ""
}
