package jretrieve_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// shBlock is one ```sh code block of README.md.
type shBlock struct {
	line    int    // line number of its first command line
	section string // the "## " heading above it
	lines   []string
}

func readmeShBlocks(t *testing.T) []shBlock {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []shBlock
	var cur *shBlock
	section := ""
	for i, l := range strings.Split(string(b), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(l, "## "):
			section = strings.TrimPrefix(l, "## ")
		case cur == nil && strings.TrimSpace(l) == "```sh":
			cur = &shBlock{line: i + 2, section: section}
		case cur != nil && strings.TrimSpace(l) == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, l)
		}
	}
	if cur != nil {
		t.Fatalf("README.md: code block at line %d is not closed", cur.line)
	}
	if len(blocks) == 0 {
		t.Fatal("README.md: no ```sh blocks found")
	}
	return blocks
}

// stripComment removes a shell comment ("  # ...") from a command line.
func stripComment(l string) string {
	if strings.HasPrefix(strings.TrimSpace(l), "#") {
		return ""
	}
	if i := strings.Index(l, " #"); i >= 0 {
		return l[:i]
	}
	return l
}

// readmeMadePaths are the paths README commands name that the reader makes
// first, as the README says (exported model directories, see "Getting models").
var readmeMadePaths = map[string]bool{
	"./ruri-v3-30m-onnx":         true,
	"./ruri-reranker-small-onnx": true,
}

var relPath = regexp.MustCompile(`(?:^|[\s,(>'"=])(\./[^\s,)>'"@]*)`)

// TestREADMEPathsExist checks that every repository-relative path a README
// command names (./x, or a path under one of the repository's top-level
// folders) exists, so that a new user running the commands from a clone
// never meets a folder the repository does not have.
func TestREADMEPathsExist(t *testing.T) {
	top, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var tops []string
	for _, e := range top {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			tops = append(tops, regexp.QuoteMeta(e.Name()))
		}
	}
	topPath := regexp.MustCompile(`(?:^|[\s,(>'"=])((?:` + strings.Join(tops, "|") + `)/[^\s,)>'"@]*)`)
	checked := 0
	for _, b := range readmeShBlocks(t) {
		for i, l := range b.lines {
			cmd := stripComment(l)
			var paths []string
			for _, m := range relPath.FindAllStringSubmatch(cmd, -1) {
				paths = append(paths, m[1])
			}
			for _, m := range topPath.FindAllStringSubmatch(cmd, -1) {
				paths = append(paths, m[1])
			}
			for _, p := range paths {
				if strings.Contains(p, "...") || readmeMadePaths[strings.TrimSuffix(p, "/")] {
					continue
				}
				checked++
				if _, err := os.Stat(filepath.FromSlash(p)); err != nil {
					t.Errorf("README.md:%d: %q names %s, which the repository does not have", b.line+i, strings.TrimSpace(l), p)
				}
			}
		}
	}
	if checked < 5 {
		t.Errorf("only %d README paths checked; the path pattern no longer matches the README", checked)
	}
}

// TestREADMEInstallFromClone checks that the install command shown first
// works from a clone (the module is not published, so a module path
// @latest fails for a new user).
func TestREADMEInstallFromClone(t *testing.T) {
	var first *shBlock
	blocks := readmeShBlocks(t)
	for i := range blocks {
		if blocks[i].section == "Install" {
			first = &blocks[i]
			break
		}
	}
	if first == nil {
		t.Fatal("README.md has no ```sh block under ## Install")
	}
	if got := strings.TrimSpace(stripComment(first.lines[0])); got != "go install ./cmd/jretrieve" {
		t.Errorf("README.md:%d: first install command is %q, want %q", first.line, got, "go install ./cmd/jretrieve")
	}
	for _, b := range blocks {
		for i, l := range b.lines {
			if strings.Contains(stripComment(l), "go install github.com/jretrieve/jretrieve") {
				t.Errorf("README.md:%d: %q installs the unpublished module path; it fails for a new user", b.line+i, strings.TrimSpace(l))
			}
		}
	}
}

// TestREADMETestCommand checks that after scripts/setup.sh the README runs
// the tests with -count=1 (without it Go replays the results cached before
// setup, skips included), and that CI runs the README's test command.
func TestREADMETestCommand(t *testing.T) {
	const want = "go test -count=1 ./..."
	afterSetup := 0
	for _, b := range readmeShBlocks(t) {
		setup := false
		for i, l := range b.lines {
			cmd := strings.TrimSpace(stripComment(l))
			if strings.Contains(cmd, "scripts/setup.sh") {
				setup = true
				continue
			}
			if setup && strings.HasPrefix(cmd, "go test") && !strings.Contains(cmd, "-bench") {
				afterSetup++
				if cmd != want {
					t.Errorf("README.md:%d: test command after scripts/setup.sh is %q, want %q", b.line+i, cmd, want)
				}
			}
		}
	}
	if afterSetup == 0 {
		t.Error("README.md: no go test command follows scripts/setup.sh in a code block")
	}
	ci, err := os.ReadFile(filepath.Join(".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	last := ""
	for _, l := range strings.Split(string(ci), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "go test") {
			last = strings.TrimSpace(l)
		}
	}
	if last != want {
		t.Errorf(".ci/run runs %q, want the README's %q", last, want)
	}
}
