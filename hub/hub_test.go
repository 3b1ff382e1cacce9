package hub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Independent expectations: `printf 'hello\n' | git hash-object --stdin`
// and the FIPS 180-2 sha256 test vector of "abc".
const (
	gitHashHello = "ce013625030ba8dba906f756967f9e9ca394464a"
	sha256ABC    = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
)

func TestHashHelpersMatchGit(t *testing.T) {
	if got := gitBlobSHA1([]byte("hello\n")); got != gitHashHello {
		t.Fatalf("git blob sha1 = %s, want %s", got, gitHashHello)
	}
	if got := sha256hex([]byte("abc")); got != sha256ABC {
		t.Fatalf("sha256 = %s, want %s", got, sha256ABC)
	}
}

// bigContent is large enough to span several read buffers.
func bigContent(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte('a' + x%26)
	}
	return b
}

func modelRepo(t *testing.T) *fakeHub {
	f := newFakeHub(t, "model", "org/tiny-model")
	f.files["config.json"] = []byte(`{"hidden_size": 8}` + "\n")
	f.files["README.md"] = []byte("hello\n")
	f.files["onnx/model.onnx"] = bigContent(700_000)
	f.lfs["onnx/model.onnx"] = true
	f.files["1_Pooling/config.json"] = []byte(`{"pooling_mode_mean_tokens": true}`)
	f.files["tokenizer.json"] = []byte("abc")
	f.lfs["tokenizer.json"] = true
	f.files["data/sub/dir/deep.txt"] = []byte("deep\n")
	f.files["weights.bin"] = bigContent(300_000)
	f.lfs["weights.bin"] = true
	return f
}

func TestListPagination(t *testing.T) {
	f := modelRepo(t)
	f.pageSize = 3
	c := f.client(Options{})
	files, err := c.List(context.Background(), Repo{ID: "org/tiny-model"})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, fl := range files {
		paths = append(paths, fl.Path)
	}
	want := []string{"1_Pooling/config.json", "README.md", "config.json", "data/sub/dir/deep.txt", "onnx/model.onnx", "tokenizer.json", "weights.bin"}
	if strings.Join(paths, ",") != strings.Join(want, ",") {
		t.Fatalf("paths = %v, want %v", paths, want)
	}
	// 7 files + 3 directory entries = 10 entries, 3 per page => 4 pages.
	if n := len(f.requests("/tree/")); n != 4 {
		t.Errorf("tree requests = %d, want 4 (pagination)", n)
	}
	for _, fl := range files {
		switch fl.Path {
		case "tokenizer.json":
			if fl.LFS == nil || fl.LFS.OID != sha256ABC || fl.ETag() != sha256ABC || fl.Size != 3 {
				t.Errorf("tokenizer.json = %+v, want LFS sha256 of abc", fl)
			}
		case "README.md":
			if fl.LFS != nil || fl.OID != gitHashHello || fl.ETag() != gitHashHello {
				t.Errorf("README.md = %+v, want git oid %s", fl, gitHashHello)
			}
		}
	}
}

func TestNextLink(t *testing.T) {
	base := "https://hub.example/api/models/a/b/tree/main?recursive=true"
	tests := []struct {
		headers []string
		want    string
	}{
		{nil, ""},
		{[]string{`<https://hub.example/api/models/a/b/tree/main?cursor=xyz>; rel="next"`}, "https://hub.example/api/models/a/b/tree/main?cursor=xyz"},
		{[]string{`</api/x?cursor=2>; rel="prev", </api/x?cursor=4>; rel="next"`}, "https://hub.example/api/x?cursor=4"},
		{[]string{`<https://a/1>; rel="prev"`, `<https://a/2>; rel=next`}, "https://a/2"},
		{[]string{`<https://a/1>; rel="last"`}, ""},
	}
	for _, tc := range tests {
		got, err := nextLink(base, tc.headers)
		if err != nil || got != tc.want {
			t.Errorf("nextLink(%q) = %q, %v; want %q", tc.headers, got, err, tc.want)
		}
	}
}

