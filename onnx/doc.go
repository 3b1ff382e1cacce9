// Package onnx defines jretrieve's encoder interface: the one seam between
// the model layer (embed, rerank) and an inference engine.
//
// An Encoder takes a padded batch of token ids, attention mask and token type
// ids (all int64, row-major [batch, sequence]) and returns the model's first
// output as a float32 tensor: the last hidden state [batch, sequence, hidden]
// for bi-encoders and multi-vector models, or logits [batch, labels] for
// cross-encoders. Pooling, normalization and activations are not the
// encoder's business: they live in embed and rerank, configured from the model
// directory (see package onnx/modeldir).
//
// Two backends implement it:
//
//   - onnx/ort: ONNX Runtime through github.com/yalue/onnxruntime_go, loaded at
//     run time (building never needs the native library). The default.
//   - onnx/gobackend: hugot v0.7.5's pure-Go (GoMLX "simplego") backend,
//     about 17x slower end to end (see its package documentation), for
//     machines without the native library and for tests on tiny
//     models. It lives in its own package so that only programs importing it
//     pay its build cost.
//
// Backends register themselves by name (Register) when their package is
// imported; Open picks one by name. The package also provides the
// length-sorted batching used by embed and rerank (Plan, Pack) and the
// statistics they report (Stats).
package onnx
