package tokenizer

import (
	"slices"
	"strings"
	"testing"
)

func TestMergeLiteRuns(t *testing.T) {
	for _, c := range []struct{ text, words, want string }{
		{"2024年", "2 0 2 4 年", "2024 年"},
		{"AIモデル", "A I モデル", "AI モデル"},
		{"ChatGPT", "ChatGPT", "ChatGPT"},
		{"ChatGPT", "Chat G P T", "Chat GPT"},
		{"iPhone", "i Phone", "iPhone"},
		{"A4", "A 4", "A 4"},          // different classes
		{"2 0", "2 0", "2 0"},         // not adjacent
		{"3.14", "3 . 1 4", "3 . 14"}, // punctuation breaks the run
		{"第1回", "第 1 回", "第 1 回"},
	} {
		got := mergeLiteRuns(c.text, strings.Fields(c.words))
		if want := strings.Fields(c.want); !slices.Equal(got, want) {
			t.Errorf("%q %q: got %q, want %q", c.text, c.words, got, want)
		}
	}
}
