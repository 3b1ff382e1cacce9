package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jretrieve/jretrieve/hub"
)

// TestDownloadCommand runs the subcommand against a minimal fake Hub
// (one model repository with two regular files) configured through the
// HF_* environment, then again offline.
func TestDownloadCommand(t *testing.T) {
	commit := strings.Repeat("c0", 20)
	files := map[string][]byte{"config.json": []byte(`{"a": 1}`), "sub/vocab.txt": []byte("[PAD]\n[UNK]\n")}
	oid := func(b []byte) string {
		h := sha1.New()
		fmt.Fprintf(h, "blob %d\x00", len(b))
		h.Write(b)
		return hex.EncodeToString(h.Sum(nil))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == "/api/models/org/m/revision/main":
			json.NewEncoder(w).Encode(map[string]string{"sha": commit})
		case p == "/api/models/org/m/tree/"+commit || p == "/api/models/org/m/tree/main":
			var entries []map[string]any
			for _, n := range []string{"config.json", "sub/vocab.txt"} {
				entries = append(entries, map[string]any{"type": "file", "path": n, "oid": oid(files[n]), "size": len(files[n])})
			}
			json.NewEncoder(w).Encode(entries)
		case strings.HasPrefix(p, "/org/m/resolve/"):
			_, name, _ := strings.Cut(strings.TrimPrefix(p, "/org/m/resolve/"), "/")
			b, ok := files[name]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("X-Repo-Commit", commit)
			w.Header().Set("ETag", `"`+oid(b)+`"`)
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	home := t.TempDir()
	t.Setenv("HF_HOME", home)
	t.Setenv("HF_HUB_CACHE", "")
	t.Setenv("HUGGINGFACE_HUB_CACHE", "")
	t.Setenv("HF_TOKEN", "")
	t.Setenv("HUGGING_FACE_HUB_TOKEN", "")
	t.Setenv("HF_HUB_OFFLINE", "")
	t.Setenv("TRANSFORMERS_OFFLINE", "")
	t.Setenv("HF_ENDPOINT", srv.URL)

	run := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := runDownload(context.Background(), args, &out, &errb)
		if errb.Len() > 0 {
			t.Logf("stderr: %s", errb.String())
		}
		return out.String(), err
	}
	snap := filepath.Join(home, "hub", "models--org--m", "snapshots", commit)
	out, err := run("org/m", "config.json")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(snap, "config.json") + "\n"; out != want {
		t.Fatalf("stdout = %q, want %q", out, want)
	}
	out, err = run("--include", "sub/", "org/m")
	if err != nil || out != snap+"\n" {
		t.Fatalf("snapshot: %q, %v", out, err)
	}
	if b, err := os.ReadFile(filepath.Join(snap, "sub", "vocab.txt")); err != nil || !bytes.Equal(b, files["sub/vocab.txt"]) {
		t.Fatalf("vocab.txt: %q, %v", b, err)
	}
	out, err = run("--list", "org/m")
	if want := "config.json\t8\t-\nsub/vocab.txt\t12\t-\n"; err != nil || out != want {
		t.Fatalf("--list = %q, %v; want %q", out, err, want)
	}
	srv.Close()
	out, err = run("--offline", "org/m", "config.json")
	if err != nil || out != filepath.Join(snap, "config.json")+"\n" {
		t.Fatalf("offline: %q, %v", out, err)
	}
	if _, err := run("--offline", "org/m", "missing.json"); err == nil {
		t.Fatal("offline missing file: no error")
	}
	if _, err := run("--type", "bogus", "org/m"); err == nil {
		t.Fatal("bad --type accepted")
	}
	if _, err := run(); err == nil {
		t.Fatal("missing REPO accepted")
	}
}

func TestDownloadBars(t *testing.T) {
	var buf bytes.Buffer
	d := &downloadBars{w: &buf}
	for _, p := range []hub.Progress{
		{File: "onnx/model.onnx", Index: 1, Files: 2, Downloaded: 0, Total: 1000},
		{File: "onnx/model.onnx", Index: 1, Files: 2, Downloaded: 1000, Total: 1000, Done: true},
		{File: "config.json", Index: 2, Files: 2, Downloaded: 10, Total: -1, Done: true},
	} {
		d.report(p)
	}
	d.close()
	out := buf.String()
	if !strings.Contains(out, "[1/2] model.onnx") || !strings.Contains(out, "[2/2] config.json") {
		t.Errorf("bars = %q", out)
	}
}
