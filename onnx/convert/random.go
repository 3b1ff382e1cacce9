package convert

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sort"

	"github.com/jretrieve/jretrieve/internal/atomicfile"
)

// Shapes returns the checkpoint tensors (full names, as in
// model.safetensors) and their shapes that Convert reads for the network
// dir/config.json describes: a dry run of the build that reads no weights.
// HF_ColBERT is not supported (its projection size comes from the weights).
func Shapes(dir string) (map[string][]int, error) {
	cfg, err := readConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil, err
	}
	archName, arch, err := cfg.resolveArch()
	if err != nil {
		return nil, err
	}
	b := newGraph(archName, &Checkpoint{Tensors: map[string]*Tensor{}}, nil)
	b.prefix = arch.prefixes[0]
	b.record = map[string][]int{}
	arch.build(b, cfg, arch.head)
	if cfg.err != nil {
		return nil, cfg.err
	}
	if b.err != nil {
		return nil, fmt.Errorf("convert: %s (%s): %w", dir, archName, b.err)
	}
	return b.record, nil
}

// Params is the number of elements of the tensors in shapes.
func Params(shapes map[string][]int) int64 {
	var n int64
	for _, sh := range shapes {
		e := int64(1)
		for _, d := range sh {
			e *= int64(d)
		}
		n += e
	}
	return n
}

// WriteRandomCheckpoint writes dir/model.safetensors holding every tensor
// Convert reads for dir/config.json (see Shapes), fp32, filled with
// pseudo-random values in [-0.05, 0.05) drawn from seed: a checkpoint of
// the exact shape of a model, for timing it without its weights (speed
// does not depend on the values). It returns the number of parameters.
func WriteRandomCheckpoint(ctx context.Context, dir string, seed uint64) (int64, error) {
	shapes, err := Shapes(dir)
	if err != nil {
		return 0, err
	}
	names := make([]string, 0, len(shapes))
	for n := range shapes {
		names = append(names, n)
	}
	sort.Strings(names)
	type entry struct {
		DType   string  `json:"dtype"`
		Shape   []int   `json:"shape"`
		Offsets []int64 `json:"data_offsets"`
	}
	header := map[string]any{"__metadata__": map[string]string{"format": "pt", "jretrieve": "random weights"}}
	var off int64
	for _, n := range names {
		e := int64(4)
		for _, d := range shapes[n] {
			e *= int64(d)
		}
		header[n] = entry{DType: "F32", Shape: shapes[n], Offsets: []int64{off, off + e}}
		off += e
	}
	hb, err := json.Marshal(header)
	if err != nil {
		return 0, err
	}
	for len(hb)%8 != 0 {
		hb = append(hb, ' ')
	}
	// One block of random values, cycled from a random start per tensor:
	// cheap for the billion-parameter models, and no structure a kernel
	// could exploit.
	rng := rand.New(rand.NewPCG(seed, 0x6a72))
	block := make([]byte, 4*(1<<18))
	for i := 0; i < len(block); i += 4 {
		binary.LittleEndian.PutUint32(block[i:], math.Float32bits(float32(rng.Float64()*0.1-0.05)))
	}
	err = atomicfile.Write(filepath.Join(dir, "model.safetensors"), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(hb)))
		bw.Write(n[:])
		bw.Write(hb)
		for _, name := range names {
			if err := ctx.Err(); err != nil {
				return err
			}
			left := int64(4)
			for _, d := range shapes[name] {
				left *= int64(d)
			}
			start := 4 * rng.IntN(len(block)/4)
			for left > 0 {
				k := min(int64(len(block)-start), left)
				if _, err := bw.Write(block[start : start+int(k)]); err != nil {
					return err
				}
				left -= k
				start = 0
			}
		}
		return bw.Flush()
	})
	if err != nil {
		return 0, fmt.Errorf("convert: random checkpoint: %w", err)
	}
	return Params(shapes), nil
}
