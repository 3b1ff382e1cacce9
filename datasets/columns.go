package datasets

import (
	"context"
	"fmt"
)

// ColumnType is the type ReadColumns expects of a column.
type ColumnType int

const (
	String ColumnType = iota // string
	Int                      // integer (BOOLEAN reads as 0/1)
	Float                    // number: FLOAT, DOUBLE or an integer
	ID                       // string, or integer written in decimal (Value.IsInt tells which)
	IDList                   // list of strings or integers (integers written in decimal)
)

// Column names a column ReadColumns reads and its type.
type Column struct {
	Name string
	Type ColumnType
}

// Value is one cell read by ReadColumns; the field set depends on the
// column's type: Str (String, ID), Int (Int), Float (Float), List (IDList).
// IsInt reports that an ID, or every element of an IDList, was an integer.
type Value struct {
	Str   string
	Int   int64
	Float float64
	List  []string
	IsInt bool
}

// ReadColumns calls fn for every row of a parquet or JSON Lines file with
// the values of cols, in file order, and returns the number of rows. A
// missing column, a column of another type, a null value or a file without
// rows is an error naming the file, the row or line and the column; so is
// an error returned by fn (annotated with the row).
func ReadColumns(ctx context.Context, path string, cols []Column, fn func(row []Value) error) (int, error) {
	internal := make([]column, len(cols))
	for i, c := range cols {
		var k colKind
		switch c.Type {
		case String:
			k = kindString
		case Int:
			k = kindInt
		case Float:
			k = kindFloat
		case ID:
			k = kindID
		case IDList:
			k = kindIDList
		default:
			return 0, fmt.Errorf("datasets: column %q: unknown type %d", c.Name, c.Type)
		}
		internal[i] = column{name: c.Name, kind: k}
	}
	t, err := openTable(path, internal)
	if err != nil {
		return 0, err
	}
	defer t.close()
	vals := make([]Value, len(cols))
	return eachRow(ctx, t, path, len(cols), func(row []cell) error {
		for i, c := range row {
			vals[i] = Value{Str: c.s, Int: c.n, Float: c.f, List: c.list, IsInt: c.isInt}
		}
		return fn(vals)
	})
}
