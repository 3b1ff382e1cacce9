package hub

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeHub serves one fake repository the way the Hugging Face Hub does:
// revision info, a paginated tree listing, resolve URLs that answer
// regular files directly and redirect LFS files to a separate "CDN"
// server. Behaviours (ignore Range, drop connections, corrupt bytes) are
// switched per test.
type fakeHub struct {
	t        *testing.T
	typ      string // "model" or "dataset"
	id       string
	refs     map[string]string // revision -> commit
	files    map[string][]byte
	lfs      map[string]bool
	pageSize int
	extra    []map[string]any // extra raw tree entries (e.g. malicious paths)

	mu          sync.Mutex
	ignoreRange bool
	dropAfter   map[string]int // path -> bytes served before the first GET is cut
	stallAfter  map[string]int // path -> bytes served before the first GET stalls
	corrupt     map[string]bool
	renamed     bool     // serve old-org/<name> as a redirect to org/<name>
	log         []string // "METHOD path range=... auth=..." per request, both servers
	hub, cdn    *httptest.Server
}

func newFakeHub(t *testing.T, typ, id string) *fakeHub {
	f := &fakeHub{
		t: t, typ: typ, id: id,
		refs:       map[string]string{"main": strings.Repeat("a1", 20)},
		files:      map[string][]byte{},
		lfs:        map[string]bool{},
		pageSize:   1000,
		dropAfter:  map[string]int{},
		stallAfter: map[string]int{},
		corrupt:    map[string]bool{},
	}
	f.hub = httptest.NewServer(http.HandlerFunc(f.serveHub))
	f.cdn = httptest.NewServer(http.HandlerFunc(f.serveCDN))
	t.Cleanup(func() { f.hub.Close(); f.cdn.Close() })
	return f
}

func (f *fakeHub) commit() string { return f.refs["main"] }

func (f *fakeHub) record(r *http.Request, server string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, fmt.Sprintf("%s %s %s range=%q auth=%q", server, r.Method, r.URL.EscapedPath(), r.Header.Get("Range"), r.Header.Get("Authorization")))
}

