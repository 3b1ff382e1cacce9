package gobackend

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/knights-analytics/hugot/backends"
	"github.com/knights-analytics/hugot/options"
)

func init() {
	onnx.Register("go", func(path string, opts onnx.Options) (onnx.Encoder, error) {
		return Open(path, opts)
	})
}

// DefaultSequenceBuckets are the padded sequence lengths.
var DefaultSequenceBuckets = []int{16, 32, 64, 128, 256, 512}

var batchBuckets = []int{1, 2, 4, 8, 16, 32}

// loadMu serializes model loads; see the package doc on os.Chdir.
var loadMu sync.Mutex

// Session is one model loaded in hugot's Go backend. It implements onnx.Encoder.
type Session struct {
	path    string
	model   *backends.Model
	inputs  []string
	buckets []int
	// sem (capacity 1) serializes runs and Close; unlike a mutex, a run
	// waiting for it gives up when its context is cancelled.
	sem chan struct{}
}

// Open loads the ONNX model at path.
func Open(path string, opts onnx.Options) (*Session, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("gobackend: %s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("gobackend: %w", err)
	}
	for _, b := range opts.SequenceBuckets {
		if b <= 0 {
			return nil, fmt.Errorf("gobackend: %s: sequence bucket %d is not positive (buckets %v)", path, b, opts.SequenceBuckets)
		}
	}
	if d, err := contribDomain(abs); err != nil {
		return nil, fmt.Errorf("gobackend: %w", err)
	} else if d != "" {
		return nil, fmt.Errorf("gobackend: %s uses %s operators (a fused or quantized graph, jretrieve convert --graph fused / --quantize int8), which only ONNX Runtime implements: run it with the ort backend", path, d)
	}
	m := &backends.Model{
		ID:           abs,
		Path:         filepath.Dir(abs),
		OnnxFilename: filepath.Base(abs),
		Pipelines:    map[string]backends.Pipeline{},
	}
	o := options.Defaults()
	o.Backend = "GO"
	if err := load(m, o); err != nil {
		return nil, fmt.Errorf("gobackend: load %s: %w", path, err)
	}
	s := &Session{path: path, model: m, buckets: opts.SequenceBuckets, sem: make(chan struct{}, 1)}
	if len(s.buckets) == 0 {
		s.buckets = DefaultSequenceBuckets
	}
	for _, in := range m.InputsMeta {
		switch in.Name {
		case onnx.InputIDs, onnx.AttentionMask, onnx.TokenTypeIDs:
		default:
			s.Close()
			return nil, fmt.Errorf("gobackend: %s: unsupported input %q", path, in.Name)
		}
		s.inputs = append(s.inputs, in.Name)
	}
	if len(m.OutputsMeta) == 0 {
		s.Close()
		return nil, fmt.Errorf("gobackend: %s has no outputs", path)
	}
	return s, nil
}

// load creates the hugot model backend with the working directory contained.
func load(m *backends.Model, o *options.Options) (err error) {
	loadMu.Lock()
	defer loadMu.Unlock()
	cwd, werr := os.Getwd()
	if werr == nil {
		defer func() {
			if now, e := os.Getwd(); e != nil || now != cwd {
				if cerr := os.Chdir(cwd); cerr != nil && err == nil {
					err = fmt.Errorf("restore working directory %s: %w", cwd, cerr)
				}
			}
		}()
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("hugot panicked: %v", r)
		}
	}()
	return backends.CreateModelBackend(context.Background(), m, o)
}

// Inputs implements onnx.Encoder.
func (s *Session) Inputs() []string { return s.inputs }

func bucket(n int, bs []int) int {
	for _, b := range bs {
		if n <= b {
			return b
		}
	}
	last := bs[len(bs)-1]
	return (n + last - 1) / last * last
}

