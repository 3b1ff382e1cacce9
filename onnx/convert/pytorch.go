package convert

import (
	"fmt"
	"io"
	"sort"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/pytorch"
	"github.com/nlpodyssey/gopickle/types"
)

// readPytorchBin reads a pytorch_model.bin state dict (torch.save's zip of
// a pickle and raw storages, or the legacy format) with gopickle and a
// restricted unpickler: besides the tensor rebuild function and the
// storage classes that gopickle's torch loader knows
// (torch._utils._rebuild_tensor_v2, torch.FloatStorage, HalfStorage,
// BFloat16Storage, ...) only collections.OrderedDict is accepted; any
// other class named by the pickle is an error, never an object built
// from it. The storages are read into memory (as float32).
func readPytorchBin(path string) (*Checkpoint, error) {
	restricted := func(r io.Reader) pickle.Unpickler {
		u := pickle.NewUnpickler(r)
		u.FindClass = func(module, name string) (interface{}, error) {
			return nil, fmt.Errorf("class %s.%s is not allowed in a checkpoint (only tensors and OrderedDict)", module, name)
		}
		return u
	}
	obj, err := pytorch.LoadWithUnpickler(path, restricted)
	if err != nil {
		return nil, fmt.Errorf("convert: %s: %w", path, err)
	}
	c := &Checkpoint{Tensors: map[string]*Tensor{}, Files: []string{path}}
	add := func(k, v any) error {
		name, ok := k.(string)
		if !ok {
			return fmt.Errorf("state dict key %v is not a string", k)
		}
		t, ok := v.(*pytorch.Tensor)
		if !ok {
			return fmt.Errorf("state dict entry %s is %T, not a tensor", name, v)
		}
		data, err := contiguous(t)
		if err != nil {
			return fmt.Errorf("tensor %s: %w", name, err)
		}
		c.Tensors[name] = &Tensor{Name: name, DType: F32, Shape: append([]int{}, t.Size...), File: path, mem: data}
		return nil
	}
	switch d := obj.(type) {
	case *types.OrderedDict:
		keys := make([]string, 0, d.Len())
		for k := range d.Map {
			s, _ := k.(string)
			keys = append(keys, s)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := add(k, d.Map[k].Value); err != nil {
				return nil, fmt.Errorf("convert: %s: %w", path, err)
			}
		}
	case *types.Dict:
		for _, e := range *d {
			if err := add(e.Key, e.Value); err != nil {
				return nil, fmt.Errorf("convert: %s: %w", path, err)
			}
		}
	default:
		return nil, fmt.Errorf("convert: %s: top-level object is %T, want a state dict", path, obj)
	}
	return c, nil
}

// contiguous returns the tensor's elements in row-major order as float32.
func contiguous(t *pytorch.Tensor) ([]float32, error) {
	var src []float32
	switch s := t.Source.(type) {
	case *pytorch.FloatStorage:
		src = s.Data
	case *pytorch.HalfStorage:
		src = s.Data
	case *pytorch.BFloat16Storage:
		src = s.Data
	default:
		return nil, fmt.Errorf("storage %T is not a float type", t.Source)
	}
	n := 1
	for _, d := range t.Size {
		n *= d
	}
	if len(t.Stride) != len(t.Size) {
		return nil, fmt.Errorf("stride %v for size %v", t.Stride, t.Size)
	}
	out := make([]float32, n)
	idx := make([]int, len(t.Size))
	for i := range n {
		off := t.StorageOffset
		for a, j := range idx {
			off += j * t.Stride[a]
		}
		if off < 0 || off >= len(src) {
			return nil, fmt.Errorf("element offset %d outside a storage of %d", off, len(src))
		}
		out[i] = src[off]
		for a := len(idx) - 1; a >= 0; a-- {
			idx[a]++
			if idx[a] < t.Size[a] {
				break
			}
			idx[a] = 0
		}
	}
	return out, nil
}
