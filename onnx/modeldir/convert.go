package modeldir

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/jretrieve/jretrieve/catalog"
	"github.com/jretrieve/jretrieve/hub"
	"github.com/jretrieve/jretrieve/onnx/convert"
)

// weightPatterns are the checkpoint files the converter reads.
var weightPatterns = []string{"model.safetensors", "model.safetensors.index.json", "model-*-of-*.safetensors"}

// CacheDir returns jretrieve's cache directory: $JRETRIEVE_CACHE, else
// $XDG_CACHE_HOME/jretrieve, else ~/.cache/jretrieve.
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

// HasONNX reports whether dir holds model.onnx or onnx/model.onnx.
func HasONNX(dir string) bool {
	for _, c := range []string{"model.onnx", filepath.Join("onnx", "model.onnx")} {
		if _, err := os.Stat(filepath.Join(dir, c)); err == nil {
			return true
		}
	}
	return false
}

// completeMark is written last in a finished conversion directory.
const completeMark = ".jretrieve-converted"

// ConvertedDir returns a complete model directory for the checkpoint in
// dir: model.onnx built by package onnx/convert, the weights it points
// into (hard links, or converted copies), and the configuration and
// tokenizer files of dir. It lives in CacheDir()/converted/<key>, where key
// names the checkpoint's revision, the converter version and the options:
// the first call converts, later calls with the same key reuse the result.
// revision identifies the checkpoint: the Hub commit, or "" for a local
// directory (then the key hashes its path and its files' sizes and
// modification times).
func ConvertedDir(ctx context.Context, dir, repoID, revision string, opts convert.Options) (string, error) {
	key, err := cacheKey(dir, repoID, revision, opts)
	if err != nil {
		return "", err
	}
	root := filepath.Join(CacheDir(), "converted")
	out := filepath.Join(root, key)
	if _, err := os.Stat(filepath.Join(out, completeMark)); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("modeldir: %w", err)
	}
	tmp, err := os.MkdirTemp(root, ".tmp-"+key+"-")
	if err != nil {
		return "", fmt.Errorf("modeldir: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := copyModelFiles(dir, tmp); err != nil {
		return "", err
	}
	if _, err := convert.Convert(ctx, dir, tmp, opts); err != nil {
		return "", fmt.Errorf("modeldir: %w", err)
	}
	stamp := fmt.Sprintf("source %s\nrepo %s\nrevision %s\nconverter %s\noptions %s\n", dir, repoID, revision, convert.Version, opts.Key())
	if err := os.WriteFile(filepath.Join(tmp, completeMark), []byte(stamp), 0o644); err != nil {
		return "", fmt.Errorf("modeldir: %w", err)
	}
	if err := os.Rename(tmp, out); err != nil {
		// Another process may have finished the same conversion first.
		if _, serr := os.Stat(filepath.Join(out, completeMark)); serr == nil {
			return out, nil
		}
		// A stale incomplete directory: replace it.
		if rerr := os.RemoveAll(out); rerr != nil {
			return "", fmt.Errorf("modeldir: %w", err)
		}
		if err := os.Rename(tmp, out); err != nil {
			return "", fmt.Errorf("modeldir: %w", err)
		}
	}
	ok = true
	return out, nil
}

// cacheKey names a conversion: <repo or local>@<revision>-c<version>-<options>.
func cacheKey(dir, repoID, revision string, opts convert.Options) (string, error) {
	suffix := "-c" + convert.Version + "-" + opts.Key()
	if repoID != "" && revision != "" {
		return strings.ReplaceAll(repoID, "/", "--") + "@" + revision + suffix, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("modeldir: %w", err)
	}
	h := sha256.New()
	io.WriteString(h, abs)
	ents, err := os.ReadDir(abs)
	if err != nil {
		return "", fmt.Errorf("modeldir: %w", err)
	}
	for _, e := range ents {
		st, err := os.Stat(filepath.Join(abs, e.Name()))
		if err != nil || st.IsDir() {
			continue
		}
		fmt.Fprintf(h, "\n%s %d %d", e.Name(), st.Size(), st.ModTime().UnixNano())
	}
	return "local-" + filepath.Base(abs) + "@" + hex.EncodeToString(h.Sum(nil))[:16] + suffix, nil
}

