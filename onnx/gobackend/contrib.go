package gobackend

import (
	"fmt"
	"os"

	"google.golang.org/protobuf/encoding/protowire"
)

// contribDomain returns the first operator set domain the ONNX model at
// path imports besides the standard ones ("" and "ai.onnx"), for example
// com.microsoft for the fused and int8 graphs of onnx/convert, which only
// ONNX Runtime implements. Only the top-level opset_import fields
// (ModelProto field 8) are decoded.
func contribDomain(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for len(raw) > 0 {
		num, typ, n := protowire.ConsumeTag(raw)
		if n < 0 {
			return "", fmt.Errorf("%s: not an ONNX model: %w", path, protowire.ParseError(n))
		}
		raw = raw[n:]
		if num == 8 && typ == protowire.BytesType {
			msg, m := protowire.ConsumeBytes(raw)
			if m < 0 {
				return "", fmt.Errorf("%s: not an ONNX model: %w", path, protowire.ParseError(m))
			}
			if d := opsetDomain(msg); d != "" && d != "ai.onnx" {
				return d, nil
			}
			raw = raw[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, raw)
		if m < 0 {
			return "", fmt.Errorf("%s: not an ONNX model: %w", path, protowire.ParseError(m))
		}
		raw = raw[m:]
	}
	return "", nil
}

// opsetDomain reads OperatorSetIdProto.domain (field 1).
func opsetDomain(msg []byte) string {
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return ""
		}
		msg = msg[n:]
		if num == 1 && typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(msg)
			if m < 0 {
				return ""
			}
			return string(v)
		}
		m := protowire.ConsumeFieldValue(num, typ, msg)
		if m < 0 {
			return ""
		}
		msg = msg[m:]
	}
	return ""
}
