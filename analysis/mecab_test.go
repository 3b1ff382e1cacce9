package analysis

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/analysis/jatext"
)

// needNative skips (or, with JRETRIEVE_REQUIRE_NATIVE=1, fails) when a
// native reference tool or file is missing.
func needNative(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("JRETRIEVE_REQUIRE_NATIVE") == "1" {
		t.Fatalf("%s required (JRETRIEVE_REQUIRE_NATIVE=1): %v", what, err)
	}
	t.Skipf("%s not available: %v", what, err)
}

// mecabDicDir finds the dictionary directory of a Debian mecab dictionary
// package (mecab-ipadic-utf8: "ipadic-utf8", unidic-mecab: "unidic").
func mecabDicDir(t *testing.T, name string) string {
	t.Helper()
	_, err := exec.LookPath("mecab")
	needNative(t, "mecab", err)
	for _, root := range []string{"/var/lib/mecab/dic", "/usr/lib/x86_64-linux-gnu/mecab/dic", "/usr/lib/mecab/dic"} {
		d := filepath.Join(root, name)
		if _, err := os.Stat(filepath.Join(d, "sys.dic")); err == nil {
			return d
		}
	}
	needNative(t, "mecab dictionary "+name, fmt.Errorf("no %s/sys.dic under /var/lib/mecab/dic", name))
	return ""
}

// mecabWakati runs `mecab -Owakati` over lines (one sentence per line).
func mecabWakati(t *testing.T, dicdir string, lines []string) [][]string {
	t.Helper()
	cmd := exec.Command("mecab", "-d", dicdir, "-Owakati", "-b", "1048576")
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mecab -d %s: %v: %s", dicdir, err, stderr.String())
	}
	var res [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	for sc.Scan() {
		res = append(res, strings.FieldsFunc(sc.Text(), func(r rune) bool { return r == ' ' }))
	}
	if len(res) != len(lines) {
		t.Fatalf("mecab returned %d lines for %d", len(res), len(lines))
	}
	return res
}

// spans returns the byte spans of toks laid out in order over line.
func spans(line string, toks []string) [][2]int {
	out := make([][2]int, 0, len(toks))
	cur := 0
	for _, tk := range toks {
		i := strings.Index(line[cur:], tk)
		if i < 0 {
			return nil // tokens not a segmentation of line
		}
		out = append(out, [2]int{cur + i, cur + i + len(tk)})
		cur += i + len(tk)
	}
	return out
}

type agreement struct {
	lines, diffLines   int
	refTokens, matched int
	ours               int
	examples           []string
}

func (g agreement) rate() float64 { return float64(g.matched) / float64(g.refTokens) }

func (g agreement) String() string {
	return fmt.Sprintf("%d lines (%d differ), mecab tokens %d, ours %d, identical %d (%.5f%%)",
		g.lines, g.diffLines, g.refTokens, g.ours, g.matched, 100*g.rate())
}

// compare counts reference tokens whose byte span also is a token of ours.
func compare(lines []string, ref, ours [][]string) agreement {
	g := agreement{lines: len(lines)}
	for i, l := range lines {
		rs, os := spans(l, ref[i]), spans(l, ours[i])
		g.refTokens += len(ref[i])
		g.ours += len(ours[i])
		set := make(map[[2]int]bool, len(os))
		for _, s := range os {
			set[s] = true
		}
		m := 0
		for _, s := range rs {
			if set[s] {
				m++
			}
		}
		g.matched += m
		if m != len(rs) || len(rs) != len(os) {
			g.diffLines++
			if len(g.examples) < 30 {
				g.examples = append(g.examples, fmt.Sprintf("mecab: %s\n  ours: %s", strings.Join(ref[i], " "), strings.Join(ours[i], " ")))
			}
		}
	}
	return g
}

func referenceCorpus(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/prose.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if _, err := os.Stat("/usr/share/man/ja"); err == nil {
		man, err := jatext.ManpageCorpus("/usr/share/man/ja")
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, man...)
		t.Logf("corpus: testdata/prose.txt + %d prose lines of /usr/share/man/ja (manpages-ja)", len(man))
	} else {
		t.Logf("corpus: testdata/prose.txt only (install manpages-ja for the large corpus)")
	}
	return lines
}

