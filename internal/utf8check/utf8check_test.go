package utf8check

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReader(t *testing.T) {
	for _, tc := range []struct {
		in         string
		line, col  int
		b          byte
		validBytes int
	}{
		{"ab\ncd", 0, 0, 0, 5},
		{"東京\n都", 0, 0, 0, 10},
		{"ab\nc\xffd", 2, 2, 0xff, 4},
		{"\"22\xff\": 1", 1, 4, 0xff, 3},
		{"東京\n\n都\xe4", 3, 4, 0xe4, 11}, // cut-off sequence at the end
		{"\xed\xa0\x80", 1, 1, 0xed, 0}, // surrogate
		{"a\xc0\xafb", 1, 2, 0xc0, 1},   // overlong
	} {
		// One byte at a time exercises the sequences split across reads.
		for _, r := range []io.Reader{NewReader(strings.NewReader(tc.in), "f"), NewReader(iotest.OneByteReader(strings.NewReader(tc.in)), "f")} {
			got, err := io.ReadAll(r)
			if tc.line == 0 {
				if err != nil || string(got) != tc.in {
					t.Errorf("%q: got %q, %v", tc.in, got, err)
				}
				continue
			}
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) || e.Line != tc.line || e.Column != tc.col || e.Byte != tc.b || e.File != "f" {
				t.Errorf("%q: err %v, want f:%d column %d byte %#x", tc.in, err, tc.line, tc.col, tc.b)
			}
			if len(got) != tc.validBytes || !strings.HasPrefix(tc.in, string(got)) {
				t.Errorf("%q: delivered %q before the error", tc.in, got)
			}
		}
		if tc.line != 0 && !strings.Contains(tc.in, "\n") {
			err := Line([]byte(tc.in), "g", 7)
			var e *Error
			if !errors.As(err, &e) || e.Line != 7 || e.Column != tc.col {
				t.Errorf("Line(%q): %v", tc.in, err)
			}
		}
	}
	if err := String("東京", "g", 1); err != nil {
		t.Error(err)
	}
}
