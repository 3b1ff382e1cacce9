// Package gobackend runs ONNX encoders with hugot v0.7.5's pure-Go backend
// (GoMLX "simplego" through onnx-gomlx): no native library, no cgo
// dependency, about 17x slower than ONNX Runtime end to end (jretrieve eval
// with a cross-encoder over 3,000 questions: 189 s against 11 s, issue 15).
// It is the fallback for machines
// without libonnxruntime and the engine of the default tests on tiny models.
// It is its own package so that only programs importing it pay the build
// cost of GoMLX. Importing it registers the backend as "go" with package
// onnx:
//
//	import _ "github.com/jretrieve/jretrieve/onnx/gobackend"
//	emb, err := embed.Open(ctx, dir, embed.WithBackend("go"))
//
// hugot is used through its backends layer only (backends.CreateModelBackend
// with Backend "GO", a hand-filled backends.PipelineBatch,
// backends.RunSessionOnBatch): jretrieve does its own tokenization. hugot's
// ORT build tag is never used (it needs a Rust static library).
//
// Shapes: the Go backend compiles one program per input shape, so every
// batch is padded to a fixed sequence bucket (Options.SequenceBuckets,
// default 16, 32, 64, 128, 256, 512, then multiples of 512) and a fixed batch
// bucket (1, 2, 4, 8, 16, 32, then multiples of 32). Padded rows repeat the
// first row (an all-padding row can produce NaNs) and are dropped from the
// output. Padding never changes the real rows' results: padded positions have
// attention mask 0.
//
// Working directory: hugot's model loading changes the process's working
// directory with os.Chdir on its ORT path (backends/model_ort.go, to resolve
// external-data files) and restores it afterwards; the Go path of v0.7.5 does
// not, but the guarantee is not part of hugot's API. Because the working
// directory is process-wide, Open serializes all loads behind one mutex,
// records the directory before the load and restores it afterwards if it
// changed. Do not load models concurrently with code that relies on relative
// paths while a load is in flight from another package.
//
// Cancellation: GoMLX cannot stop a program midway. When the context is
// cancelled Run returns the context's error at once, and the batch still
// executing keeps the session (and its input tensors) until it ends; Close
// waits for it, and so does the next Run unless its own context is
// cancelled first.
//
// Concurrency: a Session is safe for concurrent use; runs on one Session are
// serialized (GoMLX executables are not documented as re-entrant). Load
// several Sessions to run in parallel.
package gobackend
