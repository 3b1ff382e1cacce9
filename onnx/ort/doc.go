// Package ort runs ONNX encoders with ONNX Runtime through
// github.com/yalue/onnxruntime_go. The native library is loaded at run time
// (dlopen), so building never needs it.
//
// The library is found, in order, from Options.Library, the environment
// variable JRETRIEVE_ORT_LIB, and the jretrieve cache
// ${JRETRIEVE_CACHE:-${XDG_CACHE_HOME:-~/.cache}/jretrieve}/onnxruntime/1.26.0/libonnxruntime.so,
// where scripts/install-onnxruntime.sh installs it (from the npm package
// onnxruntime-node@1.26.0, checked by sha256). The ORT environment is
// process-wide: the first successful Open fixes the library for the process.
//
// Each Open creates an independent session; several models can be loaded at
// once and each session is safe for concurrent Run calls (ONNX Runtime
// sessions are thread-safe). Options.Threads sets the intra-op threads
// (default 1; use 2 with spinning off for batch work on two cores).
//
// Importing the package registers the backend as "ort" with package onnx.
package ort
