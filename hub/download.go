package hub

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"
)

// fileMeta is what a HEAD on the resolve URL tells about a file.
type fileMeta struct {
	Commit string
	ETag   string
	Size   int64 // -1 if unknown
}

// Download fetches one file of the repository into the cache (unless it is
// already there) and returns its path under snapshots/<commit>/. The
// filename is slash-separated and may not escape the repository ("..",
// absolute paths). Offline, only the cache is consulted.
func (c *Client) Download(ctx context.Context, repo Repo, filename string) (string, error) {
	if err := repo.validate(); err != nil {
		return "", err
	}
	if err := checkRelPath(filename); err != nil {
		return "", fmt.Errorf("hub: %s: file %q: %w", repo, filename, err)
	}
	rc := c.repoCache(repo)
	rev := repo.revision()
	if c.opts.Offline || commitRE.MatchString(rev) {
		commit, err := c.resolveCached(repo)
		if err != nil {
			return "", err
		}
		if p, ok := rc.cachedFile(commit, filename); ok {
			return p, nil
		}
		if c.opts.Offline {
			return "", fmt.Errorf("hub: %s: %s: %w (offline)", repo, filename, ErrNotCached)
		}
	}
	meta, err := c.head(ctx, repo, rev, filename)
	if err != nil {
		if isNetworkError(ctx, err) {
			if commit, cerr := c.resolveCached(repo); cerr == nil {
				if p, ok := rc.cachedFile(commit, filename); ok {
					return p, nil
				}
			}
		}
		return "", fmt.Errorf("hub: %s: %s: %w", repo, filename, err)
	}
	commit := meta.Commit
	if commit == "" {
		if !commitRE.MatchString(rev) {
			return "", fmt.Errorf("hub: %s: %s: the Hub sent no X-Repo-Commit header", repo, filename)
		}
		commit = rev
	}
	if !commitRE.MatchString(commit) {
		return "", fmt.Errorf("hub: %s: %s: X-Repo-Commit %q is not a commit hash", repo, filename, commit)
	}
	if err := rc.writeRef(rev, commit); err != nil {
		return "", fmt.Errorf("hub: caching ref of %s: %w", repo, err)
	}
	if p, ok := rc.cachedFile(commit, filename); ok {
		return p, nil
	}
	return c.fetch(ctx, repo, commit, File{Path: filename, Size: meta.Size}, meta.ETag, 1, 1)
}

// head asks the resolve endpoint for a file's commit, ETag and size. It
// follows relative redirects (renamed repositories) but not the redirect to
// the CDN, whose response already carries the X-Linked-* headers.
func (c *Client) head(ctx context.Context, repo Repo, rev, filename string) (fileMeta, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.MetadataTimeout)
	defer cancel()
	hc := *c.opts.HTTPClient
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	u := c.ResolveURL(repo, rev, filename)
	for hops := 0; ; hops++ {
		req, err := c.newRequest(ctx, http.MethodHead, u)
		if err != nil {
			return fileMeta{}, err
		}
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := hc.Do(req)
		if err != nil {
			return fileMeta{}, c.unreachable(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			loc := resp.Header.Get("Location")
			lu, perr := url.Parse(loc)
			if perr == nil && lu.Host == "" && loc != "" && hops < 10 {
				u = req.URL.ResolveReference(lu).String()
				continue
			}
		} else if resp.StatusCode != http.StatusOK {
			return fileMeta{}, httpError(resp)
		}
		m := fileMeta{Commit: resp.Header.Get("X-Repo-Commit"), Size: -1}
		m.ETag = normalizeETag(resp.Header.Get("X-Linked-Etag"))
		if m.ETag == "" {
			m.ETag = normalizeETag(resp.Header.Get("ETag"))
		}
		size := resp.Header.Get("X-Linked-Size")
		if size == "" && resp.StatusCode == http.StatusOK {
			size = resp.Header.Get("Content-Length")
		}
		if n, err := strconv.ParseInt(size, 10, 64); err == nil && n >= 0 {
			m.Size = n
		}
		if m.ETag == "" {
			return fileMeta{}, fmt.Errorf("HEAD %s: no ETag in the answer", redactURL(req.URL))
		}
		return m, nil
	}
}

func normalizeETag(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "W/")
	return strings.Trim(s, `"`)
}

// checkETag makes sure an ETag can serve as a file name in blobs/.
func checkETag(etag string) error {
	if etag == "" || strings.HasPrefix(etag, ".") || strings.ContainsAny(etag, `/\:`+"\x00") || len(etag) > 128 {
		return fmt.Errorf("%w: ETag %q cannot name a blob", ErrUnsafePath, etag)
	}
	return nil
}

