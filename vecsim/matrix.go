package vecsim

import "fmt"

// Matrix is a dense row-major float32 matrix: row i is
// Data[i*Dim : (i+1)*Dim]. Data must hold exactly Rows*Dim values.
type Matrix struct {
	Rows, Dim int
	Data      []float32
}

// NewMatrix allocates a zeroed rows x dim matrix.
func NewMatrix(rows, dim int) Matrix {
	return Matrix{Rows: rows, Dim: dim, Data: make([]float32, rows*dim)}
}

// MatrixFromRows copies equal-length rows into a new Matrix.
func MatrixFromRows(rows [][]float32) (Matrix, error) {
	if len(rows) == 0 {
		return Matrix{}, nil
	}
	d := len(rows[0])
	m := NewMatrix(len(rows), d)
	for i, r := range rows {
		if len(r) != d {
			return Matrix{}, fmt.Errorf("vecsim: row %d has %d values, want %d", i, len(r), d)
		}
		copy(m.Data[i*d:], r)
	}
	return m, nil
}

// Row returns row i (sharing storage).
func (m Matrix) Row(i int) []float32 {
	return m.Data[i*m.Dim : (i+1)*m.Dim : (i+1)*m.Dim]
}

// Validate reports whether the shape and Data length agree.
func (m Matrix) Validate() error {
	if m.Rows < 0 || m.Dim < 0 {
		return fmt.Errorf("vecsim: negative matrix shape %dx%d", m.Rows, m.Dim)
	}
	if len(m.Data) != m.Rows*m.Dim {
		return fmt.Errorf("vecsim: matrix %dx%d has %d values, want %d", m.Rows, m.Dim, len(m.Data), m.Rows*m.Dim)
	}
	return nil
}

// NormalizeRows L2-normalises every row in place.
func (m Matrix) NormalizeRows() {
	for i := 0; i < m.Rows; i++ {
		Normalize(m.Row(i))
	}
}
