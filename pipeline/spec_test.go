package pipeline

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		in    string
		canon string
		names []string
	}{
		{"bm25", "bm25", []string{"bm25"}},
		{"cl-nagoya/ruri-v3-30m", "cl-nagoya/ruri-v3-30m", []string{"cl-nagoya/ruri-v3-30m"}},
		{"./models/my model", "", nil}, // space ends a name: error below
		{"rrf(bm25, ruri-v3-30m)", "rrf(bm25,ruri-v3-30m)", []string{"bm25", "ruri-v3-30m"}},
		{"RRF(bm25,ruri-v3-30m)", "rrf(bm25,ruri-v3-30m)", []string{"bm25", "ruri-v3-30m"}},
		{"ruri-v3-30m>ruri-reranker-small@100", "ruri-v3-30m>ruri-reranker-small@100", []string{"ruri-v3-30m", "ruri-reranker-small"}},
		{"rrf(bm25,a)>r@20>s@5", "rrf(bm25,a)>r@20>s@5", []string{"bm25", "a", "r", "s"}},
		{"combmnz(a>b@10,a)", "combmnz(a>b@10,a)", []string{"a", "b"}},
		{"/abs/dir/model", "/abs/dir/model", []string{"/abs/dir/model"}},
	}
	for _, tt := range tests {
		s, err := ParseSpec(tt.in)
		if tt.canon == "" {
			if err == nil {
				t.Errorf("ParseSpec(%q) = %v, want error", tt.in, s)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSpec(%q): %v", tt.in, err)
			continue
		}
		if got := s.String(); got != tt.canon {
			t.Errorf("ParseSpec(%q).String() = %q, want %q", tt.in, got, tt.canon)
		}
		if got := s.Names(); !reflect.DeepEqual(got, tt.names) {
			t.Errorf("ParseSpec(%q).Names() = %q, want %q", tt.in, got, tt.names)
		}
		// Canonical form parses to the same tree.
		s2, err := ParseSpec(s.String())
		if err != nil || !reflect.DeepEqual(s, s2) {
			t.Errorf("re-parse of %q: %v, %v", s.String(), s2, err)
		}
	}
}

func TestParseSpecErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "expected a model name"},
		{"a>b", "expected @depth"},
		{"a>b@0", "positive integer"},
		{"a>b@x", "positive integer"},
		{"rrf(a)", "at least two inputs"},
		{"rrf(a,b", "expected , or )"},
		{"max(a,b)", "unknown fusion"},
		{"a)", "unexpected"},
	}
	for _, tt := range tests {
		_, err := ParseSpec(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSpec(%q) error = %v, want containing %q", tt.in, err, tt.want)
		}
	}
}
