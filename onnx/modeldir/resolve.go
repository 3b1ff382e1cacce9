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
	"github.com/jretrieve/jretrieve/onnx/convert"
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
//   - an existing directory is returned as is, unless it holds a
//     checkpoint (model.safetensors ...) and no model.onnx /
//     onnx/model.onnx: then it is converted once into jretrieve's cache
//     (ConvertedDir) and the converted directory is returned;
//   - a catalog name (full id or short name, see catalog.Lookup) whose
//     repository publishes an ONNX graph is downloaded from there; one
//     whose architecture jretrieve converts (catalog.Model.Converted) has
//     its configuration, tokenizer and checkpoint downloaded at the
//     catalog's pinned revision and converted once, keyed by the commit;
//     other models that need an export fail with ErrNeedsExport and the
//     exact command; unsupported ones fail with the catalog's reason;
//   - any other "org/name" is downloaded; without model.onnx or
//     onnx/model.onnx its checkpoint is downloaded and converted.
//
// c is the Hub client (nil: hub.New(hub.FromEnv()), which honours HF_HOME,
// HF_HUB_CACHE, HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE).
func Resolve(ctx context.Context, name string, c *hub.Client) (Source, error) {
	return ResolveWith(ctx, name, c, convert.Options{})
}

// ResolveWith is Resolve with the options of jretrieve's own conversions
// (graph form, quantization: part of the conversion's cache key). Options
// other than the plain fp32 graph apply only to models jretrieve converts:
// for one that resolves to a published or exported ONNX graph they are an
// error rather than silently ignored.
func ResolveWith(ctx context.Context, name string, c *hub.Client, opts convert.Options) (Source, error) {
	src, err := resolve(ctx, name, c, opts)
	if err == nil && opts.RequiresORT() && !IsConverted(src.Dir) {
		return src, fmt.Errorf("modeldir: %s resolves to its own ONNX graph (%s), not one jretrieve converts: --graph %s --quantize %s apply to converted checkpoints only", name, src.Dir, or(opts.Graph, convert.GraphPlain), or(opts.Quantize, convert.QuantNone))
	}
	return src, err
}

// IsConverted reports whether dir is a conversion jretrieve wrote into its
// cache (ConvertedDir).
func IsConverted(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, completeMark))
	return err == nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func resolve(ctx context.Context, name string, c *hub.Client, opts convert.Options) (Source, error) {
	st, statErr := os.Stat(name)
	if statErr == nil && st.IsDir() {
		if !HasONNX(name) && convert.HasCheckpoint(name) {
			out, err := ConvertedDir(ctx, name, "", "", opts)
			if err != nil {
				return Source{}, err
			}
			return Source{Dir: out}, nil
		}
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
		if HasONNX(dir) {
			return Source{Dir: dir}, nil
		}
		// No ONNX graph in the repository: convert its checkpoint.
		return convertSnapshot(ctx, c, hub.Repo{ID: name}, Source{}, opts)
	}
	src := Source{Model: m, InCatalog: true}
	// A third-party conversion, an export or no route at all: jretrieve's
	// own conversion of the model's checkpoint takes over where it builds
	// the architecture. An official ONNX file (ONNXRepo) keeps priority.
	if m.ONNX.Source != catalog.ONNXRepo && m.Converted() {
		return convertSnapshot(ctx, c, hub.Repo{ID: m.ID, Revision: m.Revision}, src, opts)
	}
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

// convertSnapshot downloads the configuration, tokenizer and checkpoint
// files of repo and converts them once into jretrieve's cache (see
// ConvertedDir), keyed by the snapshot's commit.
func convertSnapshot(ctx context.Context, c *hub.Client, repo hub.Repo, src Source, opts convert.Options) (Source, error) {
	dir, err := snapshotCheckpoint(ctx, c, repo)
	if err != nil {
		return src, err
	}
	out, err := ConvertedDir(ctx, dir, repo.ID, filepath.Base(dir), opts)
	if err != nil {
		return src, fmt.Errorf("modeldir: %s: %w", repo.ID, err)
	}
	src.Dir, src.ONNX = out, ""
	return src, nil
}

// snapshotCheckpoint downloads the configuration, tokenizer and
// safetensors weights of repo, else (a repository without safetensors)
// its pytorch_model.bin.
func snapshotCheckpoint(ctx context.Context, c *hub.Client, repo hub.Repo) (string, error) {
	dir, err := c.Snapshot(ctx, repo, append(append([]string{}, filePatterns...), weightPatterns...))
	if err != nil {
		return "", fmt.Errorf("modeldir: %s (checkpoint to convert): %w", repo.ID, err)
	}
	if convert.HasCheckpoint(dir) {
		return dir, nil
	}
	if dir, err = c.Snapshot(ctx, repo, []string{"pytorch_model.bin"}); err != nil {
		return "", fmt.Errorf("modeldir: %s has no ONNX graph, no model.safetensors and no pytorch_model.bin to convert: %w", repo.ID, err)
	}
	return dir, nil
}

// revision pins the catalog's commit for the model's own repository.
func revision(m catalog.Model, repo string) string {
	if repo == m.ID {
		return m.Revision
	}
	return ""
}
