package datasets

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// parquetTable streams the requested columns of a parquet file page by
// page: only those column chunks are decoded and at most one page per
// column is held in memory, so a 200 MB collection is read in a small,
// constant amount of memory.
type parquetTable struct {
	path string
	f    *os.File
	pf   *parquet.File
	cols []*colCursor
	row  int64
}

func openParquet(path string, want []column) (t table, err error) {
	defer recoverCorrupt(path, "", &err)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: not a readable parquet file: %w", path, err)
	}
	pt := &parquetTable{path: path, f: f, pf: pf}
	for _, c := range want {
		cur, err := newColCursor(pf, path, c)
		if err != nil {
			f.Close()
			return nil, err
		}
		pt.cols = append(pt.cols, cur)
	}
	return pt, nil
}

// recoverCorrupt turns a panic of the parquet library on a corrupt file
// into an error naming the file and position.
func recoverCorrupt(path, pos string, err *error) {
	if r := recover(); r != nil {
		if pos != "" {
			pos = ": " + pos
		}
		*err = fmt.Errorf("%s%s: corrupt parquet file: %v", path, pos, r)
	}
}

func (t *parquetTable) numRows() int64 { return t.pf.NumRows() }
func (t *parquetTable) pos() string    { return "row " + strconv.FormatInt(t.row, 10) }
func (t *parquetTable) close() error   { return t.f.Close() }

func (t *parquetTable) next(row []cell) (err error) {
	defer recoverCorrupt(t.path, t.pos(), &err)
	if t.row >= t.pf.NumRows() {
		return io.EOF
	}
	t.row++
	for i, c := range t.cols {
		if err := c.read(&row[i]); err != nil {
			if err == io.EOF {
				err = errors.New("column ended before the row count in the footer")
			}
			return &rowError{file: t.path, pos: t.pos(), column: c.name, err: err}
		}
	}
	return nil
}

// colCursor reads the values of one leaf column across all row groups.
type colCursor struct {
	name   string
	kind   colKind
	pf     *parquet.File
	leaf   int // column index of the leaf
	maxDef int
	// listDef is the definition level at which a list is present and
	// non-empty (the level of its repeated node); values below it stand for
	// a null or empty list, values between it and maxDef for a null element.
	listDef int
	// scalarList: an id column read for a kindIDList column (a list of one).
	scalarList bool

	rg    int // next row group to open
	pages parquet.Pages
	vals  parquet.ValueReader
	buf   []parquet.Value
	n, i  int
	eof   bool
}

func newColCursor(pf *parquet.File, path string, c column) (*colCursor, error) {
	schema := pf.Schema()
	var top []string
	var leaves [][]string
	for _, f := range schema.Fields() {
		top = append(top, f.Name())
	}
	for _, p := range schema.Columns() {
		if p[0] == c.name {
			leaves = append(leaves, p)
		}
	}
	if len(leaves) == 0 {
		return nil, fmt.Errorf("%s: missing column %q (the file has: %s)", path, c.name, strings.Join(top, ", "))
	}
	if len(leaves) > 1 {
		return nil, fmt.Errorf("%s: column %q is a struct with %d fields, want %s", path, c.name, len(leaves), c.kind)
	}
	lc, _ := schema.Lookup(leaves[0]...)
	cur := &colCursor{name: c.name, kind: c.kind, pf: pf, leaf: lc.ColumnIndex, maxDef: lc.MaxDefinitionLevel, buf: make([]parquet.Value, 256)}
	physical := lc.Node.Type().Kind()
	typeName := lc.Node.Type().String()
	wrongType := func() error {
		shape := typeName
		if lc.MaxRepetitionLevel > 0 {
			shape = "list of " + typeName
		}
		return fmt.Errorf("%s: column %q has type %s, want %s", path, c.name, shape, c.kind)
	}
	if c.kind == kindIDList && lc.MaxRepetitionLevel == 0 &&
		(physical == parquet.ByteArray || physical == parquet.Int32 || physical == parquet.Int64) {
		// a single id reads as a list of one
		cur.kind, cur.scalarList = kindID, true
		return cur, nil
	}
	if c.kind == kindStringList || c.kind == kindIDList {
		if lc.MaxRepetitionLevel != 1 || (physical != parquet.ByteArray &&
			(c.kind == kindStringList || (physical != parquet.Int32 && physical != parquet.Int64))) {
			return nil, wrongType()
		}
		// Find the definition level of the repeated node on the path.
		var node parquet.Node = schema
		def := 0
		for _, name := range leaves[0] {
			node = fieldByName(node, name)
			if node == nil {
				return nil, wrongType()
			}
			if !node.Required() {
				def++
			}
			if node.Repeated() {
				cur.listDef = def
				break
			}
		}
		return cur, nil
	}
	if lc.MaxRepetitionLevel != 0 {
		return nil, wrongType()
	}
	switch c.kind {
	case kindString:
		if physical != parquet.ByteArray {
			return nil, wrongType()
		}
	case kindInt:
		if physical != parquet.Int32 && physical != parquet.Int64 && physical != parquet.Boolean {
			return nil, wrongType()
		}
	case kindID:
		if physical != parquet.ByteArray && physical != parquet.Int32 && physical != parquet.Int64 {
			return nil, wrongType()
		}
	case kindFloat:
		if physical != parquet.Float && physical != parquet.Double && physical != parquet.Int32 && physical != parquet.Int64 {
			return nil, wrongType()
		}
	}
	return cur, nil
}