func TestSnapshotLayoutAndToken(t *testing.T) {
	f := modelRepo(t)
	c := f.client(Options{Token: "hf_secret"})
	ctx := context.Background()
	dir, err := c.Snapshot(ctx, Repo{ID: "org/tiny-model"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(c.CacheDir(), "models--org--tiny-model")
	if want := filepath.Join(root, "snapshots", f.commit()); dir != want {
		t.Fatalf("dir = %s, want %s", dir, want)
	}
	ref, err := os.ReadFile(filepath.Join(root, "refs", "main"))
	if err != nil || string(ref) != f.commit() {
		t.Fatalf("refs/main = %q, %v; want %s", ref, err, f.commit())
	}
	wantLinks := map[string]string{
		"README.md":             "../../blobs/" + gitHashHello,
		"tokenizer.json":        "../../blobs/" + sha256ABC,
		"onnx/model.onnx":       "../../../blobs/" + sha256hex(f.files["onnx/model.onnx"]),
		"data/sub/dir/deep.txt": "../../../../../blobs/" + gitBlobSHA1([]byte("deep\n")),
	}
	for name, want := range wantLinks {
		got, err := os.Readlink(filepath.Join(dir, name))
		if err != nil || got != filepath.FromSlash(want) {
			t.Errorf("link %s -> %q, %v; want %q", name, got, err, want)
		}
	}
	for name, content := range f.files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, content) {
			t.Errorf("%s: content differs (err %v)", name, err)
		}
	}
	// No partial files or temp links left behind.
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if strings.HasSuffix(p, ".incomplete") || strings.Contains(p, ".tmp") {
			t.Errorf("leftover %s", p)
		}
		return nil
	})
	// The token goes to the Hub, never to the CDN; HEAD is not used by
	// Snapshot and LFS bytes come through the 302.
	for _, l := range f.requests("hub ") {
		if !strings.Contains(l, `auth="Bearer hf_secret"`) {
			t.Errorf("hub request without token: %s", l)
		}
	}
	cdn := f.requests("cdn ")
	if len(cdn) != 3 {
		t.Errorf("cdn requests = %d, want 3 (three LFS files): %v", len(cdn), cdn)
	}
	for _, l := range cdn {
		if !strings.Contains(l, `auth=""`) {
			t.Errorf("token leaked to the CDN: %s", l)
		}
	}
	// A second snapshot downloads nothing.
	before := len(f.requests("GET"))
	if _, err := c.Snapshot(ctx, Repo{ID: "org/tiny-model"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := f.requests("GET")[before:]; len(got) != 2 { // revision + one tree page
		t.Errorf("second snapshot made requests %v, want only revision+tree", got)
	}
}

func TestSnapshotPatterns(t *testing.T) {
	f := modelRepo(t)
	var done []string
	c := f.client(Options{Progress: func(p Progress) {
		if p.Done {
			done = append(done, fmt.Sprintf("%d/%d %s %d", p.Index, p.Files, p.File, p.Downloaded))
		}
	}})
	dir, err := c.Snapshot(context.Background(), Repo{ID: "org/tiny-model"}, []string{"*.json", "data/"})
	if err != nil {
		t.Fatal(err)
	}
	wantDone := []string{"1/4 1_Pooling/config.json 34", "2/4 config.json 19", "3/4 data/sub/dir/deep.txt 5", "4/4 tokenizer.json 3"}
	if !slices.Equal(done, wantDone) {
		t.Errorf("progress = %q, want %q", done, wantDone)
	}
	got, err := walkSnapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "1_Pooling/config.json,config.json,data/sub/dir/deep.txt,tokenizer.json"
	if strings.Join(got, ",") != want {
		t.Fatalf("files = %v, want %s", got, want)
	}
	if _, err := c.Snapshot(context.Background(), Repo{ID: "org/tiny-model"}, []string{"*.safetensors"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no match: err = %v, want ErrNotFound", err)
	}
}

func TestFnmatch(t *testing.T) {
	tests := []struct {
		pat, name string
		want      bool
	}{
		{"*.json", "config.json", true},
		{"*.json", "1_Pooling/config.json", true}, // fnmatch's * crosses '/'
		{"*.json", "config.json.bak", false},
		{"onnx/", "onnx/model.onnx", true},
		{"onnx/", "onnx_model", false},
		{"model-?.bin", "model-1.bin", true},
		{"model-?.bin", "model-12.bin", false},
		{"[!a]*", "b.txt", true},
		{"[!a]*", "a.txt", false},
		{"[a-c].txt", "b.txt", true},
		{"[a-c].txt", "d.txt", false},
		{"a+b(c).txt", "a+b(c).txt", true},
		{"[", "[", true},
	}
	for _, tc := range tests {
		m, err := compilePatterns([]string{tc.pat})
		if err != nil {
			t.Fatalf("%q: %v", tc.pat, err)
		}
		if got := m(tc.name); got != tc.want {
			t.Errorf("match(%q, %q) = %v, want %v", tc.pat, tc.name, got, tc.want)
		}
	}
}

func TestDownloadSingleFileUsesHEAD(t *testing.T) {
	f := modelRepo(t)
	c := f.client(Options{})
	ctx := context.Background()
	p, err := c.Download(ctx, Repo{ID: "org/tiny-model"}, "onnx/model.onnx")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if !bytes.Equal(got, f.files["onnx/model.onnx"]) {
		t.Fatal("content differs")
	}
	if want := filepath.Join(c.CacheDir(), "models--org--tiny-model", "snapshots", f.commit(), "onnx", "model.onnx"); p != want {
		t.Errorf("path = %s, want %s", p, want)
	}
	if n := len(f.requests("cdn HEAD")); n != 0 {
		t.Errorf("HEAD followed the redirect to the CDN %d times", n)
	}
	// Pinned to the commit and cached: no network at all.
	before := len(f.requests(""))
	if _, err := c.Download(ctx, Repo{ID: "org/tiny-model", Revision: f.commit()}, "onnx/model.onnx"); err != nil {
		t.Fatal(err)
	}
	if after := len(f.requests("")); after != before {
		t.Errorf("cached download by commit made %d requests", after-before)
	}
	if _, err := c.Download(ctx, Repo{ID: "org/tiny-model"}, "missing.txt"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing file: err = %v, want ErrNotFound", err)
	}
	if _, err := c.Download(ctx, Repo{ID: "org/tiny-model", Revision: "nope"}, "config.json"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing revision: err = %v, want ErrNotFound", err)
	}
}

func TestRenamedRepoRelativeRedirect(t *testing.T) {
	f := modelRepo(t)
	f.renamed = true
	c := f.client(Options{})
	for _, name := range []string{"config.json", "tokenizer.json"} {
		p, err := c.Download(context.Background(), Repo{ID: "old-org/tiny-model"}, name)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, f.files[name]) {
			t.Errorf("%s: content differs", name)
		}
		if !strings.Contains(p, "models--old-org--tiny-model") {
			t.Errorf("cached under %s, want the requested name", p)
		}
	}
	if n := len(f.requests("hub HEAD /old-org/")); n != 2 {
		t.Errorf("HEAD requests on the old name = %d, want 2", n)
	}
}

func TestDatasetRevisionEscaping(t *testing.T) {
	f := newFakeHub(t, "dataset", "org/data")
	f.refs["refs/convert/parquet"] = strings.Repeat("b2", 20)
	f.files["default/test/0000.parquet"] = bigContent(5000)
	f.lfs["default/test/0000.parquet"] = true
	c := f.client(Options{})
	repo := Dataset("org/data").At("refs/convert/parquet")
	if repo != (Repo{ID: "org/data", Type: TypeDataset, Revision: "refs/convert/parquet"}) || Model("a/b") != (Repo{ID: "a/b", Type: TypeModel}) {
		t.Fatalf("constructors: %+v", repo)
	}
	p, err := c.Download(context.Background(), repo, "default/test/0000.parquet")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.requests("/datasets/org/data/resolve/refs%2Fconvert%2Fparquet/default/test/0000.parquet")) != 1 {
		t.Errorf("revision not escaped as refs%%2Fconvert%%2Fparquet: %v", f.requests("HEAD"))
	}
	root := filepath.Join(c.CacheDir(), "datasets--org--data")
	ref, err := os.ReadFile(filepath.Join(root, "refs", "refs", "convert", "parquet"))
	if err != nil || string(ref) != strings.Repeat("b2", 20) {
		t.Errorf("ref = %q, %v", ref, err)
	}
	if !strings.HasPrefix(p, filepath.Join(root, "snapshots", strings.Repeat("b2", 20))) {
		t.Errorf("path %s not in the snapshot of the converted commit", p)
	}
	dir, err := c.Snapshot(context.Background(), repo, []string{"*.parquet"})
	if err != nil || dir != filepath.Join(root, "snapshots", strings.Repeat("b2", 20)) {
		t.Errorf("snapshot = %s, %v", dir, err)
	}
}

