package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jretrieve/jretrieve/internal/atomicfile"
	"github.com/jretrieve/jretrieve/internal/utf8check"
)

// Format names a run file format.
type Format string

// Run file formats.
const (
	FormatTREC Format = "trec" // 6 columns: query Q0 doc rank score tag
	FormatJSON Format = "json" // ranx JSON: {"q": {"d": score}}
	FormatLZ4  Format = "lz4"  // ranx .lz4: lz4frame(lz4frame(cbor(run)))
)

// ParseFormat parses a format name ("trec", "json", "lz4").
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case FormatTREC, FormatJSON, FormatLZ4:
		return f, nil
	case "txt", "run":
		return FormatTREC, nil
	}
	return "", fmt.Errorf("unknown run format %q (want trec, json or lz4)", s)
}

// FormatFromPath guesses the format from the file extension; "" if unknown.
func FormatFromPath(path string) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".lz4":
		return FormatLZ4
	case ".json":
		return FormatJSON
	case ".trec", ".txt", ".run", ".tsv":
		return FormatTREC
	}
	return ""
}

var lz4Magic = []byte{0x04, 0x22, 0x4d, 0x18}

// DetectFormat guesses the format of data from its first bytes.
func DetectFormat(data []byte) Format {
	if bytes.HasPrefix(data, lz4Magic) {
		return FormatLZ4
	}
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(t) > 0 && t[0] == '{' {
		return FormatJSON
	}
	return FormatTREC
}

// RunNameFromPath returns the base name of path without its extension(s)
// ("runs/bm25.lz4" -> "bm25", "x.trec.txt" -> "x.trec").
func RunNameFromPath(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// ReadRunFile reads a run in any supported format, detected from the content
// (lz4 magic, a leading '{') and then the extension. The run is named after
// the file (see RunNameFromPath).
func ReadRunFile(path string) (*Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ReadRunBytes(data, path, RunNameFromPath(path))
}

// ReadRunBytes parses data in the detected format. file is used in errors.
func ReadRunBytes(data []byte, file, name string) (*Run, error) {
	switch DetectFormat(data) {
	case FormatLZ4:
		return ReadLZ4Run(bytes.NewReader(data), file, name)
	case FormatJSON:
		return ReadJSONRun(bytes.NewReader(data), file, name)
	}
	return ReadTRECRun(bytes.NewReader(data), file, name)
}

// WriteRunFile writes run to path in the format named by the extension
// (.lz4, .json, else TREC), through a temporary file and a rename.
func WriteRunFile(path string, run *Run) error {
	f := FormatFromPath(path)
	if f == "" {
		f = FormatTREC
	}
	return WriteRunFileFormat(path, run, f)
}

// WriteRunFileFormat writes run to path in format f, through a temporary file
// in the same directory and a rename.
func WriteRunFileFormat(path string, run *Run, f Format) error {
	return atomicfile.Write(path, func(w io.Writer) error { return WriteRun(w, run, f) })
}

// WriteRun writes run to w in format f.
func WriteRun(w io.Writer, run *Run, f Format) error {
	switch f {
	case FormatTREC:
		return WriteTRECRun(w, run)
	case FormatJSON:
		return WriteJSONRun(w, run)
	case FormatLZ4:
		return WriteLZ4Run(w, run)
	}
	return fmt.Errorf("unknown run format %q", f)
}

// ReadTRECRun reads a TREC run ("query Q0 doc rank score tag"). The rank
// column is ignored, as ranx does: only scores order documents. Documents keep
// their file order. file names the input in errors.
func ReadTRECRun(r io.Reader, file, name string) (*Run, error) {
	run := NewRun(name)
	var lines [][]int32 // per query (run.qs order): the line of each doc
	cl := -1
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	var f [][]byte
	var cur *runQuery
	for sc.Scan() {
		line++
		f = fields(sc.Bytes(), f[:0])
		if len(f) == 0 {
			continue
		}
		if len(f) != 6 {
			return nil, fmt.Errorf("%s:%d: want 6 columns (query Q0 doc rank score tag), got %d", file, line, len(f))
		}
		if !utf8.Valid(f[0]) || !utf8.Valid(f[2]) {
			return nil, fmt.Errorf("%s:%d: query or doc id is not valid UTF-8", file, line)
		}
		score, err := strconv.ParseFloat(string(f[4]), 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: score %q is not a number", file, line, f[4])
		}
		if err := checkScore(score); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, line, err)
		}
		if cur == nil || cur.id != string(f[0]) {
			cur = run.getOrAdd(string(f[0]))
			cl = run.index[cur.id]
			if cl == len(lines) {
				lines = append(lines, nil)
			}
		}
		cur.docs = append(cur.docs, string(f[2]))
		cur.scores = append(cur.scores, score)
		lines[cl] = append(lines[cl], int32(line))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", file, line+1, err)
	}
	if run.Len() == 0 {
		return nil, fmt.Errorf("%s: empty run", file)
	}
	seen := new(dupTable)
	for qi, q := range run.qs {
		if d, a, b, dup := q.duplicate(seen); dup {
			l := lines[qi]
			return nil, fmt.Errorf("%s:%d: duplicate pair query %q doc %q (first at line %d)", file, l[b], q.id, d, l[a])
		}
	}
	return run, nil
}