func fieldByName(n parquet.Node, name string) parquet.Node {
	for _, f := range n.Fields() {
		if f.Name() == name {
			return f
		}
	}
	return nil
}

// peek returns the next value without consuming it.
func (c *colCursor) peek() (parquet.Value, error) {
	for c.i >= c.n {
		if c.eof {
			return parquet.Value{}, io.EOF
		}
		if err := c.fill(); err != nil {
			return parquet.Value{}, err
		}
	}
	return c.buf[c.i], nil
}

// fill reads the next batch of values, moving to the next page and row
// group as needed.
func (c *colCursor) fill() error {
	c.i, c.n = 0, 0
	for {
		if c.vals == nil {
			if c.pages == nil {
				rgs := c.pf.RowGroups()
				if c.rg >= len(rgs) {
					c.eof = true
					return nil
				}
				c.pages = rgs[c.rg].ColumnChunks()[c.leaf].Pages()
				c.rg++
			}
			p, err := c.pages.ReadPage()
			if err == io.EOF {
				c.pages.Close()
				c.pages = nil
				continue
			}
			if err != nil {
				return err
			}
			c.vals = p.Values()
		}
		n, err := c.vals.ReadValues(c.buf)
		if err == io.EOF {
			c.vals = nil
		} else if err != nil {
			return err
		} else if n == 0 {
			// A reader that neither progresses nor ends would loop forever.
			return errors.New("page yields no values")
		}
		if n > 0 {
			c.n = n
			return nil
		}
	}
}

// read decodes the next row's value of this column into out.
func (c *colCursor) read(out *cell) error {
	v, err := c.peek()
	if err != nil {
		return err
	}
	if v.RepetitionLevel() != 0 {
		return errors.New("corrupt repetition levels")
	}
	c.i++
	if c.kind != kindStringList && c.kind != kindIDList {
		if v.IsNull() || v.DefinitionLevel() < c.maxDef {
			return errors.New("null value")
		}
		switch c.kind {
		case kindString:
			out.s = string(v.ByteArray())
		case kindInt:
			out.n = intOf(v)
		case kindID:
			if v.Kind() == parquet.ByteArray {
				out.s = string(v.ByteArray())
				out.isInt = false
			} else {
				out.s = strconv.FormatInt(intOf(v), 10)
				out.isInt = true
			}
			if c.scalarList {
				out.list = []string{out.s}
			}
		case kindFloat:
			switch v.Kind() {
			case parquet.Float:
				out.f = float64(v.Float())
			case parquet.Double:
				out.f = v.Double()
			default:
				out.f = float64(intOf(v))
			}
		}
		return nil
	}
	out.list = nil
	out.isInt = c.kind == kindIDList
	first := true
	for {
		if !first {
			v, err = c.peek()
			if err == io.EOF || (err == nil && v.RepetitionLevel() == 0) {
				return nil
			}
			if err != nil {
				return err
			}
			c.i++
		}
		switch d := v.DefinitionLevel(); {
		case d == c.maxDef:
			if v.Kind() == parquet.ByteArray {
				out.list = append(out.list, string(v.ByteArray()))
				out.isInt = false
			} else {
				out.list = append(out.list, strconv.FormatInt(intOf(v), 10))
			}
		case d >= c.listDef:
			return errors.New("null element in list")
		case !first:
			return errors.New("corrupt definition levels")
		}
		first = false
	}
}

func intOf(v parquet.Value) int64 {
	switch v.Kind() {
	case parquet.Int32:
		return int64(v.Int32())
	case parquet.Boolean:
		if v.Boolean() {
			return 1
		}
		return 0
	}
	return v.Int64()
}