func TestResumeWithRange(t *testing.T) {
	f := modelRepo(t)
	c := f.client(Options{})
	content := f.files["onnx/model.onnx"]
	blob := filepath.Join(c.CacheDir(), "models--org--tiny-model", "blobs", sha256hex(content))
	os.MkdirAll(filepath.Dir(blob), 0o755)
	os.WriteFile(blob+".incomplete", content[:123456], 0o644)
	var reports []Progress
	c.opts.Progress = func(p Progress) { reports = append(reports, p) }
	p, err := c.Download(context.Background(), Repo{ID: "org/tiny-model"}, "onnx/model.onnx")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, content) {
		t.Fatal("content differs after resume")
	}
	gets := f.requests("cdn GET")
	if len(gets) != 1 || !strings.Contains(gets[0], `range="bytes=123456-"`) {
		t.Fatalf("cdn GETs = %v, want one with Range bytes=123456-", gets)
	}
	if len(reports) < 2 || reports[0].Downloaded != 123456 || !reports[len(reports)-1].Done ||
		reports[len(reports)-1].Downloaded != int64(len(content)) || reports[0].Total != int64(len(content)) {
		t.Errorf("progress reports wrong: first %+v last %+v", reports[0], reports[len(reports)-1])
	}
	for i := 1; i < len(reports); i++ {
		if reports[i].Downloaded < reports[i-1].Downloaded {
			t.Errorf("progress went backwards at %d", i)
		}
	}
}