// isWeightFile reports files that copyModelFiles leaves to the converter
// (or skips: other frameworks' weights, ONNX exports).
func isWeightFile(name string) bool {
	for _, ext := range []string{".safetensors", ".bin", ".onnx", ".onnx_data", ".onnx.data", ".msgpack", ".h5", ".ot", ".pt", ".pth", ".ckpt"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return name == "model.safetensors.index.json"
}

// copyModelFiles puts the non-weight files of src (configs, tokenizer,
// sentence-transformers module folders one level down) into dst, as hard
// links where possible.
func copyModelFiles(src, dst string) error {
	ents, err := os.ReadDir(src)
	if err != nil {
		return fmt.Errorf("modeldir: %w", err)
	}
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".") || isWeightFile(name) || name == "onnx" {
			continue
		}
		p := filepath.Join(src, name)
		st, err := os.Stat(p) // follows the Hub cache's symlinks
		if err != nil {
			return fmt.Errorf("modeldir: %w", err)
		}
		if st.IsDir() {
			sub, err := os.ReadDir(p)
			if err != nil {
				return fmt.Errorf("modeldir: %w", err)
			}
			if err := os.MkdirAll(filepath.Join(dst, name), 0o755); err != nil {
				return fmt.Errorf("modeldir: %w", err)
			}
			for _, s := range sub {
				sp := filepath.Join(p, s.Name())
				if sst, err := os.Stat(sp); err != nil || sst.IsDir() || isWeightFile(s.Name()) {
					continue
				}
				if err := linkOrCopy(sp, filepath.Join(dst, name, s.Name())); err != nil {
					return err
				}
			}
			continue
		}
		if err := linkOrCopy(p, filepath.Join(dst, name)); err != nil {
			return err
		}
	}
	return nil
}

func linkOrCopy(src, dst string) error {
	real, err := filepath.EvalSymlinks(src)
	if err != nil {
		return fmt.Errorf("modeldir: %w", err)
	}
	if os.Link(real, dst) == nil {
		return nil
	}
	in, err := os.Open(real)
	if err != nil {
		return fmt.Errorf("modeldir: %w", err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("modeldir: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("modeldir: copy %s: %w", src, err)
	}
	return out.Close()
}

// ConvertInto writes a complete model directory for the checkpoint in dir
// into out (created if needed): the configuration and tokenizer files of
// dir, model.onnx and the weights it needs (see convert.Convert).
func ConvertInto(ctx context.Context, dir, out string, opts convert.Options) (*convert.Result, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("modeldir: %w", err)
	}
	same, err := sameDir(dir, out)
	if err != nil {
		return nil, err
	}
	if !same {
		if err := copyModelFiles(dir, out); err != nil {
			return nil, err
		}
	}
	res, err := convert.Convert(ctx, dir, out, opts)
	if err != nil {
		return nil, fmt.Errorf("modeldir: %w", err)
	}
	return res, nil
}

func sameDir(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, fmt.Errorf("modeldir: %w", err)
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, fmt.Errorf("modeldir: %w", err)
	}
	return os.SameFile(sa, sb), nil
}

// Checkpoint finds the checkpoint of name: an existing directory as is, or
// a catalog name or Hugging Face repository id whose configuration,
// tokenizer and weight files are downloaded (at the catalog's pinned
// revision). It returns the directory and, for a download, the
// repository id and commit.
func Checkpoint(ctx context.Context, name string, c *hub.Client) (dir, repoID, commit string, err error) {
	if st, err := os.Stat(name); err == nil && st.IsDir() {
		if !convert.HasCheckpoint(name) {
			return "", "", "", fmt.Errorf("%w in %s", convert.ErrNoCheckpoint, name)
		}
		return name, "", "", nil
	}
	if c == nil {
		c = hub.New(hub.FromEnv())
	}
	repo := hub.Repo{ID: name}
	if m, ok := catalog.Lookup(name); ok {
		repo = hub.Repo{ID: m.ID, Revision: m.Revision}
	} else if !strings.Contains(name, "/") {
		return "", "", "", fmt.Errorf("modeldir: %q is neither a directory, a catalog model nor a Hugging Face repository id", name)
	}
	if dir, err = snapshotCheckpoint(ctx, c, repo); err != nil {
		return "", "", "", err
	}
	return dir, repo.ID, filepath.Base(dir), nil
}
