//go:build cgo

package ort

import (
	"context"
	"fmt"
	"sync"

	"github.com/jretrieve/jretrieve/onnx"
	ortgo "github.com/yalue/onnxruntime_go"
)

const cgoEnabled = true

func init() {
	onnx.Register("ort", func(path string, opts onnx.Options) (onnx.Encoder, error) {
		return Open(path, opts)
	})
}

var (
	envMu  sync.Mutex
	envLib string
)

// Init initializes the process-wide ORT environment with the library found by
// FindLibrary(library). Calling it again with the same (or an empty) library
// is a no-op; a different library is an error.
func Init(library string) error {
	envMu.Lock()
	defer envMu.Unlock()
	if envLib != "" {
		if library != "" && library != envLib {
			if lib, err := FindLibrary(library); err != nil || lib != envLib {
				return fmt.Errorf("ort: environment already uses %s, cannot switch to %s", envLib, library)
			}
		}
		return nil
	}
	lib, err := FindLibrary(library)
	if err != nil {
		return err
	}
	ortgo.SetSharedLibraryPath(lib)
	// Fatal only: ORT's own (coloured) log lines would repeat on stderr
	// what every call already returns as an error; a library never prints.
	if err := ortgo.InitializeEnvironment(ortgo.WithLogLevelFatal()); err != nil {
		return fmt.Errorf("ort: initialize %s: %w", lib, err)
	}
	envLib = lib
	return nil
}

// Session is one loaded model. It implements onnx.Encoder.
type Session struct {
	path    string
	inputs  []string
	output  string
	outDims []int64
	sess    *ortgo.DynamicAdvancedSession
	// mu is held for reading by each Run and for writing by Close, so that
	// Close never destroys the session under a running inference.
	mu sync.RWMutex
}

// Open loads the ONNX model at path.
func Open(path string, opts onnx.Options) (*Session, error) {
	if err := Init(opts.Library); err != nil {
		return nil, err
	}
	ins, outs, err := ortgo.GetInputOutputInfo(path)
	if err != nil {
		return nil, fmt.Errorf("ort: read %s: %w", path, err)
	}
	if len(outs) == 0 {
		return nil, fmt.Errorf("ort: %s has no outputs", path)
	}
	s := &Session{path: path, output: outs[0].Name, outDims: outs[0].Dimensions}
	for _, in := range ins {
		switch in.Name {
		case onnx.InputIDs, onnx.AttentionMask, onnx.TokenTypeIDs:
		default:
			return nil, fmt.Errorf("ort: %s: unsupported input %q (want input_ids, attention_mask, token_type_ids)", path, in.Name)
		}
		if in.DataType != ortgo.TensorElementDataTypeInt64 {
			return nil, fmt.Errorf("ort: %s: input %q is %v, want int64", path, in.Name, in.DataType)
		}
		s.inputs = append(s.inputs, in.Name)
	}
	if outs[0].DataType != ortgo.TensorElementDataTypeFloat {
		return nil, fmt.Errorf("ort: %s: output %q is %v, want float32", path, s.output, outs[0].DataType)
	}
	so, err := ortgo.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("ort: session options: %w", err)
	}
	defer so.Destroy()
	threads := max(opts.Threads, 1)
	if err := so.SetIntraOpNumThreads(threads); err != nil {
		return nil, fmt.Errorf("ort: intra-op threads: %w", err)
	}
	if err := so.SetInterOpNumThreads(1); err != nil {
		return nil, fmt.Errorf("ort: inter-op threads: %w", err)
	}
	spin := "0"
	if opts.Spinning {
		spin = "1"
	}
	if err := so.AddSessionConfigEntry("session.intra_op.allow_spinning", spin); err != nil {
		return nil, fmt.Errorf("ort: spinning: %w", err)
	}
	sess, err := ortgo.NewDynamicAdvancedSession(path, s.inputs, []string{s.output}, so)
	if err != nil {
		return nil, fmt.Errorf("ort: load %s: %w", path, err)
	}
	s.sess = sess
	return s, nil
}

// Inputs implements onnx.Encoder.
func (s *Session) Inputs() []string { return s.inputs }