func TestServerIgnoringRange(t *testing.T) {
	f := modelRepo(t)
	f.ignoreRange = true
	c := f.client(Options{})
	content := f.files["weights.bin"]
	blob := filepath.Join(c.CacheDir(), "models--org--tiny-model", "blobs", sha256hex(content))
	os.MkdirAll(filepath.Dir(blob), 0o755)
	// A partial file whose bytes are NOT a prefix of the content: if the
	// 200 answer were appended, the checksum would fail.
	os.WriteFile(blob+".incomplete", bytes.Repeat([]byte{'X'}, 1000), 0o644)
	p, err := c.Download(context.Background(), Repo{ID: "org/tiny-model"}, "weights.bin")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, content) {
		t.Fatal("content differs")
	}
	if gets := f.requests("cdn GET"); len(gets) != 1 {
		t.Errorf("cdn GETs = %v, want exactly one (200 restarts the file)", gets)
	}
}

func TestStalePartialFileStartsOver(t *testing.T) {
	f := modelRepo(t)
	c := f.client(Options{})
	content := f.files["weights.bin"]
	blob := filepath.Join(c.CacheDir(), "models--org--tiny-model", "blobs", sha256hex(content))
	os.MkdirAll(filepath.Dir(blob), 0o755)
	os.WriteFile(blob+".incomplete", bytes.Repeat([]byte{'X'}, 1000), 0o644)
	p, err := c.Download(context.Background(), Repo{ID: "org/tiny-model"}, "weights.bin")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, content) {
		t.Fatal("content differs")
	}
	gets := f.requests("cdn GET")
	if len(gets) != 2 || !strings.Contains(gets[0], "bytes=1000-") || !strings.Contains(gets[1], `range=""`) {
		t.Errorf("cdn GETs = %v, want a resumed GET then a full one", gets)
	}
}

func TestDroppedConnectionResumes(t *testing.T) {
	for _, name := range []string{"onnx/model.onnx", "config.json"} {
		t.Run(name, func(t *testing.T) {
			f := modelRepo(t)
			drop := 100_000
			if name == "config.json" {
				drop = 5
			}
			f.dropAfter[name] = drop
			c := f.client(Options{})
			p, err := c.Download(context.Background(), Repo{ID: "org/tiny-model"}, name)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(p); !bytes.Equal(got, f.files[name]) {
				t.Fatal("content differs")
			}
			server := "cdn"
			if name == "config.json" {
				server = "hub"
			}
			gets := f.requests(server + " GET")
			if len(gets) != 2 || !strings.Contains(gets[1], `range="bytes=`) {
				t.Fatalf("GETs = %v, want a second GET with a Range", gets)
			}
			if want := `range="bytes=` + strconv.Itoa(drop) + `-"`; !strings.Contains(gets[1], want) {
				t.Errorf("resume GET = %s, want %s", gets[1], want)
			}
		})
	}
}

func TestStalledConnectionResumes(t *testing.T) {
	f := modelRepo(t)
	f.stallAfter["weights.bin"] = 4096
	c := f.client(Options{ReadTimeout: 200 * time.Millisecond})
	p, err := c.Download(context.Background(), Repo{ID: "org/tiny-model"}, "weights.bin")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, f.files["weights.bin"]) {
		t.Fatal("content differs")
	}
	gets := f.requests("cdn GET")
	if len(gets) != 2 || !strings.Contains(gets[1], `range="bytes=4096-"`) {
		t.Fatalf("cdn GETs = %v, want a resumed GET from byte 4096", gets)
	}
}

