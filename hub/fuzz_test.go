package hub

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckRelPath: every accepted name stays inside the snapshot
// directory once joined, and cleaning does not change it.
func FuzzCheckRelPath(f *testing.F) {
	for _, s := range []string{"config.json", "a/b/c.txt", "../x", "a/../b", "/abs", "a//b", "./a", "a/.", `a\b`, "…/x", "..."} {
		f.Add(s)
	}
	base := filepath.FromSlash("/cache/models--a--b/snapshots/c")
	f.Fuzz(func(t *testing.T, p string) {
		if checkRelPath(p) != nil {
			return
		}
		joined := filepath.Join(base, filepath.FromSlash(p))
		if !within(base, joined) || joined == base {
			t.Fatalf("accepted %q escapes to %q", p, joined)
		}
		if filepath.ToSlash(filepath.Clean(filepath.FromSlash(p))) != p {
			t.Fatalf("accepted %q is not clean", p)
		}
		if strings.HasPrefix(p, "/") {
			t.Fatalf("accepted absolute %q", p)
		}
	})
}

// FuzzPatterns: any pattern compiles, and a pattern without special
// characters matches exactly itself.
func FuzzPatterns(f *testing.F) {
	for _, s := range []string{"*.json", "[!a]*", "[", "a?b", "onnx/", "[]]", "[^x]", `\*`} {
		f.Add(s, "onnx/model.onnx")
	}
	f.Fuzz(func(t *testing.T, pat, name string) {
		m, err := compilePatterns([]string{pat})
		if !utf8.ValidString(pat) {
			if err == nil {
				t.Fatalf("invalid UTF-8 pattern %q accepted", pat)
			}
			return
		}
		if err != nil {
			t.Fatalf("pattern %q: %v", pat, err)
		}
		m(name)
		if !strings.ContainsAny(pat, "*?[") && !strings.HasSuffix(pat, "/") {
			if !m(pat) {
				t.Fatalf("literal %q does not match itself", pat)
			}
			if name != pat && m(name) {
				t.Fatalf("literal %q matches %q", pat, name)
			}
		}
	})
}

func FuzzNextLink(f *testing.F) {
	f.Add(`<https://a/b?cursor=1>; rel="next"`)
	f.Add(`</x>; rel="prev", </y>; rel=next`)
	f.Add(`<<>>;;rel="next"`)
	f.Fuzz(func(t *testing.T, h string) {
		nextLink("https://hub.example/api/models/a/b/tree/main", []string{h})
	})
}
