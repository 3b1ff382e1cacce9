package hub

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Snapshot downloads the files of the repository that match patterns (all
// files when patterns is empty) and returns the snapshot directory
// snapshots/<commit>, in which every file is a relative symlink into
// blobs/. Patterns follow huggingface_hub's allow_patterns: Python fnmatch
// syntax ("*" also matches "/"; a pattern ending in "/" matches everything
// below that folder). Offline, or when the Hub cannot be reached, the
// cached snapshot is returned if it holds files matching the patterns.
func (c *Client) Snapshot(ctx context.Context, repo Repo, patterns []string) (string, error) {
	if err := repo.validate(); err != nil {
		return "", err
	}
	match, err := compilePatterns(patterns)
	if err != nil {
		return "", err
	}
	if c.opts.Offline {
		return c.cachedSnapshot(repo, patterns, match)
	}
	commit, err := c.Resolve(ctx, repo)
	if err != nil {
		return "", err
	}
	files, err := c.listRevision(ctx, repo, commit)
	if err != nil {
		if isNetworkError(ctx, err) {
			dir, cerr := c.cachedSnapshot(repo, patterns, match)
			if cerr == nil || !errors.Is(cerr, ErrNotCached) {
				return dir, cerr
			}
			// Nothing cached: the Hub being unreachable is the cause,
			// and its error says how to work offline.
		}
		return "", err
	}
	rc := c.repoCache(repo)
	n := 0
	var todo []File
	for _, f := range files {
		if !match(f.Path) {
			continue
		}
		n++
		if _, ok := rc.cachedFile(commit, f.Path); !ok {
			todo = append(todo, f)
		}
	}
	for i, f := range todo {
		size := f.Size
		if f.LFS != nil {
			size = f.LFS.Size
		}
		if _, err := c.fetch(ctx, repo, commit, File{Path: f.Path, Size: size, OID: f.OID, LFS: f.LFS}, f.ETag(), i+1, len(todo)); err != nil {
			return "", err
		}
	}
	if n == 0 {
		return "", fmt.Errorf("hub: %s: no file matches %q: %w", repo, patterns, ErrNotFound)
	}
	return rc.snapshot(commit), nil
}

func (c *Client) cachedSnapshot(repo Repo, patterns []string, match func(string) bool) (string, error) {
	commit, err := c.resolveCached(repo)
	if err != nil {
		return "", err
	}
	dir := c.repoCache(repo).snapshot(commit)
	names, err := walkSnapshot(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("hub: %s: %w", repo, err)
	}
	for _, n := range names {
		if match(n) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("hub: %s: no cached file matches %q: %w", repo, patterns, ErrNotCached)
}

// compilePatterns returns a matcher for Python-fnmatch patterns; no
// patterns match everything.
func compilePatterns(patterns []string) (func(string) bool, error) {
	if len(patterns) == 0 {
		return func(string) bool { return true }, nil
	}
	res := make([]*regexp.Regexp, 0, len(patterns))
	for _, p := range patterns {
		if !utf8.ValidString(p) {
			return nil, fmt.Errorf("hub: pattern %q is not valid UTF-8", p)
		}
		if strings.HasSuffix(p, "/") {
			p += "*"
		}
		re, err := regexp.Compile(fnmatchRegexp(p))
		if err != nil {
			return nil, fmt.Errorf("hub: bad pattern %q: %w", p, err)
		}
		res = append(res, re)
	}
	return func(name string) bool {
		if !utf8.ValidString(name) {
			return false
		}
		for _, re := range res {
			if re.MatchString(name) {
				return true
			}
		}
		return false
	}, nil
}

// fnmatchRegexp translates a pattern like Python's fnmatch.translate:
// "*" any string (including "/"), "?" any character, "[seq]" and "[!seq]"
// character sets; everything else literal.
func fnmatchRegexp(pat string) string {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	rs := []rune(pat)
	for i := 0; i < len(rs); i++ {
		switch ch := rs[i]; ch {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			j := i + 1
			if j < len(rs) && rs[j] == '!' {
				j++
			}
			if j < len(rs) && rs[j] == ']' {
				j++
			}
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) {
				b.WriteString(`\[`)
				continue
			}
			set := rs[i+1 : j]
			i = j
			var sb strings.Builder
			sb.WriteByte('[')
			k := 0
			if len(set) > 0 && set[0] == '!' {
				sb.WriteByte('^')
				k = 1
			}
			for ; k < len(set); k++ {
				r := set[k]
				if r == '\\' || r == '[' || r == ']' || r == '^' {
					sb.WriteByte('\\')
				}
				sb.WriteRune(r)
			}
			sb.WriteByte(']')
			b.WriteString(sb.String())
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	b.WriteString(`)$`)
	return b.String()
}