func (f *fakeHub) requests(substr string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, l := range f.log {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return out
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func gitBlobSHA1(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

func (f *fakeHub) etag(p string) string {
	if f.lfs[p] {
		return sha256hex(f.files[p])
	}
	return gitBlobSHA1(f.files[p])
}

func (f *fakeHub) prefix() string {
	if f.typ == "dataset" {
		return "/datasets/"
	}
	return "/"
}

func (f *fakeHub) serveHub(w http.ResponseWriter, r *http.Request) {
	f.record(r, "hub")
	p := r.URL.EscapedPath()
	api := "/api/" + f.typ + "s/" + f.id + "/"
	if old := f.prefix() + "old-org/" + strings.TrimPrefix(f.id, "org/") + "/"; f.renamed && strings.HasPrefix(p, old) {
		// A renamed repository: relative redirect to the new name.
		w.Header().Set("Location", f.prefix()+f.id+"/"+strings.TrimPrefix(p, old))
		w.WriteHeader(http.StatusTemporaryRedirect)
		return
	}
	switch {
	case strings.HasPrefix(p, api+"revision/"):
		rev, _ := url.PathUnescape(strings.TrimPrefix(p, api+"revision/"))
		c, ok := f.refs[rev]
		if !ok && f.isCommit(rev) {
			c, ok = rev, true
		}
		if !ok {
			w.Header().Set("X-Error-Code", "RevisionNotFound")
			http.Error(w, "Invalid rev id: "+rev, http.StatusNotFound)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": f.id, "sha": c, "siblings": []any{}})
	case strings.HasPrefix(p, api+"tree/"):
		rev, _ := url.PathUnescape(strings.TrimPrefix(p, api+"tree/"))
		if _, ok := f.refs[rev]; !ok && !f.isCommit(rev) {
			http.Error(w, "no such revision", http.StatusNotFound)
			return
		}
		entries := f.treeEntries()
		cursor, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
		end := min(cursor+f.pageSize, len(entries))
		if end < len(entries) {
			next := fmt.Sprintf("%s%s?recursive=true&expand=false&cursor=%d", f.hub.URL, p, end)
			w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next"`, next))
		}
		json.NewEncoder(w).Encode(entries[cursor:end])
	case strings.HasPrefix(p, f.prefix()+f.id+"/resolve/"):
		rest := strings.TrimPrefix(p, f.prefix()+f.id+"/resolve/")
		revEsc, fileEsc, _ := strings.Cut(rest, "/")
		rev, _ := url.PathUnescape(revEsc)
		name, _ := url.PathUnescape(fileEsc)
		commit, ok := f.refs[rev]
		if !ok && f.isCommit(rev) {
			commit, ok = rev, true
		}
		content, exists := f.files[name]
		if !ok || !exists {
			w.Header().Set("X-Error-Code", "EntryNotFound")
			http.Error(w, "Entry not found", http.StatusNotFound)
			return
		}
		w.Header().Set("X-Repo-Commit", commit)
		if f.lfs[name] {
			w.Header().Set("X-Linked-Etag", `"`+f.etag(name)+`"`)
			w.Header().Set("X-Linked-Size", strconv.Itoa(len(content)))
			w.Header().Set("ETag", `"`+gitBlobSHA1([]byte("pointer"))+`"`)
			http.Redirect(w, r, f.cdn.URL+"/lfs/"+url.PathEscape(name)+"?X-Amz-Signature=secret", http.StatusFound)
			return
		}
		w.Header().Set("ETag", `W/"`+f.etag(name)+`"`)
		f.serveBytes(w, r, name, content)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeHub) isCommit(rev string) bool {
	for _, c := range f.refs {
		if c == rev {
			return true
		}
	}
	return false
}

func (f *fakeHub) treeEntries() []map[string]any {
	var names []string
	for n := range f.files {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []map[string]any
	dirs := map[string]bool{}
	for _, n := range names {
		if i := strings.LastIndexByte(n, '/'); i > 0 && !dirs[n[:i]] {
			dirs[n[:i]] = true
			out = append(out, map[string]any{"type": "directory", "path": n[:i], "oid": "0123", "size": 0})
		}
		e := map[string]any{"type": "file", "path": n, "size": len(f.files[n])}
		if f.lfs[n] {
			e["oid"] = gitBlobSHA1([]byte("pointer " + n))
			e["size"] = len(f.files[n])
			e["lfs"] = map[string]any{"oid": sha256hex(f.files[n]), "size": len(f.files[n]), "pointerSize": 134}
		} else {
			e["oid"] = gitBlobSHA1(f.files[n])
		}
		out = append(out, e)
	}
	return append(out, f.extra...)
}

func (f *fakeHub) serveCDN(w http.ResponseWriter, r *http.Request) {
	f.record(r, "cdn")
	name, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/lfs/"))
	content, ok := f.files[name]
	if err != nil || !ok || r.URL.Query().Get("X-Amz-Signature") != "secret" {
		http.NotFound(w, r)
		return
	}
	f.serveBytes(w, r, name, content)
}

// serveBytes answers GET/HEAD with Range support unless switched off, and
// applies the drop/corrupt behaviours to GETs.
func (f *fakeHub) serveBytes(w http.ResponseWriter, r *http.Request, name string, content []byte) {
	f.mu.Lock()
	ignoreRange := f.ignoreRange
	drop, dropping := f.dropAfter[name]
	if dropping && r.Method == http.MethodGet {
		delete(f.dropAfter, name)
	}
	corrupt := f.corrupt[name]
	stall, stalling := f.stallAfter[name]
	if stalling && r.Method == http.MethodGet {
		delete(f.stallAfter, name)
	}
	f.mu.Unlock()
	if stalling && r.Method == http.MethodGet {
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.WriteHeader(http.StatusOK)
		w.Write(content[:stall])
		w.(http.Flusher).Flush()
		select { // hang until the client gives up
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	}
	if corrupt {
		content = bytes.ToUpper(content)
	}
	if ignoreRange {
		r.Header.Del("Range")
	}
	if dropping && r.Method == http.MethodGet {
		start := 0
		if rg := r.Header.Get("Range"); rg != "" {
			fmt.Sscanf(rg, "bytes=%d-", &start)
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(content)-1, len(content)))
			w.Header().Set("Content-Length", strconv.Itoa(len(content)-start))
			w.WriteHeader(http.StatusPartialContent)
		} else {
			w.Header().Set("Content-Length", strconv.Itoa(len(content)))
			w.WriteHeader(http.StatusOK)
		}
		w.Write(content[start : start+drop])
		w.(http.Flusher).Flush()
		time.Sleep(10 * time.Millisecond)
		panic(http.ErrAbortHandler) // cut the connection mid-body
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(content))
}

// client returns a client for the fake hub with a fresh cache and no
// retry pauses.
func (f *fakeHub) client(opts Options) *Client {
	if opts.Endpoint == "" {
		opts.Endpoint = f.hub.URL
	}
	if opts.CacheDir == "" {
		opts.CacheDir = f.t.TempDir()
	}
	if opts.RetryWait == 0 {
		opts.RetryWait = -1
	}
	return New(opts)
}
