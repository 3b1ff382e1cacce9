package vecsim

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// formula is the value gen_npy.py stores at flat index i.
func formula(i int) float32 { return float32(float64(i)*0.5 - 1) }

func TestReadNPYGolden(t *testing.T) {
	for _, tc := range []struct {
		file       string
		rows, dim  int
		errContain string
	}{
		{"f4_3x4_v1.npy", 3, 4, ""},
		{"f4_1d_v1.npy", 1, 5, ""},
		{"f4_0x8_v1.npy", 0, 8, ""},
		{"f4_2x3_v2.npy", 2, 3, ""},
		{"f4_2x3_v3.npy", 2, 3, ""},
		{"f8_2x2.npy", 0, 0, "dtype '<f8' not supported"},
		{"f4be_2x2.npy", 0, 0, "dtype '>f4' not supported"},
		{"i4_2x2.npy", 0, 0, "dtype '<i4' not supported"},
		{"f4_fortran_2x3.npy", 0, 0, "fortran_order True"},
		{"f4_2x2x2.npy", 0, 0, "3 dimensions"},
	} {
		path := filepath.Join("testdata", "npy", tc.file)
		m, err := ReadNPYFile(path)
		if tc.errContain != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errContain) || !strings.Contains(err.Error(), tc.file) {
				t.Errorf("%s: error %v, want one naming the file and containing %q", tc.file, err, tc.errContain)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if m.Rows != tc.rows || m.Dim != tc.dim || len(m.Data) != tc.rows*tc.dim {
			t.Errorf("%s: shape %dx%d (%d values), want %dx%d", tc.file, m.Rows, m.Dim, len(m.Data), tc.rows, tc.dim)
		}
		for i, x := range m.Data {
			if x != formula(i) {
				t.Errorf("%s: value %d = %g, want %g", tc.file, i, x, formula(i))
				break
			}
		}
	}
}

// TestWriteNPYMatchesNumpy checks that WriteNPY produces the same bytes as
// numpy's np.save for a 2-D float32 array.
func TestWriteNPYMatchesNumpy(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "npy", "f4_3x4_v1.npy"))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMatrix(3, 4)
	for i := range m.Data {
		m.Data[i] = formula(i)
	}
	var b bytes.Buffer
	if err := WriteNPY(&b, m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("WriteNPY output differs from numpy:\n got %q\nwant %q", b.Bytes(), want)
	}
	// Version 2.0 round trip, and the same length rule as numpy.
	want2, _ := os.ReadFile(filepath.Join("testdata", "npy", "f4_2x3_v2.npy"))
	m2 := NewMatrix(2, 3)
	for i := range m2.Data {
		m2.Data[i] = formula(i)
	}
	b.Reset()
	if err := WriteNPYVersion(&b, m2, 2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want2) {
		t.Errorf("WriteNPYVersion 2 differs from numpy:\n got %q\nwant %q", b.Bytes(), want2)
	}
}

func TestNPYFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "emb.npy")
	m := NewMatrix(7, 5)
	for i := range m.Data {
		m.Data[i] = float32(math.Sin(float64(i)))
	}
	m.Data[3] = float32(math.NaN())
	m.Data[4] = float32(math.Inf(-1))
	if err := WriteNPYFile(path, m); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPYFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Data {
		if math.Float32bits(got.Data[i]) != math.Float32bits(m.Data[i]) {
			t.Fatalf("value %d: %g != %g", i, got.Data[i], m.Data[i])
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}
	if err := WriteNPYFile(filepath.Join(dir, "missing", "x.npy"), m); err == nil {
		t.Error("writing into a missing directory should fail")
	}
	if _, err := ReadNPYFile(filepath.Join(dir, "nope.npy")); err == nil {
		t.Error("reading a missing file should fail")
	}
}

func npyBytes(header string, major byte, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.WriteByte(major)
	b.WriteByte(0)
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(header)))
	}
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

func TestReadNPYCorrupt(t *testing.T) {
	ok := "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n"
	data := make([]byte, 16)
	for _, tc := range []struct {
		name, want string
		in         []byte
	}{
		{"empty", "reading magic", nil},
		{"bad magic", "bad magic", []byte("\x93NUMPX\x01\x00\x00\x00")},
		{"version", "unsupported format version 4.0", npyBytes(ok, 4, data)},
		{"short header", "reading 60-byte header", npyBytes(ok, 1, nil)[:40]},
		{"no brace", "missing '{'", npyBytes("'descr': '<f4'\n", 1, data)},
		{"missing shape", "missing one of", npyBytes("{'descr': '<f4', 'fortran_order': False}\n", 1, data)},
		{"unknown key", "unknown key", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'x': 1}\n", 1, data)},
		{"bad dim", "expected integer", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -2), }\n", 1, data)},
		{"bad bool", "fortran_order is not", npyBytes("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 2), }\n", 1, data)},
		{"duplicate", "duplicate key", npyBytes("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n", 1, data)},
		{"truncated data", "data truncated: shape (2, 2) needs 16 bytes, file has 12", npyBytes(ok, 1, data[:12])},
		{"trailing", "trailing bytes", npyBytes(ok, 1, append(data, 0))},
		{"scalar", "0 dimensions", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (), }\n", 1, nil)},
		{"huge shape", "data truncated", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (100000000, 100000), }\n", 1, data)},
		{"overflow shape", "too large", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 2), }\n", 1, data)},
	} {
		_, err := ReadNPY(bytes.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
	// The valid variant parses (guards against the table passing trivially).
	if _, err := ReadNPY(bytes.NewReader(npyBytes(ok, 1, data))); err != nil {
		t.Errorf("valid header: %v", err)
	}
	if _, err := ReadNPY(bytes.NewReader(npyBytes(ok, 2, data))); err != nil {
		t.Errorf("valid v2 header: %v", err)
	}
}

func FuzzReadNPY(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "npy", "*.npy"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }\n", 2, []byte{0, 0, 128, 63}))
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := ReadNPY(bytes.NewReader(in))
		if err != nil {
			return
		}
		if m.Validate() != nil {
			t.Fatalf("ReadNPY returned an inconsistent matrix %dx%d with %d values", m.Rows, m.Dim, len(m.Data))
		}
		var b bytes.Buffer
		if err := WriteNPY(&b, m); err != nil {
			t.Fatal(err)
		}
		m2, err := ReadNPY(&b)
		if err != nil {
			t.Fatalf("re-reading written file: %v", err)
		}
		if m2.Rows != m.Rows || m2.Dim != m.Dim {
			t.Fatalf("round trip shape %dx%d -> %dx%d", m.Rows, m.Dim, m2.Rows, m2.Dim)
		}
		for i := range m.Data {
			if math.Float32bits(m.Data[i]) != math.Float32bits(m2.Data[i]) {
				t.Fatalf("round trip value %d differs", i)
			}
		}
	})
}