// retriable marks transfer errors worth resuming.
type retriable struct{ err error }

func (r retriable) Error() string { return r.err.Error() }
func (r retriable) Unwrap() error { return r.err }

// fetch downloads the blob of f (named etag) unless present, verifies it
// and links it into snapshots/<commit>/. f.Size < 0 means unknown.
func (c *Client) fetch(ctx context.Context, repo Repo, commit string, f File, etag string, nth, of int) (string, error) {
	if err := checkETag(etag); err != nil {
		return "", fmt.Errorf("hub: %s: %s: %w", repo, f.Path, err)
	}
	rc := c.repoCache(repo)
	blob := rc.blob(etag)
	if !blobOK(blob, f.Size) {
		if err := c.fetchBlob(ctx, repo, commit, f, etag, blob, nth, of); err != nil {
			return "", err
		}
	}
	p, err := rc.link(commit, f.Path, etag)
	if err != nil {
		return "", fmt.Errorf("hub: %s: linking %s: %w", repo, f.Path, err)
	}
	return p, nil
}

func blobOK(blob string, size int64) bool {
	st, err := os.Stat(blob)
	return err == nil && st.Mode().IsRegular() && (size < 0 || st.Size() == size)
}

func (c *Client) fetchBlob(ctx context.Context, repo Repo, commit string, f File, etag, blob string, nth, of int) error {
	if err := os.MkdirAll(filepath.Dir(blob), 0o755); err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	// Same lock file as huggingface_hub: .locks/<repo folder>/<etag>.lock.
	lockPath := filepath.Join(c.opts.CacheDir, ".locks", RepoFolderName(repo), etag+".lock")
	if err := os.MkdirAll(filepath.Dir(lockPath), 0o755); err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	lock := flock.New(lockPath)
	if ok, err := lock.TryLockContext(ctx, 100*time.Millisecond); err != nil || !ok {
		if err == nil {
			err = ctx.Err()
		}
		return fmt.Errorf("hub: locking %s: %w", lockPath, err)
	}
	defer lock.Unlock()
	if blobOK(blob, f.Size) { // another process finished it meanwhile
		return nil
	}

	u := c.ResolveURL(repo, commit, f.Path)
	incomplete := blob + ".incomplete"
	report := func(done int64, total int64, last bool) {
		if c.opts.Progress != nil {
			c.opts.Progress(Progress{Repo: repo, File: f.Path, Index: nth, Files: of, Downloaded: done, Total: total, Done: last})
		}
	}
	freshRetry := false
	for {
		resumed, err := c.transferWithRetries(ctx, u, incomplete, f.Size, report)
		if err != nil {
			report(fileSize(incomplete), f.Size, true)
			return fmt.Errorf("hub: %s: downloading %s: %w", repo, f.Path, err)
		}
		err = verify(incomplete, etag, f.Size)
		if err == nil {
			break
		}
		os.Remove(incomplete)
		if resumed && !freshRetry {
			// The kept partial file may have been stale: start over once.
			freshRetry = true
			continue
		}
		report(0, f.Size, true)
		return fmt.Errorf("hub: %s: %s: %w", repo, f.Path, err)
	}
	if err := os.Rename(incomplete, blob); err != nil {
		return fmt.Errorf("hub: %s: %s: %w", repo, f.Path, err)
	}
	n := fileSize(blob)
	report(n, n, true)
	return nil
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return st.Size()
}

func statFollow(p string) (int64, error) {
	st, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// transferWithRetries runs transfer until the file is complete, resuming
// after dropped connections and server errors. It reports whether any
// bytes kept from before an attempt were reused.
func (c *Client) transferWithRetries(ctx context.Context, u, dst string, size int64, report func(int64, int64, bool)) (resumed bool, err error) {
	wait := c.opts.RetryWait
	for attempt := 0; ; attempt++ {
		var r bool
		r, err = c.transfer(ctx, u, dst, size, report)
		resumed = resumed || r
		if err == nil {
			return resumed, nil
		}
		var re retriable
		if !errors.As(err, &re) || attempt >= c.opts.Retries || ctx.Err() != nil {
			return resumed, err
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return resumed, ctx.Err()
			case <-t.C:
			}
			wait *= 2
		}
	}
}

