package convert

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/x448/float16"
)

// DType is a checkpoint tensor's element type.
type DType string

// The element types the converter reads.
const (
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I64  DType = "I64"
)

func (d DType) size() int {
	switch d {
	case F32:
		return 4
	case F16, BF16:
		return 2
	case I64:
		return 8
	}
	return 0
}

// Tensor is one stored tensor of a checkpoint: where its bytes are and how
// to read them.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	// File is the absolute path of the file holding the bytes, Offset and
	// Length their position in it.
	File   string
	Offset int64
	Length int64
	// mem holds the values when they were read into memory
	// (pytorch_model.bin storages); File is then only for messages.
	mem []float32
}

// rows returns rows [r0, r1) of t (shape [rows, ...]) as a tensor of its
// own named "NAME[r0:r1]": the same bytes, as the rows are contiguous.
func (t *Tensor) rows(r0, r1 int) *Tensor {
	row := t.Elements() / t.Shape[0]
	v := *t
	v.Name = t.Name + "[" + itoa(r0) + ":" + itoa(r1) + "]"
	v.Shape = append([]int{r1 - r0}, t.Shape[1:]...)
	es := int64(t.DType.size())
	v.Offset = t.Offset + int64(r0*row)*es
	v.Length = int64((r1-r0)*row) * es
	if t.mem != nil {
		v.mem = t.mem[r0*row : r1*row]
	}
	return &v
}

// Elements returns the number of elements.
func (t *Tensor) Elements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Float32 reads the tensor and converts it to float32.
func (t *Tensor) Float32() ([]float32, error) {
	if t.mem != nil {
		return t.mem, nil
	}
	var raw []byte
	{
		f, err := os.Open(t.File)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		raw = make([]byte, t.Length)
		if _, err := f.ReadAt(raw, t.Offset); err != nil {
			return nil, fmt.Errorf("%s: tensor %s: %w", t.File, t.Name, err)
		}
	}
	n := t.Elements()
	if len(raw) != n*t.DType.size() {
		return nil, fmt.Errorf("%s: tensor %s: %d bytes for %d elements of %s", t.File, t.Name, len(raw), n, t.DType)
	}
	out := make([]float32, n)
	switch t.DType {
	case F32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	case F16:
		for i := range out {
			out[i] = float16.Frombits(binary.LittleEndian.Uint16(raw[2*i:])).Float32()
		}
	case BF16:
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(raw[2*i:])) << 16)
		}
	default:
		return nil, fmt.Errorf("%s: tensor %s: dtype %s is not a float type", t.File, t.Name, t.DType)
	}
	return out, nil
}

