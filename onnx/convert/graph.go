package convert

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
)

// opset is the ONNX operator set the graphs use (LayerNormalization needs 17).
const opset = 17

// irVersion is the ONNX IR version written (8 goes with opset 17).
const irVersion = 8

// graph builds one ONNX graph. Errors are sticky: the first one is kept and
// later calls are no-ops returning "", so that the architecture files read
// like their transformers modeling file without an error check per line.
type graph struct {
	g    *pb.GraphProto
	ckpt *Checkpoint
	// prefix is prepended to checkpoint tensor names ("bert.", "" ...).
	prefix string
	// base is the base model's prefix (heads set prefix to "").
	base string
	// ext places the initializers' bytes (see external.go).
	ext  *externalData
	n    int
	err  error
	used map[string]bool
	init map[string]string
	// record, when set, makes weight() note each tensor's name and shape
	// instead of reading a checkpoint (Shapes: a dry run of the build).
	record map[string][]int
	// views are the row ranges of checkpoint tensors that weightRows
	// added as initializers of their own, by initializer name.
	views map[string]*Tensor
}

func newGraph(name string, ckpt *Checkpoint, ext *externalData) *graph {
	return &graph{g: &pb.GraphProto{Name: name}, ckpt: ckpt, ext: ext, used: map[string]bool{}, init: map[string]string{}, views: map[string]*Tensor{}}
}

func (b *graph) fail(format string, args ...any) {
	if b.err == nil {
		b.err = fmt.Errorf(format, args...)
	}
}

func (b *graph) name(hint string) string {
	b.n++
	return hint + "_" + strconv.Itoa(b.n)
}

// dim is one dimension of an input/output: a number or a symbolic name.
type dim any

func valueInfo(name string, elem pb.TensorProto_DataType, dims ...dim) *pb.ValueInfoProto {
	shape := &pb.TensorShapeProto{}
	for _, d := range dims {
		switch v := d.(type) {
		case int:
			shape.Dim = append(shape.Dim, &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimValue{DimValue: int64(v)}})
		case string:
			shape.Dim = append(shape.Dim, &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimParam{DimParam: v}})
		}
	}
	return &pb.ValueInfoProto{Name: name, Type: &pb.TypeProto{Value: &pb.TypeProto_TensorType{TensorType: &pb.TypeProto_Tensor{ElemType: int32(elem), Shape: shape}}}}
}

// input declares an int64 [batch, sequence] graph input.
func (b *graph) input(name string) string {
	b.g.Input = append(b.g.Input, valueInfo(name, pb.TensorProto_INT64, "batch", "sequence"))
	return name
}

// output declares a float32 graph output, renaming value to name.
func (b *graph) output(value, name string, dims ...dim) {
	if b.err != nil {
		return
	}
	b.g.Node = append(b.g.Node, &pb.NodeProto{OpType: "Identity", Input: []string{value}, Output: []string{name}, Name: name})
	b.g.Output = append(b.g.Output, valueInfo(name, pb.TensorProto_FLOAT, dims...))
}

type attr = *pb.AttributeProto

func aInt(name string, v int64) attr {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_INT, I: v}
}

func aFloat(name string, v float32) attr {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_FLOAT, F: v}
}

func aInts(name string, v ...int64) attr {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_INTS, Ints: v}
}

// op adds a node with one output and returns the output's name.
func (b *graph) op(opType string, inputs []string, attrs ...attr) string {
	if b.err != nil {
		return ""
	}
	out := b.name(opType)
	b.g.Node = append(b.g.Node, &pb.NodeProto{OpType: opType, Input: inputs, Output: []string{out}, Name: out, Attribute: attrs})
	return out
}

// constF32 adds a float32 initializer holding vals.
func (b *graph) constF32(vals []float32, dims ...int64) string {
	raw := make([]byte, 4*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	return b.rawConst(pb.TensorProto_FLOAT, raw, dims)
}

// constI64 adds an int64 initializer holding vals.
func (b *graph) constI64(vals []int64, dims ...int64) string {
	raw := make([]byte, 8*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(v))
	}
	return b.rawConst(pb.TensorProto_INT64, raw, dims)
}

// scalar is a float32 scalar constant, shared between uses.
func (b *graph) scalar(v float32) string {
	key := "f" + strconv.FormatUint(uint64(math.Float32bits(v)), 16)
	if n, ok := b.init[key]; ok {
		return n
	}
	n := b.constF32([]float32{v})
	b.init[key] = n
	return n
}

// ints is a 1-D int64 constant, shared between uses.
func (b *graph) ints(v ...int64) string {
	key := fmt.Sprint("i", v)
	if n, ok := b.init[key]; ok {
		return n
	}
	n := b.constI64(v, int64(len(v)))
	b.init[key] = n
	return n
}

func (b *graph) rawConst(dt pb.TensorProto_DataType, raw []byte, dims []int64) string {
	if b.err != nil {
		return ""
	}
	name := b.name("const")
	t := &pb.TensorProto{Name: name, DataType: int32(dt), Dims: dims}
	if len(raw) > inlineLimit {
		if err := b.ext.put(t, raw); err != nil {
			b.fail("%w", err)
			return ""
		}
	} else {
		t.RawData = raw
	}
	b.g.Initializer = append(b.g.Initializer, t)
	return name
}

// inlineLimit is the size above which computed constants go to the
// external data file rather than into the graph.
const inlineLimit = 4096

