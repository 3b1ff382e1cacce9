package hub

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/jretrieve/jretrieve/internal/atomicfile"
)

// Repository types, as huggingface_hub names them.
const (
	TypeModel   = "model"
	TypeDataset = "dataset"
	TypeSpace   = "space"
)

// Repo names a repository at a revision.
type Repo struct {
	// ID is "org/name" (or a bare "name" for legacy repositories).
	ID string
	// Type is "model" (default when empty), "dataset" or "space".
	Type string
	// Revision is a branch, tag, commit or special ref such as
	// "refs/convert/parquet"; empty means "main".
	Revision string
}

// Model names a model repository at its default revision ("main").
func Model(id string) Repo { return Repo{ID: id, Type: TypeModel} }

// Dataset names a dataset repository at its default revision ("main").
func Dataset(id string) Repo { return Repo{ID: id, Type: TypeDataset} }

// At returns r pinned to a revision (branch, tag, commit or ref).
func (r Repo) At(revision string) Repo { r.Revision = revision; return r }

func (r Repo) typ() string {
	if r.Type == "" {
		return TypeModel
	}
	return r.Type
}

func (r Repo) revision() string {
	if r.Revision == "" {
		return "main"
	}
	return r.Revision
}

func (r Repo) String() string {
	s := r.ID
	if t := r.typ(); t != TypeModel {
		s = t + "s/" + s
	}
	return s + "@" + r.revision()
}

var (
	repoIDPart = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]*$`)
	commitRE   = regexp.MustCompile(`^[0-9a-f]{40}$`)
	etagRE     = regexp.MustCompile(`^[0-9a-f]{40}$|^[0-9a-f]{64}$`)
)

// validate checks the repository id, type and revision before they are
// used in URLs or cache paths.
func (r Repo) validate() error {
	switch r.typ() {
	case TypeModel, TypeDataset, TypeSpace:
	default:
		return fmt.Errorf("hub: repo %q: unknown type %q (want model, dataset or space)", r.ID, r.Type)
	}
	parts := strings.Split(r.ID, "/")
	if len(parts) > 2 || r.ID == "" {
		return fmt.Errorf("hub: invalid repo id %q (want org/name)", r.ID)
	}
	for _, p := range parts {
		if !repoIDPart.MatchString(p) || strings.Contains(p, "--") || strings.Contains(p, "..") {
			return fmt.Errorf("hub: invalid repo id %q", r.ID)
		}
	}
	rev := r.revision()
	if err := checkRelPath(rev); err != nil {
		return fmt.Errorf("hub: repo %s: invalid revision %q: %w", r.ID, rev, err)
	}
	return nil
}

// ErrUnsafePath reports a file name that would escape the cache directory.
var ErrUnsafePath = errors.New("unsafe path")

// checkRelPath accepts slash-separated relative paths without empty, "."
// or ".." elements, backslashes or NUL bytes.
func checkRelPath(p string) error {
	if p == "" {
		return fmt.Errorf("%w: empty", ErrUnsafePath)
	}
	if strings.ContainsAny(p, "\\\x00") {
		return fmt.Errorf("%w: %q contains a backslash or NUL", ErrUnsafePath, p)
	}
	if path.IsAbs(p) || filepath.IsAbs(p) || filepath.VolumeName(p) != "" {
		return fmt.Errorf("%w: %q is absolute", ErrUnsafePath, p)
	}
	for _, el := range strings.Split(p, "/") {
		switch el {
		case "", ".", "..":
			return fmt.Errorf("%w: %q has an empty, '.' or '..' element", ErrUnsafePath, p)
		}
	}
	return nil
}

// RepoFolderName is the cache folder of a repository:
// "models--org--name", "datasets--org--name", ...
func RepoFolderName(r Repo) string {
	return r.typ() + "s--" + strings.ReplaceAll(r.ID, "/", "--")
}

// cache paths of one repository.
type repoCache struct {
	root string // $HF_HUB_CACHE/models--org--name
}

func (c *Client) repoCache(r Repo) repoCache {
	return repoCache{root: filepath.Join(c.opts.CacheDir, RepoFolderName(r))}
}

func (rc repoCache) blob(etag string) string { return filepath.Join(rc.root, "blobs", etag) }
func (rc repoCache) ref(rev string) string {
	return filepath.Join(rc.root, "refs", filepath.FromSlash(rev))
}
func (rc repoCache) snapshot(commit string) string {
	return filepath.Join(rc.root, "snapshots", commit)
}
func (rc repoCache) snapshotFile(commit, name string) string {
	return filepath.Join(rc.snapshot(commit), filepath.FromSlash(name))
}

// readRef returns the commit a cached ref points to.
func (rc repoCache) readRef(rev string) (string, error) {
	b, err := os.ReadFile(rc.ref(rev))
	if err != nil {
		return "", err
	}
	commit := strings.TrimSpace(string(b))
	if !commitRE.MatchString(commit) {
		return "", fmt.Errorf("hub: cached ref %s: %q is not a commit hash", rc.ref(rev), commit)
	}
	return commit, nil
}

// writeRef records that rev resolved to commit (refs/<rev>), as
// huggingface_hub does for every revision that is not itself the commit.
func (rc repoCache) writeRef(rev, commit string) error {
	if rev == commit {
		return nil
	}
	if old, err := rc.readRef(rev); err == nil && old == commit {
		return nil
	}
	return writeFileAtomic(rc.ref(rev), []byte(commit))
}

// linkSeq numbers the temporary links of this process.
var linkSeq atomic.Uint64

// link makes snapshots/<commit>/<name> a relative symlink to blobs/<etag>.
// Where symlinks are not available it falls back to a hard link, then a copy.
func (rc repoCache) link(commit, name, etag string) (string, error) {
	dst := rc.snapshotFile(commit, name)
	blob := rc.blob(etag)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", err
	}
	rel, err := filepath.Rel(filepath.Dir(dst), blob)
	if err != nil {
		return "", err
	}
	if cur, err := os.Readlink(dst); err == nil && cur == rel {
		return dst, nil
	}
	// A name of its own, so that goroutines linking the same file do not
	// remove or rename each other's temporary link.
	tmp := fmt.Sprintf("%s.%d-%d.tmp-link", dst, os.Getpid(), linkSeq.Add(1))
	_ = os.Remove(tmp)
	if err := os.Symlink(rel, tmp); err != nil {
		if err := os.Link(blob, tmp); err != nil {
			if err := copyFile(blob, tmp); err != nil {
				return "", err
			}
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	return dst, nil
}

// cachedFile returns the snapshot path of name at commit when it exists
// and its blob is present.
func (rc repoCache) cachedFile(commit, name string) (string, bool) {
	p := rc.snapshotFile(commit, name)
	st, err := os.Stat(p) // follows the symlink: fails when the blob is gone
	if err != nil || !st.Mode().IsRegular() {
		return "", false
	}
	return p, true
}

func writeFileAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(name, data)
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// within reports whether p lies inside dir (both cleaned absolute or
// both relative to the same base).
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// walkSnapshot lists the files (following symlinks) under a snapshot dir,
// as slash-separated paths relative to it, in lexical order.
func walkSnapshot(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if strings.HasSuffix(p, ".tmp-link") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}