// writeFloat32 streams the tensor to w as little-endian float32, converting
// chunk by chunk (memory stays bounded by the chunk, not the tensor).
func (t *Tensor) writeFloat32(w io.Writer) error {
	if t.mem != nil {
		buf := make([]byte, 0, 1<<20)
		for i, v := range t.mem {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) == cap(buf) || i == len(t.mem)-1 {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
		return nil
	}
	es := t.DType.size()
	switch t.DType {
	case F32, F16, BF16:
	default:
		return fmt.Errorf("%s: tensor %s: dtype %s is not a float type", t.File, t.Name, t.DType)
	}
	if t.Length != int64(t.Elements()*es) {
		return fmt.Errorf("%s: tensor %s: %d bytes for %d elements of %s", t.File, t.Name, t.Length, t.Elements(), t.DType)
	}
	f, err := os.Open(t.File)
	if err != nil {
		return err
	}
	defer f.Close()
	const chunk = 1 << 20 // elements
	in := make([]byte, chunk*es)
	out := make([]byte, chunk*4)
	for off := int64(0); off < t.Length; {
		n := min(int64(len(in)), t.Length-off)
		if _, err := f.ReadAt(in[:n], t.Offset+off); err != nil {
			return fmt.Errorf("%s: tensor %s: %w", t.File, t.Name, err)
		}
		m := int(n) / es
		switch t.DType {
		case F32:
			copy(out, in[:n])
		case F16:
			for i := range m {
				binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(float16.Frombits(binary.LittleEndian.Uint16(in[2*i:])).Float32()))
			}
		case BF16:
			for i := range m {
				binary.LittleEndian.PutUint32(out[4*i:], uint32(binary.LittleEndian.Uint16(in[2*i:]))<<16)
			}
		}
		if _, err := w.Write(out[:4*m]); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// Checkpoint is the set of tensors of a model directory, by name.
type Checkpoint struct {
	Tensors map[string]*Tensor
	// Files are the weight files read, in order.
	Files []string
}

// Names returns the tensor names, sorted.
func (c *Checkpoint) Names() []string {
	names := make([]string, 0, len(c.Tensors))
	for n := range c.Tensors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ErrNoCheckpoint reports a directory without weights the converter reads.
var ErrNoCheckpoint = errors.New("convert: no model.safetensors, model.safetensors.index.json or pytorch_model.bin")

// HasCheckpoint reports whether dir holds weights the converter can read.
func HasCheckpoint(dir string) bool {
	for _, f := range []string{"model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

// ReadCheckpoint reads the tensor index of the weights in dir:
// model.safetensors, else the shards listed by model.safetensors.index.json,
// else pytorch_model.bin. Tensor bytes are read lazily (Tensor.Float32).
func ReadCheckpoint(dir string) (*Checkpoint, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	single := filepath.Join(abs, "model.safetensors")
	if _, err := os.Stat(single); err == nil {
		c := &Checkpoint{Tensors: map[string]*Tensor{}}
		if err := c.addSafetensors(single); err != nil {
			return nil, err
		}
		return c, nil
	}
	index := filepath.Join(abs, "model.safetensors.index.json")
	if b, err := os.ReadFile(index); err == nil {
		var idx struct {
			WeightMap map[string]string `json:"weight_map"`
		}
		if err := json.Unmarshal(b, &idx); err != nil {
			return nil, fmt.Errorf("convert: %s: %w", index, err)
		}
		if len(idx.WeightMap) == 0 {
			return nil, fmt.Errorf("convert: %s: empty weight_map", index)
		}
		shards := map[string]bool{}
		for _, f := range idx.WeightMap {
			if f != filepath.Base(f) {
				return nil, fmt.Errorf("convert: %s: shard %q is not a file name in the directory", index, f)
			}
			shards[f] = true
		}
		files := make([]string, 0, len(shards))
		for f := range shards {
			files = append(files, f)
		}
		sort.Strings(files)
		c := &Checkpoint{Tensors: map[string]*Tensor{}}
		for _, f := range files {
			if err := c.addSafetensors(filepath.Join(abs, f)); err != nil {
				return nil, err
			}
		}
		for name, f := range idx.WeightMap {
			t, ok := c.Tensors[name]
			if !ok {
				return nil, fmt.Errorf("convert: %s: tensor %s listed in %s is not in it", index, name, f)
			}
			if filepath.Base(t.File) != f {
				return nil, fmt.Errorf("convert: %s: tensor %s listed in %s is in %s", index, name, f, filepath.Base(t.File))
			}
		}
		return c, nil
	}
	bin := filepath.Join(abs, "pytorch_model.bin")
	if _, err := os.Stat(bin); err == nil {
		return readPytorchBin(bin)
	}
	return nil, fmt.Errorf("%w in %s", ErrNoCheckpoint, dir)
}

// maxHeader bounds the safetensors JSON header (the format's own limit is
// 100 MB).
const maxHeader = 100 << 20

func (c *Checkpoint) addSafetensors(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	var lenBuf [8]byte
	if _, err := io.ReadFull(f, lenBuf[:]); err != nil {
		return fmt.Errorf("convert: %s: header length: %w", path, err)
	}
	hlen := binary.LittleEndian.Uint64(lenBuf[:])
	if hlen > maxHeader || int64(hlen)+8 > st.Size() {
		return fmt.Errorf("convert: %s: header length %d does not fit a %d-byte file", path, hlen, st.Size())
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(f, hdr); err != nil {
		return fmt.Errorf("convert: %s: header: %w", path, err)
	}
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &entries); err != nil {
		return fmt.Errorf("convert: %s: header: %w", path, err)
	}
	base := int64(8 + hlen)
	for name, raw := range entries {
		if name == "__metadata__" {
			continue
		}
		var e struct {
			DType   string  `json:"dtype"`
			Shape   []int   `json:"shape"`
			Offsets []int64 `json:"data_offsets"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("convert: %s: tensor %s: %w", path, name, err)
		}
		if len(e.Offsets) != 2 || e.Offsets[0] < 0 || e.Offsets[1] < e.Offsets[0] || base+e.Offsets[1] > st.Size() {
			return fmt.Errorf("convert: %s: tensor %s: data_offsets %v outside the %d-byte data section", path, name, e.Offsets, st.Size()-base)
		}
		t := &Tensor{Name: name, DType: DType(e.DType), Shape: e.Shape, File: path, Offset: base + e.Offsets[0], Length: e.Offsets[1] - e.Offsets[0]}
		for _, d := range e.Shape {
			if d < 0 {
				return fmt.Errorf("convert: %s: tensor %s: negative dimension in %v", path, name, e.Shape)
			}
		}
		if sz := t.DType.size(); sz > 0 && int64(t.Elements()*sz) != t.Length {
			return fmt.Errorf("convert: %s: tensor %s: %d bytes for shape %v of %s", path, name, t.Length, e.Shape, e.DType)
		}
		if _, dup := c.Tensors[name]; dup {
			return fmt.Errorf("convert: %s: tensor %s appears in two files", path, name)
		}
		c.Tensors[name] = t
	}
	c.Files = append(c.Files, path)
	return nil
}
