package rag

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SplitOptions configure ReadFiles.
type SplitOptions struct {
	// Extensions are the file name extensions read (default .txt and .md).
	Extensions []string
	// MaxRunes caps the length of a passage in characters (default 400):
	// longer paragraphs are cut after a sentence end (。．！？!? or a line
	// break), or hard at MaxRunes when a sentence is longer.
	MaxRunes int
}

// ReadFiles reads every text file under root in fsys (lexical order, hidden
// files and directories skipped) and splits it into passages: paragraphs
// separated by blank lines, cut to at most MaxRunes characters. Passage n
// (from 1) of file p gets the id "p#n" and the metadata "file" (p) and
// "passage" (n). A file that is not valid UTF-8 is an error naming it.
func ReadFiles(ctx context.Context, fsys fs.FS, root string, opt SplitOptions) ([]Document, error) {
	exts := opt.Extensions
	if exts == nil {
		exts = []string{".txt", ".md"}
	}
	maxRunes := opt.MaxRunes
	if maxRunes <= 0 {
		maxRunes = 400
	}
	var docs []Document
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !slices.Contains(exts, strings.ToLower(path.Ext(p))) {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if !utf8.Valid(b) {
			return fmt.Errorf("rag: %s: not valid UTF-8 text", p)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		if rel == "" {
			rel = path.Base(p)
		}
		for i, text := range SplitPassages(string(b), maxRunes) {
			n := strconv.Itoa(i + 1)
			docs = append(docs, Document{ID: rel + "#" + n, Text: text, Meta: map[string]string{"file": rel, "passage": n}})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rag: read %s: %w", root, err)
	}
	return docs, nil
}

// SplitPassages splits text into paragraphs (separated by blank lines,
// whitespace trimmed, empty ones dropped) and cuts paragraphs longer than
// maxRunes characters after sentence ends, or hard when a sentence alone is
// longer.
func SplitPassages(text string, maxRunes int) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	var para []string
	flush := func() {
		p := strings.TrimSpace(strings.Join(para, "\n"))
		para = para[:0]
		if p != "" {
			out = append(out, cut(p, maxRunes)...)
		}
	}
	for line := range strings.SplitSeq(text, "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		para = append(para, line)
	}
	flush()
	return out
}

// cut splits p into pieces of at most max runes, preferring sentence ends.
func cut(p string, max int) []string {
	rs := []rune(p)
	if len(rs) <= max {
		return []string{p}
	}
	var out []string
	for len(rs) > max {
		end := -1
		for i := max - 1; i > 0; i-- {
			switch rs[i] {
			case '。', '．', '！', '？', '!', '?', '\n':
				end = i + 1
			}
			if end > 0 {
				break
			}
		}
		if end < 0 {
			end = max
		}
		if s := strings.TrimSpace(string(rs[:end])); s != "" {
			out = append(out, s)
		}
		rs = rs[end:]
	}
	if s := strings.TrimSpace(string(rs)); s != "" {
		out = append(out, s)
	}
	return out
}
