package datasets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/jretrieve/jretrieve/internal/utf8check"
)

// colKind is the type a loader expects of a column.
type colKind int

const (
	kindString     colKind = iota // string (parquet BYTE_ARRAY)
	kindInt                       // integer (INT32/INT64; BOOLEAN as 0/1)
	kindID                        // identifier: string, or integer formatted in decimal
	kindStringList                // list of strings
	kindFloat                     // number (FLOAT/DOUBLE/INT32/INT64)
	kindIDList                    // list of identifiers (strings, or integers in decimal)
)

func (k colKind) String() string {
	switch k {
	case kindString:
		return "a string"
	case kindInt:
		return "an integer"
	case kindID:
		return "a string or integer id"
	case kindFloat:
		return "a number"
	case kindIDList:
		return "a list of strings or integers"
	default:
		return "a list of strings"
	}
}

// column names a column a loader reads and its expected type.
type column struct {
	name string
	kind colKind
	// opt marks a column that may be missing (JSONL only); it then reads
	// as the zero cell.
	opt bool
}

// cell is one value of a row; which field is set depends on the column kind.
type cell struct {
	s    string
	n    int64
	f    float64
	list []string
	// isInt: a kindID value, or every element of a kindIDList, was an integer.
	isInt bool
}

// table yields rows of the requested columns from a parquet or JSONL file.
type table interface {
	// next fills row (len = number of columns) and returns io.EOF at the end.
	next(row []cell) error
	// pos describes the row last returned, e.g. "row 12" or "line 12".
	pos() string
	// numRows is the number of rows, or -1 when unknown.
	numRows() int64
	close() error
}

// openTable opens path as parquet (.parquet) or JSON Lines (.jsonl, .json,
// .ndjson) and checks that the columns exist with the expected types.
func openTable(path string, cols []column) (table, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".parquet":
		return openParquet(path, cols)
	case ".jsonl", ".json", ".ndjson":
		return openJSONL(path, cols)
	}
	return nil, fmt.Errorf("%s: unknown file type (want .parquet or .jsonl)", path)
}

// rowError is a bad value at a known place in a file.
type rowError struct {
	file, pos, column string
	err               error
}

func (e *rowError) Error() string {
	if e.column == "" {
		return fmt.Sprintf("%s: %s: %v", e.file, e.pos, e.err)
	}
	return fmt.Sprintf("%s: %s: column %q: %v", e.file, e.pos, e.column, e.err)
}

func (e *rowError) Unwrap() error { return e.err }

// eachRow calls fn for every row of t, checking ctx every 1024 rows. It
// fails on a file with no rows. Errors from fn are annotated with the file
// and position of the row.
func eachRow(ctx context.Context, t table, file string, ncols int, fn func(row []cell) error) (int, error) {
	row := make([]cell, ncols)
	n := 0
	for {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
		err := t.next(row)
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
		if err := checkText(row); err != nil {
			return n, &rowError{file: file, pos: t.pos(), err: err}
		}
		n++
		if err := fn(row); err != nil {
			var re *rowError
			if errors.As(err, &re) || errors.Is(err, errStop) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return n, err
			}
			return n, &rowError{file: file, pos: t.pos(), err: err}
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("%s: %w", file, ErrEmpty)
	}
	return n, nil
}

// checkText rejects text cells that are not valid UTF-8 (parquet strings
// are raw bytes; JSONL lines are checked before decoding).
func checkText(row []cell) error {
	for i := range row {
		if !utf8.ValidString(row[i].s) {
			return fmt.Errorf("text is %w", utf8check.ErrInvalid)
		}
		for _, s := range row[i].list {
			if !utf8.ValidString(s) {
				return fmt.Errorf("text is %w", utf8check.ErrInvalid)
			}
		}
	}
	return nil
}

// ErrEmpty is returned (wrapped, naming the file) for a dataset file
// without rows.
var ErrEmpty = errors.New("file has no rows")