// Run implements onnx.Encoder. The output tensor is written straight into a
// Go slice preallocated from the model's output shape when its trailing
// dimension is static.
func (s *Session) Run(ctx context.Context, b *onnx.Batch) (onnx.Tensor, error) {
	if err := ctx.Err(); err != nil {
		return onnx.Tensor{}, err
	}
	if err := b.Validate(); err != nil {
		return onnx.Tensor{}, err
	}
	shape := ortgo.NewShape(int64(b.Size), int64(b.SeqLen))
	vals := make([]ortgo.Value, len(s.inputs))
	defer func() {
		for _, v := range vals {
			if v != nil {
				v.Destroy()
			}
		}
	}()
	for i, name := range s.inputs {
		var data []int64
		switch name {
		case onnx.InputIDs:
			data = b.InputIDs
		case onnx.AttentionMask:
			data = b.AttentionMask
		case onnx.TokenTypeIDs:
			data = b.TokenTypeIDs
			if data == nil {
				data = make([]int64, b.Size*b.SeqLen)
			}
		}
		t, err := ortgo.NewTensor(shape, data)
		if err != nil {
			return onnx.Tensor{}, fmt.Errorf("ort: %s: input %s: %w", s.path, name, err)
		}
		vals[i] = t
	}
	outShape, ok := s.staticOutput(b)
	var out []ortgo.Value
	var data []float32
	if ok {
		n := 1
		for _, d := range outShape {
			n *= int(d)
		}
		data = make([]float32, n)
		t, err := ortgo.NewTensor(ortgo.Shape(outShape), data)
		if err != nil {
			return onnx.Tensor{}, fmt.Errorf("ort: %s: output: %w", s.path, err)
		}
		out = []ortgo.Value{t}
	} else {
		out = []ortgo.Value{nil}
	}
	defer func() {
		if out[0] != nil {
			out[0].Destroy()
		}
	}()
	if err := s.run(ctx, b, vals, out); err != nil {
		return onnx.Tensor{}, err
	}
	if !ok {
		t, isF := out[0].(*ortgo.Tensor[float32])
		if !isF {
			return onnx.Tensor{}, fmt.Errorf("ort: %s: output %s is not a float32 tensor", s.path, s.output)
		}
		data = append([]float32(nil), t.GetData()...)
		outShape = t.GetShape()
	}
	res := onnx.Tensor{Data: data, Shape: make([]int, len(outShape))}
	for i, d := range outShape {
		res.Shape[i] = int(d)
	}
	return res, nil
}

// run executes the session; a cancelled ctx terminates the inference through
// OrtRunOptions (ORT stops at its next node) and run returns ctx's error.
func (s *Session) run(ctx context.Context, b *onnx.Batch, vals, out []ortgo.Value) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.sess == nil {
		return fmt.Errorf("ort: %s: session closed", s.path)
	}
	ro, err := ortgo.NewRunOptions()
	if err != nil {
		return fmt.Errorf("ort: %s: run options: %w", s.path, err)
	}
	defer ro.Destroy()
	terminated := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(terminated)
		ro.Terminate()
	})
	err = s.sess.RunWithOptions(vals, out, ro)
	if !stop() {
		<-terminated // the callback started: let it finish before ro is destroyed
	}
	if err != nil && ctx.Err() != nil {
		return ctx.Err() // terminated by the cancellation
	}
	if err != nil {
		return fmt.Errorf("ort: %s: run %dx%d: %w", s.path, b.Size, b.SeqLen, err)
	}
	return nil
}

// staticOutput returns the output shape for b when it can be known before
// running: [B, S, H] or [B, L] with a fixed trailing dimension.
func (s *Session) staticOutput(b *onnx.Batch) ([]int64, bool) {
	d := s.outDims
	switch {
	case len(d) == 3 && d[2] > 0:
		return []int64{int64(b.Size), int64(b.SeqLen), d[2]}, true
	case len(d) == 2 && d[1] > 0:
		return []int64{int64(b.Size), d[1]}, true
	}
	return nil, false
}

// Close implements onnx.Encoder.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sess == nil {
		return nil
	}
	err := s.sess.Destroy()
	s.sess = nil
	return err
}