func TestDroppedConnectionGivesUp(t *testing.T) {
	f := modelRepo(t)
	f.dropAfter["weights.bin"] = 10
	c := f.client(Options{Retries: -1})
	_, err := c.Download(context.Background(), Repo{ID: "org/tiny-model"}, "weights.bin")
	if err == nil {
		t.Fatal("want an error without retries")
	}
	// The partial file is kept for a later resume.
	blob := filepath.Join(c.CacheDir(), "models--org--tiny-model", "blobs", sha256hex(f.files["weights.bin"]))
	if st, err := os.Stat(blob + ".incomplete"); err != nil || st.Size() != 10 {
		t.Errorf("partial file: %v %v, want 10 bytes kept", st, err)
	}
}

func TestWrongChecksum(t *testing.T) {
	for _, name := range []string{"weights.bin", "config.json"} {
		t.Run(name, func(t *testing.T) {
			f := modelRepo(t)
			f.corrupt[name] = true
			c := f.client(Options{})
			_, err := c.Download(context.Background(), Repo{ID: "org/tiny-model"}, name)
			if !errors.Is(err, ErrChecksum) {
				t.Fatalf("err = %v, want ErrChecksum", err)
			}
			root := filepath.Join(c.CacheDir(), "models--org--tiny-model")
			blobs, _ := os.ReadDir(filepath.Join(root, "blobs"))
			if len(blobs) != 0 {
				t.Errorf("blobs left: %v", blobs)
			}
			if _, err := os.Lstat(filepath.Join(root, "snapshots", f.commit(), name)); err == nil {
				t.Error("snapshot link created for a corrupt file")
			}
			// Snapshot fails the same way.
			if _, err := c.Snapshot(context.Background(), Repo{ID: "org/tiny-model"}, []string{name}); !errors.Is(err, ErrChecksum) {
				t.Errorf("snapshot err = %v, want ErrChecksum", err)
			}
		})
	}
}

func TestOffline(t *testing.T) {
	f := modelRepo(t)
	cache := t.TempDir()
	online := f.client(Options{CacheDir: cache})
	ctx := context.Background()
	repo := Repo{ID: "org/tiny-model"}
	onlineDir, err := online.Snapshot(ctx, repo, []string{"*.json", "onnx/*"})
	if err != nil {
		t.Fatal(err)
	}
	f.hub.Close()
	f.cdn.Close()

	for _, mode := range []string{"HF_HUB_OFFLINE", "unreachable"} {
		t.Run(mode, func(t *testing.T) {
			c := New(Options{Endpoint: f.hub.URL, CacheDir: cache, Offline: mode == "HF_HUB_OFFLINE", Retries: -1})
			p, err := c.Download(ctx, repo, "config.json")
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(p); !bytes.Equal(got, f.files["config.json"]) {
				t.Error("content differs")
			}
			dir, err := c.Snapshot(ctx, repo, []string{"onnx/"})
			if err != nil || dir != onlineDir {
				t.Errorf("snapshot = %s, %v; want %s", dir, err, onlineDir)
			}
			files, err := c.List(ctx, repo)
			if err != nil || len(files) != 4 {
				t.Errorf("list = %v, %v; want the 4 cached files", files, err)
			}
			if _, err := c.Download(ctx, repo, "weights.bin"); err == nil {
				t.Error("uncached file: no error")
			} else if mode == "HF_HUB_OFFLINE" && !errors.Is(err, ErrNotCached) {
				t.Errorf("uncached file: err = %v, want ErrNotCached", err)
			}
			if _, err := c.Download(ctx, Repo{ID: "org/tiny-model", Revision: "v2"}, "config.json"); err == nil {
				t.Error("uncached revision: no error")
			}
		})
	}
	c := New(Options{Endpoint: f.hub.URL, CacheDir: cache, Offline: true})
	if _, err := c.Snapshot(ctx, Repo{ID: "org/other"}, nil); !errors.Is(err, ErrNotCached) {
		t.Errorf("uncached repo: err = %v, want ErrNotCached", err)
	}
}