// WriteTRECRun writes run in TREC format: queries in code point order,
// documents in insertion order, each with its rank in ranx order (score
// descending, ties as TiesRanx) from 1, its score in the shortest form that
// reads back to the same float64, and the run name as the tag.
//
// Lines keep the insertion order, not the rank order, because ranx breaks
// ties by sorting the insertion order (an unstable quicksort): a TREC file
// sorted by rank, read back, would rank tied documents differently (JQaRA's
// ruri-small run went from nDCG@10 0.5359 to 0.5357). TREC readers sort by
// score themselves (trec_eval, ranx, ReadTRECRun ignore the rank column), so
// the file reads back as the same run.
func WriteTRECRun(w io.Writer, run *Run) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	tag := run.name
	if tag == "" || strings.ContainsAny(tag, " \t\n") {
		tag = "run"
	}
	var buf []byte
	var order, rank []int32
	var neg []float64
	for _, id := range run.Queries() {
		q := run.query(id)
		if !trecField(id) {
			return fmt.Errorf("query id %q cannot be written as a TREC column", id)
		}
		for _, d := range q.docs {
			if !trecField(d) {
				return fmt.Errorf("query %q: doc id %q cannot be written as a TREC column", id, d)
			}
		}
		order, neg = rankOrder(q.docs, q.scores, TiesRanx, order, neg)
		rank = slices.Grow(rank[:0], len(order))[:len(order)]
		for r, i := range order {
			rank[i] = int32(r + 1)
		}
		for i := range q.docs {
			buf = buf[:0]
			buf = append(buf, id...)
			buf = append(buf, " Q0 "...)
			buf = append(buf, q.docs[i]...)
			buf = append(buf, ' ')
			buf = strconv.AppendInt(buf, int64(rank[i]), 10)
			buf = append(buf, ' ')
			buf = strconv.AppendFloat(buf, q.scores[i], 'g', -1, 64)
			buf = append(buf, ' ')
			buf = append(buf, tag...)
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// trecField reports whether s can be a column of a whitespace-separated
// TREC file.
func trecField(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) || s[i] == '\n' {
			return false
		}
	}
	return true
}

