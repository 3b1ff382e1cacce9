package main

import (
	"flag"
	"fmt"

	"github.com/jretrieve/jretrieve/onnx/convert"
)

// formFlags are --graph and --quantize: the form of the graphs jretrieve
// converts from checkpoints (onnx/convert.Options).
type formFlags struct{ graph, quantize *string }

func addFormFlags(fs *flag.FlagSet) formFlags {
	return formFlags{
		graph:    fs.String("graph", convert.GraphPlain, "converted graph `form`: plain (standard operators, any backend) or fused (ONNX Runtime contrib operators: Attention, SkipLayerNormalization, BiasGelu; ort backend only)"),
		quantize: fs.String("quantize", convert.QuantNone, "converted weights: none (float32), int8 (dynamic int8 quantization of the linear layers, per output channel) int4 or int8-block (4- or 8-bit weights in blocks of 32 inputs, MatMulNBits; transformer layers only); quantized graphs run on the ort backend only"),
	}
}

// options validates the flags and returns the conversion options they
// ask for, with CopyWeights as given.
func (f formFlags) options(copyWeights bool) (convert.Options, error) {
	o := convert.Options{CopyWeights: copyWeights, Graph: *f.graph, Quantize: *f.quantize}
	switch o.Graph {
	case convert.GraphPlain, convert.GraphFused:
	default:
		return o, fmt.Errorf("%w: unknown --graph %q (want plain or fused)", errUsage, o.Graph)
	}
	switch o.Quantize {
	case convert.QuantNone, convert.QuantInt8, convert.QuantInt4, convert.QuantInt8Block:
	default:
		return o, fmt.Errorf("%w: unknown --quantize %q (want none, int8, int4 or int8-block)", errUsage, o.Quantize)
	}
	return o, nil
}

// checkBackendFor rejects the pure-Go backend for graphs with ONNX
// Runtime contrib operators.
func checkBackendFor(o convert.Options, be string) error {
	if o.RequiresORT() && be == "go" {
		return fmt.Errorf("%w: --graph %s --quantize %s writes ONNX Runtime contrib operators, which the pure-Go backend does not run: install ONNX Runtime (./scripts/install-onnxruntime.sh) and use --backend ort or auto", errUsage, o.Graph, o.Quantize)
	}
	return nil
}

// formSuffix marks the runs of converted models in a non-default form, so
// that a quantized or fused model never reads as the plain fp32 one in a
// report: "" for plain fp32, else for example " [fused,int8]".
func formSuffix(o convert.Options) string {
	switch {
	case !o.RequiresORT():
		return ""
	case o.Quantize == convert.QuantNone:
		return " [" + o.Graph + "]"
	default:
		return " [" + o.Graph + "," + o.Quantize + "]"
	}
}