func TestPathTraversalRejected(t *testing.T) {
	f := modelRepo(t)
	c := f.client(Options{})
	ctx := context.Background()
	for _, name := range []string{"../../etc/passwd", "/etc/passwd", "a/../../b", "a//b", "./a", `..\x`, "", "a/\x00"} {
		if _, err := c.Download(ctx, Repo{ID: "org/tiny-model"}, name); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("Download(%q): err = %v, want ErrUnsafePath", name, err)
		}
	}
	for _, rev := range []string{"../../x", "/abs"} {
		if _, err := c.Download(ctx, Repo{ID: "org/tiny-model", Revision: rev}, "config.json"); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("revision %q: err = %v, want ErrUnsafePath", rev, err)
		}
	}
	for _, id := range []string{"../x", "a/b/c", "a/..", "a--b/c", ""} {
		if _, err := c.Download(ctx, Repo{ID: id}, "config.json"); err == nil {
			t.Errorf("repo id %q accepted", id)
		}
	}
	// A server listing a path that escapes the snapshot.
	f.extra = []map[string]any{{"type": "file", "path": "../../../evil.txt", "oid": gitBlobSHA1([]byte("x")), "size": 1}}
	if _, err := c.Snapshot(ctx, Repo{ID: "org/tiny-model"}, nil); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("malicious listing: err = %v, want ErrUnsafePath", err)
	}
	if _, err := os.Stat(filepath.Join(c.CacheDir(), "evil.txt")); err == nil {
		t.Error("evil.txt written outside the repository")
	}
	f.extra = []map[string]any{{"type": "file", "path": "x", "oid": "../../../evil", "size": 1}}
	if _, err := c.Snapshot(ctx, Repo{ID: "org/tiny-model"}, []string{"x"}); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("malicious oid: err = %v, want ErrUnsafePath", err)
	}
}

func TestOptionsFromEnv(t *testing.T) {
	tokenDir := t.TempDir()
	os.WriteFile(filepath.Join(tokenDir, "token"), []byte("  hf_file \n"), 0o600)
	tests := []struct {
		name string
		env  map[string]string
		want Options
	}{
		{"defaults", map[string]string{"HOME": "/home/u"},
			Options{Endpoint: DefaultEndpoint, CacheDir: "/home/u/.cache/huggingface/hub"}},
		{"xdg", map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": "/xdg"},
			Options{Endpoint: DefaultEndpoint, CacheDir: "/xdg/huggingface/hub"}},
		{"hf_home+token file", map[string]string{"HOME": "/home/u", "HF_HOME": tokenDir, "HF_ENDPOINT": "https://mirror.example/", "HF_HUB_OFFLINE": "yes"},
			Options{Endpoint: "https://mirror.example", CacheDir: tokenDir + "/hub", Token: "hf_file", Offline: true}},
		{"hub cache wins, ~ expanded, env token wins", map[string]string{"HOME": "/home/u", "HF_HOME": tokenDir, "HF_HUB_CACHE": "~/hc", "HF_TOKEN": "hf_env", "TRANSFORMERS_OFFLINE": "1"},
			Options{Endpoint: DefaultEndpoint, CacheDir: "/home/u/hc", Token: "hf_env", Offline: true}},
		{"legacy", map[string]string{"HOME": "/home/u", "HUGGINGFACE_HUB_CACHE": "$HOME/legacy", "HUGGING_FACE_HUB_TOKEN": "hf_old", "HF_HUB_OFFLINE": "0"},
			Options{Endpoint: DefaultEndpoint, CacheDir: "/home/u/legacy", Token: "hf_old"}},
	}
	timeouts := optionsFromEnv(func(k string) string {
		return map[string]string{"HF_HUB_ETAG_TIMEOUT": "2.5", "HF_HUB_DOWNLOAD_TIMEOUT": "7"}[k]
	})
	if timeouts.MetadataTimeout != 2500*time.Millisecond || timeouts.ReadTimeout != 7*time.Second {
		t.Errorf("timeouts = %v, %v; want 2.5s, 7s", timeouts.MetadataTimeout, timeouts.ReadTimeout)
	}
	for _, tc := range tests {
		got := optionsFromEnv(func(k string) string { return tc.env[k] })
		if got.Endpoint != tc.want.Endpoint || got.CacheDir != tc.want.CacheDir || got.Token != tc.want.Token || got.Offline != tc.want.Offline {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, safe, want string }{
		{"refs/convert/parquet", "", "refs%2Fconvert%2Fparquet"},
		{"main", "", "main"},
		{"dir/a b+c.json", "/", "dir/a%20b%2Bc.json"},
		{"日本", "/", "%E6%97%A5%E6%9C%AC"},
	}
	for _, tc := range tests {
		if got := quote(tc.in, tc.safe); got != tc.want {
			t.Errorf("quote(%q, %q) = %q, want %q", tc.in, tc.safe, got, tc.want)
		}
	}
}