func TestAgainstMecabIPA(t *testing.T) {
	dir := mecabDicDir(t, "ipadic-utf8")
	lines := referenceCorpus(t)
	ref := mecabWakati(t, dir, lines)
	a := mustNew(t, Options{Dict: IPA})
	ours, err := a.WakatiBatch(context.Background(), lines)
	if err != nil {
		t.Fatal(err)
	}
	g := compare(lines, ref, ours)
	t.Logf("kagome ipa vs mecab + mecab-ipadic-utf8: %v", g)
	for _, e := range g.examples {
		t.Logf("difference:\n  %s", e)
	}
	if g.rate() < 0.999 {
		t.Errorf("agreement %.5f%% < 99.9%%", 100*g.rate())
	}
}

// TestAgainstMecabUniDic31 compares uni (unidic-lite: UniDic 2.1.2 without
// single-character numeral and letter words) with unidic-mecab (UniDic
// 3.1.1, which has them: "3 , 7 7 6" where unidic-lite gives "3 , 776").
// Different dictionaries: only a loose floor is asserted, the agreement is
// reported. TestUniDicLiteReference is the exact check.
func TestAgainstMecabUniDic31(t *testing.T) {
	dir := mecabDicDir(t, "unidic")
	lines := referenceCorpus(t)
	ref := mecabWakati(t, dir, lines)
	a := mustNew(t, Options{Dict: Uni})
	ours, err := a.WakatiBatch(context.Background(), lines)
	if err != nil {
		t.Fatal(err)
	}
	g := compare(lines, ref, ours)
	t.Logf("uni (unidic-lite) vs mecab + unidic-mecab (UniDic 3.1.1): %v", g)
	for i, e := range g.examples {
		if i >= 10 {
			break
		}
		t.Logf("difference:\n  %s", e)
	}
	if g.rate() < 0.93 {
		t.Errorf("agreement %.3f%% below the 93%% floor: more than a dictionary difference", 100*g.rate())
	}
}

// TestCharDefMatchesMecab checks the embedded char.def tables against the
// compiled char.bin of the Debian dictionaries (MeCab's CharInfo bit
// fields: type:18, default_type:8, length:4, group:1, invoke:1).
func TestCharDefMatchesMecab(t *testing.T) {
	for _, c := range []struct {
		dir string
		src string
	}{{"ipadic-utf8", ipadicCharDef}, {"unidic", unidicCharDef}} {
		dir := mecabDicDir(t, c.dir)
		b, err := os.ReadFile(filepath.Join(dir, "char.bin"))
		needNative(t, "char.bin", err)
		ct, err := parseCharDef(c.dir, c.src)
		if err != nil {
			t.Fatal(err)
		}
		n := binary.LittleEndian.Uint32(b)
		for i := 0; i < int(n); i++ {
			name := string(bytes.TrimRight(b[4+32*i:4+32*i+32], "\x00"))
			if name != ct.names[i] {
				t.Fatalf("%s: category %d = %s, want %s", c.dir, i, ct.names[i], name)
			}
		}
		tab := b[4+32*n:]
		if len(tab) != 4*0xFFFF {
			t.Fatalf("%s: char.bin table has %d bytes", c.dir, len(tab))
		}
		bad := 0
		for r := 0; r < 0xFFFF; r++ {
			v := binary.LittleEndian.Uint32(tab[4*r:])
			want := charInfo{typ: v & (1<<18 - 1), def: uint8(v >> 18), length: uint8(v >> 26 & 15), group: v>>30&1 == 1, invoke: v>>31 == 1}
			if got := ct.info[r]; got != want {
				if bad++; bad < 5 {
					t.Errorf("%s: U+%04X: got %+v, char.bin %+v", c.dir, r, got, want)
				}
			}
		}
	}
}

// TestLongRunsAgainstMecab: runs of one character category longer than
// max_grouping_size (24) segment exactly as MeCab does.
func TestLongRunsAgainstMecab(t *testing.T) {
	dir := mecabDicDir(t, "ipadic-utf8")
	var lines []string
	for _, c := range []string{"a", "1", "!", "ア", "ｱ", "α", "д", "〇", "あ", "漢"} {
		for _, n := range []int{23, 24, 25, 26, 27, 60, 301} {
			lines = append(lines, strings.Repeat(c, n), "x"+strings.Repeat(c, n)+"。", strings.Repeat(c, n)+"ア"+strings.Repeat(c, n))
		}
	}
	ref := mecabWakati(t, dir, lines)
	a := mustNew(t, Options{Dict: IPA})
	for i, l := range lines {
		if got := a.Wakati(l); !slices.Equal(got, ref[i]) {
			t.Errorf("%q:\n got %q\nwant %q", l, got, ref[i])
		}
	}
}
