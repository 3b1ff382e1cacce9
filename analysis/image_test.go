package analysis

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The image key must name the kagome-dict versions actually compiled in,
// or a dependency upgrade would keep reading images of the old dictionary.
func TestImageVersionsMatchGoMod(t *testing.T) {
	b, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for mod, want := range map[string]string{
		"github.com/ikawaha/kagome-dict":     kagomeDictVersion,
		"github.com/ikawaha/kagome-dict/uni": uniVersion,
		"github.com/ikawaha/kagome-dict/ipa": ipaVersion,
	} {
		m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(mod) + `\s+(\S+)`).FindSubmatch(b)
		if m == nil {
			t.Errorf("go.mod does not require %s", mod)
		} else if string(m[1]) != want {
			t.Errorf("go.mod requires %s %s, image key says %s", mod, m[1], want)
		}
	}
}

// TestImageMatchesKagome builds the images into an empty cache, maps them
// back and compares every array with the dictionary built from kagome's
// decoding (buildDict: what the lattice used before images existed,
// unidic-lite's changes included): the trie answers every common-prefix
// search of the corpus as kagome's index does, and words, connection
// costs, POS, unknown words and base forms are equal entry by entry.
func TestImageMatchesKagome(t *testing.T) {
	text := strings.Join(referenceCorpusSmall(t), "\n")
	for _, name := range []Dict{Uni, IPA} {
		dir := t.TempDir()
		built, err := openDict(name, true, dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := withBaseForms(built, dir); err != nil {
			t.Fatal(err)
		}
		for _, base := range []bool{false, true} {
			if _, err := os.Stat(imagePath(dir, name, base)); err != nil {
				t.Fatalf("%s: image not cached: %v", name, err)
			}
		}
		// Second open: from the files.
		d, err := openDict(name, false, dir)
		if err != nil {
			t.Fatal(err)
		}
		if &d.img[0] == &built.img[0] {
			t.Fatal("second open did not map the file")
		}
		if d, err = withBaseForms(d, dir); err != nil {
			t.Fatal(err)
		}
		src, err := buildDict(name, true)
		if err != nil {
			t.Fatal(err)
		}
		kd := src.d

		if len(d.da) != len(kd.Index.Da) {
			t.Fatalf("%s: trie %d cells, kagome %d", name, len(d.da), len(kd.Index.Da))
		}
		for i, e := range kd.Index.Da {
			if d.da[i] != (daNode{e.Base, e.Check}) {
				t.Fatalf("%s: trie cell %d differs", name, i)
			}
		}
		// Every common-prefix search over the corpus, through the
		// lattice's lookup versus kagome's index (and the remap).
		var la lattice
		for p := 0; p < len(text); p++ {
			if text[p]&0xC0 == 0x80 || text[p] == ' ' || text[p] == '\n' {
				continue
			}
			la.nodes = la.nodes[:0]
			d.lookup(&la, text, p)
			var got, want [][2]int
			for _, nd := range la.nodes {
				if nd.class == classKnown {
					got = append(got, [2]int{int(nd.id), int(nd.end) - p})
				}
			}
			kd.Index.CommonPrefixSearchCallback(text[p:], func(id, l int) {
				if src.remap != nil {
					if id = int(src.remap[id]); id < 0 {
						return
					}
				}
				want = append(want, [2]int{id, l})
			})
			if !slices.Equal(got, want) {
				t.Fatalf("%s: words at %d: %v, kagome %v", name, p, got, want)
			}
		}
		if !slices.Equal(d.morphs, src.morphs) || !slices.Equal(d.remap, src.remap) || !slices.Equal(d.dup, src.dup) {
			t.Fatalf("%s: word costs, ids or groups differ", name)
		}
		if !slices.Equal(d.conn, kd.Connection.Vec) || d.connRows != int(kd.Connection.Row) {
			t.Fatalf("%s: connection matrix differs", name)
		}
		if len(d.features) != len(src.features) {
			t.Fatalf("%s: %d feature overrides, want %d", name, len(d.features), len(src.features))
		}
		bi := baseIndex(name, kd)
		for id := range kd.Morphs {
			nd := node{id: int32(id), class: classKnown}
			pos := d.pos(&nd)
			var want []string
			for _, p := range kd.POSTable.POSs[id] {
				want = append(want, kd.POSTable.NameList[p])
			}
			wb := ""
			if f := kd.Contents[id]; bi-len(want) < len(f) {
				wb = f[bi-len(want)]
			}
			if o, ok := src.features[int32(id)]; ok {
				want, wb = o[:len(want)], o[bi]
			}
			if !slices.Equal(pos, want) {
				t.Fatalf("%s: POS of %d = %v, want %v", name, id, pos, want)
			}
			if b := d.baseForm(&nd); b != wb {
				t.Fatalf("%s: base form of %d = %q, want %q", name, id, b, wb)
			}
		}
		if len(d.unk) != len(src.unk) || len(d.unkMorphs) != len(src.unkMorphs) {
			t.Fatalf("%s: unknown-word tables differ in size", name)
		}
		for c := range d.unk {
			if !slices.Equal(d.unk[c], src.unk[c]) {
				t.Fatalf("%s: unknown words of %s = %v, want %v", name, d.chars.names[c], d.unk[c], src.unk[c])
			}
		}
		for i, m := range d.unkMorphs {
			if m.Morph != src.unkMorphs[i].Morph || !slices.Equal(m.pos, src.unkMorphs[i].pos) {
				t.Fatalf("%s: unknown word %d = %+v, want %+v", name, i, m, src.unkMorphs[i])
			}
			nd := node{id: int32(i), class: classUnknown}
			if got := d.pos(&nd); !slices.Equal(got, src.unkMorphs[i].pos) {
				t.Fatalf("%s: unknown POS of %d = %v", name, i, got)
			}
		}
	}
}

// referenceCorpusSmall is testdata/prose.txt plus, when installed, the
// first 2,000 manpages-ja prose lines.
func referenceCorpusSmall(t *testing.T) []string {
	lines := referenceCorpus(t)
	if len(lines) > 2000 {
		lines = lines[:2000]
	}
	return lines
}

// A damaged or foreign file in the cache is rebuilt, never used.
func TestImageRebuildsBadFile(t *testing.T) {
	dir := t.TempDir()
	want, err := openDict(IPA, false, "")
	if err != nil {
		t.Fatal(err)
	}
	p := imagePath(dir, IPA, false)
	if _, err := openDict(IPA, false, dir); err != nil {
		t.Fatal(err)
	}
	img, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	sample := referenceCorpusSmall(t)[:200]
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"truncated", img[:len(img)/2]},
		{"header only", img[:headerSize]},
		{"empty", nil},
		{"other key", append(append(append([]byte(nil), img[:32]...), strings.Replace(string(img[32:headerSize]), "ipa-", "uni-", 1)...), img[headerSize:]...)},
		{"other format", append(append(append([]byte(nil), img[:12]...), 9, 0, 0, 0), img[16:]...)},
	} {
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := openDict(IPA, false, dir)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, s := range sample {
			if got, w := wakati(d, s), wakati(want, s); !slices.Equal(got, w) {
				t.Fatalf("%s: %q: %q, want %q", c.name, s, got, w)
			}
		}
		if b, err := os.ReadFile(filepath.Clean(p)); err != nil || len(b) != len(img) {
			t.Fatalf("%s: cache file not rebuilt (%d bytes, %v)", c.name, len(b), err)
		}
	}
}

func wakati(d *dictionary, s string) []string {
	var la lattice
	d.viterbi(&la, s, nil)
	out := make([]string, len(la.out))
	for i, nd := range la.out {
		out[i] = s[nd.surf:nd.end]
	}
	return out
}
