package onnx

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
)

// Input names understood by the encoders (Hugging Face / Optimum export names).
const (
	InputIDs      = "input_ids"
	AttentionMask = "attention_mask"
	TokenTypeIDs  = "token_type_ids"
)

// Batch is one padded batch of token sequences. Each slice holds Size*SeqLen
// values, row-major. TokenTypeIDs may be nil when the model takes none (it is
// then treated as all zeros if the model does take it).
type Batch struct {
	Size, SeqLen  int
	InputIDs      []int64
	AttentionMask []int64
	TokenTypeIDs  []int64
	// PadID is the id written in padding positions (the model's
	// pad_token_id); backends that pad further reuse it.
	PadID int64
}

// Validate checks that the slices match the declared shape.
func (b *Batch) Validate() error {
	n := b.Size * b.SeqLen
	if b.Size <= 0 || b.SeqLen <= 0 {
		return fmt.Errorf("onnx: empty batch %dx%d", b.Size, b.SeqLen)
	}
	if len(b.InputIDs) != n || len(b.AttentionMask) != n {
		return fmt.Errorf("onnx: batch %dx%d has %d ids and %d mask values", b.Size, b.SeqLen, len(b.InputIDs), len(b.AttentionMask))
	}
	if b.TokenTypeIDs != nil && len(b.TokenTypeIDs) != n {
		return fmt.Errorf("onnx: batch %dx%d has %d token type ids", b.Size, b.SeqLen, len(b.TokenTypeIDs))
	}
	return nil
}

// Tensor is a dense row-major float32 tensor.
type Tensor struct {
	Data  []float32
	Shape []int
}

// Encoder runs a transformer encoder exported to ONNX. Implementations are
// safe for concurrent use.
type Encoder interface {
	// Inputs lists the input names the model takes, in model order.
	Inputs() []string
	// Run returns the model's first output for the batch:
	// [Size, SeqLen, hidden] or [Size, labels].
	Run(ctx context.Context, b *Batch) (Tensor, error)
	// Close releases the session.
	Close() error
}

// Options configure a backend session.
type Options struct {
	// Threads is the number of intra-op threads (0 = 1).
	Threads int
	// Spinning lets ORT worker threads busy-wait between ops (faster for
	// latency, burns CPU). Off by default.
	Spinning bool
	// Library is the path of libonnxruntime.so (ORT backend only); empty
	// means JRETRIEVE_ORT_LIB or the jretrieve cache (see package onnx/ort).
	Library string
	// SequenceBuckets are the padded lengths used by backends that compile one
	// program per input shape (the Go backend). Nil means the backend default.
	SequenceBuckets []int
}

// Loader opens the ONNX file at path.
type Loader func(path string, opts Options) (Encoder, error)

var (
	regMu    sync.Mutex
	registry = map[string]Loader{}
)

// Register makes a backend available under name. It is called from the
// init function of the backend packages ("ort", "go").
func Register(name string, l Loader) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[name]; dup {
		panic("onnx: duplicate backend " + name)
	}
	registry[name] = l
}

// Backends returns the registered backend names, sorted.
func Backends() []string {
	regMu.Lock()
	defer regMu.Unlock()
	var names []string
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ErrUnknownBackend is returned by Open for a backend that is not linked in.
var ErrUnknownBackend = errors.New("onnx: unknown backend")

// Open loads path with the named backend.
func Open(backend, path string, opts Options) (Encoder, error) {
	regMu.Lock()
	l, ok := registry[backend]
	regMu.Unlock()
	if !ok {
		if backend == "go" || backend == "ort" {
			return nil, fmt.Errorf("%w %q: not linked into this program (linked: %v; import github.com/jretrieve/jretrieve/onnx/gobackend for \"go\", onnx/ort for \"ort\")", ErrUnknownBackend, backend, Backends())
		}
		return nil, fmt.Errorf("%w %q (want one of %v)", ErrUnknownBackend, backend, Backends())
	}
	return l(path, opts)
}