// has reports whether the checkpoint holds tensor prefix+name.
func (b *graph) has(name string) bool {
	_, ok := b.lookup(name)
	return ok
}

// lookup finds prefix+name, accepting the legacy LayerNorm names
// (gamma/beta) that old TensorFlow-converted BERT checkpoints use.
func (b *graph) lookup(name string) (*Tensor, bool) {
	full := b.prefix + name
	if b.record != nil {
		if sh, ok := b.record[full]; ok {
			return &Tensor{Name: full, DType: F32, Shape: sh}, true
		}
		return nil, false
	}
	if t, ok := b.ckpt.Tensors[full]; ok {
		return t, true
	}
	for _, alias := range [][2]string{{".weight", ".gamma"}, {".bias", ".beta"}} {
		if len(full) > len(alias[0]) && full[len(full)-len(alias[0]):] == alias[0] {
			if t, ok := b.ckpt.Tensors[full[:len(full)-len(alias[0])]+alias[1]]; ok {
				return t, true
			}
		}
	}
	return nil, false
}

// weight adds checkpoint tensor prefix+name as an initializer, checking its
// shape, and returns its name in the graph.
func (b *graph) weight(name string, shape ...int) string {
	return b.addWeight(name, 0, 0, shape)
}

// weightRows adds rows [r0, r1) of checkpoint tensor prefix+name (shape
// [rows, ...], checked like weight's) as an initializer of its own, named
// "TENSOR[r0:r1]". The rows are contiguous in the checkpoint, so the graph
// can still point into the checkpoint file instead of copying them.
func (b *graph) weightRows(name string, r0, r1 int, shape ...int) string {
	if r0 < 0 || r0 >= r1 || len(shape) == 0 || r1 > shape[0] {
		b.fail("tensor %s%s: rows [%d:%d) out of range of shape %v", b.prefix, name, r0, r1, shape)
		return ""
	}
	return b.addWeight(name, r0, r1, shape)
}

// addWeight is weight (r1 == 0) and weightRows (rows [r0, r1)).
func (b *graph) addWeight(name string, r0, r1 int, shape []int) string {
	if b.err != nil {
		return ""
	}
	rows := ""
	if r1 > 0 {
		rows = "[" + itoa(r0) + ":" + itoa(r1) + "]"
	}
	key := "w:" + name + rows
	if n, ok := b.init[key]; ok {
		return n
	}
	if b.record != nil {
		full := b.prefix + name
		if len(shape) == 0 {
			b.fail("tensor %s: no shape implied by the config", full)
			return ""
		}
		b.record[full] = append([]int(nil), shape...)
		b.used[full] = true
		b.init[key] = full + rows
		return full + rows
	}
	t, ok := b.lookup(name)
	if !ok {
		b.fail("checkpoint has no tensor %s%s", b.prefix, name)
		return ""
	}
	if len(shape) > 0 && !slices.Equal(t.Shape, shape) {
		b.fail("tensor %s has shape %v, the config implies %v", t.Name, t.Shape, shape)
		return ""
	}
	b.used[t.Name] = true
	if rows != "" {
		t = t.rows(r0, r1)
		b.views[t.Name] = t
	}
	dims := make([]int64, len(t.Shape))
	for i, d := range t.Shape {
		dims[i] = int64(d)
	}
	init := &pb.TensorProto{Name: t.Name, DataType: int32(pb.TensorProto_FLOAT), Dims: dims}
	if err := b.ext.putTensor(init, t); err != nil {
		b.fail("%w", err)
		return ""
	}
	b.g.Initializer = append(b.g.Initializer, init)
	b.init[key] = t.Name
	return t.Name
}

// Arithmetic helpers.

func (b *graph) add(x, y string) string { return b.op("Add", []string{x, y}) }
func (b *graph) sub(x, y string) string { return b.op("Sub", []string{x, y}) }
func (b *graph) mul(x, y string) string { return b.op("Mul", []string{x, y}) }
func (b *graph) div(x, y string) string { return b.op("Div", []string{x, y}) }
func (b *graph) matmul(x, y string) string {
	return b.op("MatMul", []string{x, y})
}
func (b *graph) transpose(x string, perm ...int64) string {
	return b.op("Transpose", []string{x}, aInts("perm", perm...))
}
func (b *graph) reshape(x string, shape ...int64) string {
	return b.op("Reshape", []string{x, b.ints(shape...)})
}
func (b *graph) unsqueeze(x string, axes ...int64) string {
	return b.op("Unsqueeze", []string{x, b.ints(axes...)})
}
func (b *graph) cast(x string, to pb.TensorProto_DataType) string {
	return b.op("Cast", []string{x}, aInt("to", int64(to)))
}

// slice takes x[starts:ends] along axes; ends may be a graph value name
// (pass "" in endsName to use the constant ends).
func (b *graph) slice(x string, starts, ends, axes string) string {
	return b.op("Slice", []string{x, starts, ends, axes})
}

// seqLen returns the sequence length of ids ([batch, sequence]) as a 1-D
// int64 tensor of one element.
func (b *graph) seqLen(ids string) string {
	if n, ok := b.init["seqlen:"+ids]; ok {
		return n
	}
	shape := b.op("Shape", []string{ids})
	n := b.slice(shape, b.ints(1), b.ints(2), b.ints(0))
	b.init["seqlen:"+ids] = n
	return n
}