// ReadJSONRun reads a ranx JSON run {"query": {"doc": score, ...}, ...},
// keeping the document order of the file.
func ReadJSONRun(r io.Reader, file, name string) (*Run, error) {
	// encoding/json replaces invalid UTF-8 with U+FFFD (a doc id "22\xff"
	// would then match another id): the bytes are checked on the way in and
	// rejected with their line, as the TREC readers do.
	dec := json.NewDecoder(utf8check.NewReader(r, file))
	dec.UseNumber()
	errAt := func(format string, a ...any) error {
		for _, x := range a {
			if err, ok := x.(error); ok {
				if ue := (*utf8check.Error)(nil); errors.As(err, &ue) {
					return ue
				}
			}
		}
		return fmt.Errorf("%s: offset %d: %s", file, dec.InputOffset(), fmt.Sprintf(format, a...))
	}
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty run", file)
		}
		return nil, errAt("%v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errAt("want a JSON object of queries, got %v", tok)
	}
	run := NewRun(name)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errAt("%v", err)
		}
		qid := tok.(string)
		if err := checkDecodedID(qid); err != nil {
			return nil, errAt("query id %q: %v", qid, err)
		}
		if run.Has(qid) {
			return nil, errAt("duplicate query %q", qid)
		}
		q := run.getOrAdd(qid)
		tok, err = dec.Token()
		if err != nil {
			return nil, errAt("query %q: %v", qid, err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return nil, errAt("query %q: want an object of doc scores, got %v", qid, tok)
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, errAt("query %q: %v", qid, err)
			}
			doc := tok.(string)
			if err := checkDecodedID(doc); err != nil {
				return nil, errAt("query %q: doc id %q: %v", qid, doc, err)
			}
			tok, err = dec.Token()
			if err != nil {
				return nil, errAt("query %q doc %q: %v", qid, doc, err)
			}
			num, ok := tok.(json.Number)
			if !ok {
				return nil, errAt("query %q doc %q: score %v is not a number", qid, doc, tok)
			}
			s, err := strconv.ParseFloat(string(num), 64)
			if err != nil {
				return nil, errAt("query %q doc %q: score %s: %v", qid, doc, num, err)
			}
			if err := checkScore(s); err != nil {
				return nil, errAt("query %q doc %q: %v", qid, doc, err)
			}
			if q.find(doc) >= 0 {
				return nil, errAt("query %q: duplicate doc %q", qid, doc)
			}
			q.appendDoc(doc, s)
		}
		if _, err := dec.Token(); err != nil { // '}'
			return nil, errAt("query %q: %v", qid, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, errAt("%v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if ue := (*utf8check.Error)(nil); errors.As(err, &ue) {
			return nil, ue
		}
		return nil, errAt("trailing data after the run object")
	}
	if run.Len() == 0 {
		return nil, fmt.Errorf("%s: empty run", file)
	}
	return run, nil
}

// checkDecodedID rejects a JSON string holding U+FFFD: the bytes are valid
// UTF-8 (checked on the way in), so it came from an escape of an unpaired
// surrogate ("\udcff", what Python's json writes for undecodable bytes),
// which encoding/json replaces silently and would merge distinct ids, or
// from a literal replacement character, which no real id holds.
func checkDecodedID(s string) error {
	if strings.ContainsRune(s, utf8.RuneError) {
		return fmt.Errorf("contains U+FFFD (an unpaired surrogate escape or replaced bytes): %w", utf8check.ErrInvalid)
	}
	return nil
}

// WriteJSONRun writes run as ranx JSON: queries in code point order, documents
// in insertion order, floats written so that Python reads them as floats.
func WriteJSONRun(w io.Writer, run *Run) error {
	if err := run.checkUTF8(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf []byte
	bw.WriteByte('{')
	for qi, id := range run.Queries() {
		q := run.query(id)
		buf = buf[:0]
		if qi > 0 {
			buf = append(buf, ", "...)
		}
		buf = appendJSONString(buf, id)
		buf = append(buf, ": {"...)
		for i, d := range q.docs {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = appendJSONString(buf, d)
			buf = append(buf, ": "...)
			buf = appendPyFloat(buf, q.scores[i])
		}
		buf = append(buf, '}')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

func appendJSONString(b []byte, s string) []byte {
	j, _ := json.Marshal(s) // strings always marshal
	return append(b, j...)
}

// appendPyFloat formats f like Python's repr: shortest round trip, always
// with a '.' or exponent.
func appendPyFloat(b []byte, f float64) []byte {
	start := len(b)
	b = strconv.AppendFloat(b, f, 'g', -1, 64)
	if !bytes.ContainsAny(b[start:], ".eEnN") {
		b = append(b, ".0"...)
	}
	return b
}
