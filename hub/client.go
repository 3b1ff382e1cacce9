package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Client talks to a Hugging Face Hub endpoint and manages the local cache.
// It is safe for concurrent use.
type Client struct {
	opts Options
	// dl follows redirects for downloads, dropping the token when a
	// redirect leaves the endpoint's origin (scheme, host and port).
	dl *http.Client
}

// New returns a Client. Zero fields of opts take their defaults; use
// New(FromEnv()) to honour the HF_* environment variables.
func New(opts Options) *Client {
	opts.setDefaults()
	c := &Client{opts: opts}
	dl := *opts.HTTPClient
	check := opts.HTTPClient.CheckRedirect
	dl.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !c.sameOrigin(req.URL) {
			req.Header.Del("Authorization")
		}
		if check != nil {
			return check(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	c.dl = &dl
	return c
}

// Options returns the effective options of c (with defaults filled in).
func (c *Client) Options() Options { return c.opts }

// CacheDir returns the repository cache directory.
func (c *Client) CacheDir() string { return c.opts.CacheDir }

// Errors returned (wrapped) by the client; test with errors.Is.
var (
	// ErrNotFound: the repository, revision or file does not exist (HTTP 404).
	ErrNotFound = errors.New("not found")
	// ErrNotCached: offline (or unreachable Hub) and the file is not cached.
	ErrNotCached = errors.New("not in the local cache")
	// ErrChecksum: the downloaded bytes do not match the expected hash or size.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrUnauthorized: HTTP 401/403, e.g. a gated or private repository.
	ErrUnauthorized = errors.New("unauthorized (gated or private repository? set HF_TOKEN)")
)

// HTTPError is a non-success HTTP response.
type HTTPError struct {
	Method     string
	URL        string
	StatusCode int
	// Code is the Hub's X-Error-Code header (RepoNotFound, EntryNotFound,
	// RevisionNotFound, GatedRepo, ...), if any.
	Code string
	// Message is the Hub's X-Error-Message header or the start of the body.
	Message string
}

func (e *HTTPError) Error() string {
	s := fmt.Sprintf("%s %s: HTTP %d", e.Method, e.URL, e.StatusCode)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Is makes errors.Is(err, ErrNotFound) and errors.Is(err, ErrUnauthorized)
// work on HTTP errors.
func (e *HTTPError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
	}
	return false
}

func (e *HTTPError) temporary() bool {
	return e.StatusCode >= 500 || e.StatusCode == http.StatusRequestTimeout || e.StatusCode == http.StatusTooManyRequests
}

func httpError(resp *http.Response) *HTTPError {
	e := &HTTPError{
		Method:     resp.Request.Method,
		URL:        redactURL(resp.Request.URL),
		StatusCode: resp.StatusCode,
		Code:       resp.Header.Get("X-Error-Code"),
		Message:    resp.Header.Get("X-Error-Message"),
	}
	if e.Message == "" && resp.Request.Method != http.MethodHead {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		e.Message = strings.TrimSpace(string(b))
	}
	return e
}

// redactURL drops the query (CDN URLs carry signatures).
func redactURL(u *url.URL) string {
	v := *u
	v.RawQuery = ""
	v.User = nil
	return v.String()
}

// quote percent-encodes s like Python's urllib.parse.quote(s, safe=safe).
func quote(s, safe string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' ||
			strings.IndexByte("_.-~", ch) >= 0 || strings.IndexByte(safe, ch) >= 0 {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

func (r Repo) urlPrefix() string {
	switch r.typ() {
	case TypeDataset:
		return "datasets/"
	case TypeSpace:
		return "spaces/"
	}
	return ""
}

// ResolveURL is the download URL of a file at a revision.
func (c *Client) ResolveURL(r Repo, revision, filename string) string {
	return c.opts.Endpoint + "/" + r.urlPrefix() + r.ID + "/resolve/" + quote(revision, "") + "/" + quote(filename, "/")
}

func (c *Client) apiURL(r Repo, rest string) string {
	return c.opts.Endpoint + "/api/" + r.typ() + "s/" + r.ID + rest
}

func (c *Client) newRequest(ctx context.Context, method, u string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	if c.opts.Token != "" && c.sameOrigin(req.URL) {
		req.Header.Set("Authorization", "Bearer "+c.opts.Token)
	}
	return req, nil
}

// sameOrigin reports whether u is on the configured endpoint's host, the
// only host that receives the token.
func (c *Client) sameOrigin(u *url.URL) bool {
	e, err := url.Parse(c.opts.Endpoint)
	return err == nil && strings.EqualFold(e.Scheme, u.Scheme) && strings.EqualFold(e.Host, u.Host)
}

// getJSON GETs u and decodes the body into v, returning the response
// headers. The metadata timeout applies.
func (c *Client) getJSON(ctx context.Context, u string, v any) (http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.MetadataTimeout)
	defer cancel()
	req, err := c.newRequest(ctx, http.MethodGet, u)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.dl.Do(req)
	if err != nil {
		return nil, c.unreachable(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, httpError(resp)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 256<<20)).Decode(v); err != nil {
		return nil, fmt.Errorf("hub: GET %s: decoding JSON: %w", redactURL(req.URL), err)
	}
	return resp.Header, nil
}

// isNetworkError reports an error that means "could not talk to the Hub"
// (as opposed to an answer from it, or cancellation by the caller).
func isNetworkError(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	var he *HTTPError
	if errors.As(err, &he) {
		return he.temporary()
	}
	var ue *url.Error
	return errors.As(err, &ue)
}

// Resolve returns the commit hash that repo.Revision points to and records
// it under refs/ in the cache. Offline, the cached ref is used; a 40-hex
// revision is returned as is. When the Hub cannot be reached the cached
// ref is used too, as huggingface_hub does.
func (c *Client) Resolve(ctx context.Context, repo Repo) (string, error) {
	if err := repo.validate(); err != nil {
		return "", err
	}
	rev := repo.revision()
	if commitRE.MatchString(rev) {
		return rev, nil
	}
	rc := c.repoCache(repo)
	if c.opts.Offline {
		return c.resolveCached(repo)
	}
	var info struct {
		SHA string `json:"sha"`
	}
	_, err := c.getJSON(ctx, c.apiURL(repo, "/revision/"+quote(rev, "")), &info)
	if err != nil {
		if isNetworkError(ctx, err) {
			if commit, cerr := rc.readRef(rev); cerr == nil {
				return commit, nil
			}
		}
		return "", fmt.Errorf("hub: resolving %s: %w", repo, err)
	}
	if !commitRE.MatchString(info.SHA) {
		return "", fmt.Errorf("hub: resolving %s: the Hub answered sha %q, not a commit hash", repo, info.SHA)
	}
	if err := rc.writeRef(rev, info.SHA); err != nil {
		return "", fmt.Errorf("hub: caching ref of %s: %w", repo, err)
	}
	return info.SHA, nil
}

func (c *Client) resolveCached(repo Repo) (string, error) {
	rev := repo.revision()
	if commitRE.MatchString(rev) {
		return rev, nil
	}
	commit, err := c.repoCache(repo).readRef(rev)
	if err != nil {
		if errors.Is(err, ErrUnsafePath) {
			return "", err
		}
		return "", fmt.Errorf("hub: %s: revision not cached (offline): %w", repo, ErrNotCached)
	}
	return commit, nil
}

// File is one file of a repository listing.
type File struct {
	// Path is the slash-separated path in the repository.
	Path string `json:"path"`
	// Size in bytes (of the real content for LFS files).
	Size int64 `json:"size"`
	// OID is the git blob hash (sha1) of the file, or of the LFS pointer.
	OID string `json:"oid"`
	// LFS is set for files stored with Git LFS / Xet.
	LFS *LFS `json:"lfs,omitempty"`
}

// LFS describes the large-file content behind a pointer.
type LFS struct {
	// OID is the sha256 of the content.
	OID         string `json:"oid"`
	Size        int64  `json:"size"`
	PointerSize int64  `json:"pointerSize"`
}

// ETag is the name of the file's blob in the cache: the LFS sha256, or the
// git blob sha1 of a regular file.
func (f File) ETag() string {
	if f.LFS != nil && f.LFS.OID != "" {
		return f.LFS.OID
	}
	return f.OID
}

type treeEntry struct {
	Type string `json:"type"`
	File
}

// List returns the files of the repository at repo.Revision, sorted by path,
// following the tree endpoint's Link pagination. Offline it lists the cached
// snapshot (sizes from disk; no hashes).
func (c *Client) List(ctx context.Context, repo Repo) ([]File, error) {
	if err := repo.validate(); err != nil {
		return nil, err
	}
	if c.opts.Offline {
		return c.listCached(repo)
	}
	files, err := c.listRevision(ctx, repo, repo.revision())
	if err != nil && isNetworkError(ctx, err) {
		cached, cerr := c.listCached(repo)
		if cerr == nil || !errors.Is(cerr, ErrNotCached) {
			return cached, cerr
		}
	}
	return files, err
}

func (c *Client) listCached(repo Repo) ([]File, error) {
	commit, err := c.resolveCached(repo)
	if err != nil {
		return nil, err
	}
	dir := c.repoCache(repo).snapshot(commit)
	names, err := walkSnapshot(dir)
	if err != nil {
		return nil, fmt.Errorf("hub: %s: listing cached snapshot: %w (%w)", repo, ErrNotCached, err)
	}
	out := make([]File, 0, len(names))
	for _, n := range names {
		f := File{Path: n, Size: -1}
		if p, ok := c.repoCache(repo).cachedFile(commit, n); ok {
			if st, err := statFollow(p); err == nil {
				f.Size = st
			}
		}
		out = append(out, f)
	}
	return out, nil
}

func (c *Client) listRevision(ctx context.Context, repo Repo, rev string) ([]File, error) {
	next := c.apiURL(repo, "/tree/"+quote(rev, "")) + "?recursive=true&expand=false"
	seen := map[string]bool{}
	var files []File
	for next != "" {
		if seen[next] {
			return nil, fmt.Errorf("hub: listing %s: pagination loops at %s", repo, next)
		}
		seen[next] = true
		var page []treeEntry
		h, err := c.getJSON(ctx, next, &page)
		if err != nil {
			return nil, fmt.Errorf("hub: listing %s: %w", repo, err)
		}
		for _, e := range page {
			if e.Type != "file" {
				continue
			}
			if err := checkRelPath(e.Path); err != nil {
				return nil, fmt.Errorf("hub: listing %s: %w", repo, err)
			}
			files = append(files, e.File)
		}
		next, err = nextLink(next, h.Values("Link"))
		if err != nil {
			return nil, fmt.Errorf("hub: listing %s: %w", repo, err)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// nextLink extracts the rel="next" target of RFC 8288 Link headers,
// resolved against the URL of the page that carried them.
func nextLink(base string, headers []string) (string, error) {
	for _, h := range headers {
		for len(h) > 0 {
			i := strings.IndexByte(h, '<')
			if i < 0 {
				break
			}
			j := strings.IndexByte(h[i:], '>')
			if j < 0 {
				return "", fmt.Errorf("malformed Link header %q", h)
			}
			target := h[i+1 : i+j]
			rest := h[i+j+1:]
			end := strings.IndexByte(rest, '<')
			params := rest
			if end >= 0 {
				params = rest[:end]
			}
			h = rest
			if end < 0 {
				h = ""
			} else {
				h = rest[end:]
			}
			for _, p := range strings.Split(params, ";") {
				p = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), ","))
				k, v, ok := strings.Cut(p, "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
					if strings.EqualFold(rel, "next") {
						b, err := url.Parse(base)
						if err != nil {
							return "", err
						}
						t, err := url.Parse(target)
						if err != nil {
							return "", fmt.Errorf("malformed Link target %q: %w", target, err)
						}
						return b.ResolveReference(t).String(), nil
					}
				}
			}
		}
	}
	return "", nil
}