// Run implements onnx.Encoder. The batch is padded to the shape buckets and
// the padding is removed from the output.
func (s *Session) Run(ctx context.Context, b *onnx.Batch) (onnx.Tensor, error) {
	if err := ctx.Err(); err != nil {
		return onnx.Tensor{}, err
	}
	if err := b.Validate(); err != nil {
		return onnx.Tensor{}, err
	}
	seqLen := bucket(b.SeqLen, s.buckets)
	rows := bucket(b.Size, batchBuckets)
	batch := backends.NewBatch(rows)
	batch.MaxSequenceLength = seqLen
	batch.Input = make([]backends.TokenizedInput, rows)
	for r := range rows {
		src := r
		if src >= b.Size {
			src = 0
		}
		ids := make([]uint32, seqLen)
		types := make([]uint32, seqLen)
		mask := make([]uint32, seqLen)
		for j := range seqLen {
			if j < b.SeqLen {
				k := src*b.SeqLen + j
				ids[j] = uint32(b.InputIDs[k])
				mask[j] = uint32(b.AttentionMask[k])
				if b.TokenTypeIDs != nil {
					types[j] = uint32(b.TokenTypeIDs[k])
				}
			} else {
				ids[j] = uint32(b.PadID)
			}
		}
		batch.Input[r] = backends.TokenizedInput{TokenIDs: ids, TypeIDs: types, AttentionMask: mask}
	}
	// The run happens in a goroutine that owns the session lock and the
	// batch until GoMLX's executor has finished with them: when ctx is
	// cancelled Run returns at once, but the input tensors are freed (and
	// Close may destroy the model) only after the executor stops. Freeing
	// them under a running executor made its parallel workers index empty
	// buffers (index out of range panics on Ctrl-C).
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return onnx.Tensor{}, ctx.Err()
	}
	if s.model == nil {
		<-s.sem
		return onnx.Tensor{}, fmt.Errorf("gobackend: %s: session closed", s.path)
	}
	type result struct {
		t   onnx.Tensor
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-s.sem }()
		var r result
		defer func() {
			if p := recover(); p != nil {
				r = result{err: fmt.Errorf("gobackend: %s: run %dx%d panicked: %v", s.path, rows, seqLen, p)}
			}
			done <- r
		}()
		r.t, r.err = s.exec(batch, b, rows, seqLen)
	}()
	select {
	case r := <-done:
		if r.err != nil && ctx.Err() != nil {
			return onnx.Tensor{}, ctx.Err()
		}
		return r.t, r.err
	case <-ctx.Done():
		return onnx.Tensor{}, ctx.Err()
	}
}

// exec runs batch to completion (never cancelled midway: GoMLX cannot stop
// an executing program) and copies the real rows of the output. The caller
// holds s.sem.
func (s *Session) exec(batch *backends.PipelineBatch, b *onnx.Batch, rows, seqLen int) (onnx.Tensor, error) {
	if err := backends.CreateInputTensors(batch, s.model, "GO"); err != nil {
		return onnx.Tensor{}, fmt.Errorf("gobackend: %s: inputs: %w", s.path, err)
	}
	defer batch.Destroy()
	bg := context.Background()
	p := &backends.BasePipeline{Model: s.model, Runtime: "GO", SessionContext: bg}
	if err := backends.RunSessionOnBatch(bg, batch, p); err != nil {
		return onnx.Tensor{}, fmt.Errorf("gobackend: %s: run %dx%d: %w", s.path, rows, seqLen, err)
	}
	if len(batch.OutputValues) == 0 {
		return onnx.Tensor{}, fmt.Errorf("gobackend: %s: no output", s.path)
	}
	switch out := batch.OutputValues[0].(type) {
	case [][][]float32:
		if len(out) < b.Size || len(out[0]) < b.SeqLen {
			return onnx.Tensor{}, fmt.Errorf("gobackend: %s: output %dx%d smaller than batch %dx%d", s.path, len(out), len(out[0]), b.Size, b.SeqLen)
		}
		h := len(out[0][0])
		data := make([]float32, 0, b.Size*b.SeqLen*h)
		for r := range b.Size {
			for j := range b.SeqLen {
				data = append(data, out[r][j]...)
			}
		}
		return onnx.Tensor{Data: data, Shape: []int{b.Size, b.SeqLen, h}}, nil
	case [][]float32:
		if len(out) < b.Size {
			return onnx.Tensor{}, fmt.Errorf("gobackend: %s: output has %d rows, batch %d", s.path, len(out), b.Size)
		}
		l := len(out[0])
		data := make([]float32, 0, b.Size*l)
		for r := range b.Size {
			data = append(data, out[r]...)
		}
		return onnx.Tensor{Data: data, Shape: []int{b.Size, l}}, nil
	default:
		return onnx.Tensor{}, fmt.Errorf("gobackend: %s: unsupported output type %T", s.path, out)
	}
}

// Close implements onnx.Encoder. It waits for a run still executing (one
// whose Run already returned the context's error) before freeing the model.
func (s *Session) Close() error {
	s.sem <- struct{}{}
	defer func() { <-s.sem }()
	if s.model == nil || s.model.GoMLXModel == nil {
		s.model = nil
		return nil
	}
	s.model.GoMLXModel.Destroy()
	s.model = nil
	return nil
}