// transfer appends the missing bytes of u to dst, asking for a Range when
// dst already holds a prefix. A server that ignores Range (200) makes it
// start over.
func (c *Client) transfer(ctx context.Context, u, dst string, size int64, report func(int64, int64, bool)) (resumed bool, err error) {
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return false, err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	off := st.Size()
	if size >= 0 && off > size {
		if err := f.Truncate(0); err != nil {
			return false, err
		}
		off = 0
	}
	if size >= 0 && off == size {
		return off > 0, nil // complete already; verify decides
	}
	// A stalled connection is cut after ReadTimeout without a byte, and
	// the caller resumes it like a dropped one.
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stalled atomic.Bool
	idle := time.AfterFunc(c.opts.ReadTimeout, func() { stalled.Store(true); cancel() })
	defer idle.Stop()
	req, err := c.newRequest(ctx, http.MethodGet, u)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept-Encoding", "identity")
	if off > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", off))
	}
	resp, err := c.dl.Do(req)
	if err != nil {
		if parent.Err() != nil {
			return false, parent.Err()
		}
		if stalled.Load() {
			err = fmt.Errorf("GET %s: no answer for %v: %w", redactURL(req.URL), c.opts.ReadTimeout, err)
		}
		return false, retriable{c.unreachable(err)}
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, perr := contentRangeStart(resp.Header.Get("Content-Range"))
		if perr != nil || start != off {
			f.Truncate(0)
			return false, retriable{fmt.Errorf("GET %s: asked for bytes %d-, got Content-Range %q", redactURL(req.URL), off, resp.Header.Get("Content-Range"))}
		}
	case http.StatusOK:
		if off > 0 { // Range ignored: start over
			if err := f.Truncate(0); err != nil {
				return false, err
			}
			off = 0
		}
	case http.StatusRequestedRangeNotSatisfiable:
		f.Truncate(0)
		return false, retriable{fmt.Errorf("GET %s: range bytes=%d- not satisfiable", redactURL(req.URL), off)}
	default:
		he := httpError(resp)
		if he.temporary() {
			return false, retriable{he}
		}
		return false, he
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return false, err
	}
	total := size
	if total < 0 && resp.ContentLength >= 0 {
		total = off + resp.ContentLength
	}
	resumed = off > 0
	done := off
	report(done, total, false)
	buf := make([]byte, 256<<10)
	for {
		n, rerr := resp.Body.Read(buf)
		idle.Reset(c.opts.ReadTimeout)
		if n > 0 {
			if _, werr := f.Write(buf[:n]); werr != nil {
				return resumed, werr
			}
			done += int64(n)
			report(done, total, false)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if parent.Err() != nil {
				return resumed, parent.Err()
			}
			if stalled.Load() {
				rerr = fmt.Errorf("no byte for %v: %w", c.opts.ReadTimeout, rerr)
			}
			return resumed, retriable{fmt.Errorf("GET %s: after %d bytes: %w", redactURL(req.URL), done, rerr)}
		}
	}
	if size >= 0 && done < size {
		return resumed, retriable{fmt.Errorf("GET %s: body ended at %d of %d bytes", redactURL(req.URL), done, size)}
	}
	if size >= 0 && done > size {
		return resumed, fmt.Errorf("%w: GET %s: got %d bytes, expected %d", ErrChecksum, redactURL(req.URL), done, size)
	}
	return resumed, nil
}

// contentRangeStart parses "bytes START-END/TOTAL".
func contentRangeStart(s string) (int64, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "bytes ")
	if !ok {
		return 0, fmt.Errorf("bad Content-Range %q", s)
	}
	startS, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, fmt.Errorf("bad Content-Range %q", s)
	}
	return strconv.ParseInt(strings.TrimSpace(startS), 10, 64)
}

// verify checks the size and the hash named by the ETag: 64 hex digits is
// the sha256 of the content (LFS/Xet), 40 hex digits the git blob sha1.
// Other ETags are checked by size only.
func verify(p, etag string, size int64) error {
	fh, err := os.Open(p)
	if err != nil {
		return err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return err
	}
	if size >= 0 && st.Size() != size {
		return fmt.Errorf("%w: %d bytes, expected %d", ErrChecksum, st.Size(), size)
	}
	var h hash.Hash
	kind := ""
	switch {
	case len(etag) == 64 && isHex(etag):
		h, kind = sha256.New(), "sha256"
	case len(etag) == 40 && isHex(etag):
		h, kind = sha1.New(), "git blob sha1"
		fmt.Fprintf(h, "blob %d\x00", st.Size())
	default:
		return nil
	}
	if _, err := io.Copy(h, fh); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != strings.ToLower(etag) {
		return fmt.Errorf("%w: %s %s, expected %s", ErrChecksum, kind, got, etag)
	}
	return nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !('0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'f' || 'A' <= ch && ch <= 'F') {
			return false
		}
	}
	return true
}
