package convert

import (
	"bufio"
	"fmt"
	"os"
	"strconv"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
)

// externalData places initializer bytes outside the graph: fp32 checkpoint
// tensors as references into their safetensors file (when allowed), all
// other bytes appended to one data file beside the graph.
type externalData struct {
	// reference lets fp32 safetensors tensors point into their file.
	reference bool
	// used records the referenced files.
	used map[string]bool
	// dataName is the data file's name relative to the graph.
	dataName string
	tmp      *os.File
	w        *bufio.Writer
	off      int64
	// refs maps a weight file (absolute) linked into the output directory
	// to its name there; only those files are referenced.
	refs map[string]string
}

func newExternalData(outDir, dataName string, reference bool) (*externalData, error) {
	tmp, err := os.CreateTemp(outDir, ".convert-*.data")
	if err != nil {
		return nil, err
	}
	return &externalData{reference: reference, dataName: dataName, tmp: tmp, w: bufio.NewWriterSize(tmp, 1<<20), refs: map[string]string{}, used: map[string]bool{}}, nil
}

func setExternal(t *pb.TensorProto, location string, off, n int64) {
	t.DataLocation = pb.TensorProto_EXTERNAL
	t.ExternalData = []*pb.StringStringEntryProto{
		{Key: "location", Value: location},
		{Key: "offset", Value: strconv.FormatInt(off, 10)},
		{Key: "length", Value: strconv.FormatInt(n, 10)},
	}
}

// put appends raw to the data file and points t at it.
func (e *externalData) put(t *pb.TensorProto, raw []byte) error {
	if err := e.align(); err != nil {
		return err
	}
	if _, err := e.w.Write(raw); err != nil {
		return fmt.Errorf("write %s: %w", e.tmp.Name(), err)
	}
	setExternal(t, e.dataName, e.off, int64(len(raw)))
	e.off += int64(len(raw))
	return nil
}

// putTensor places checkpoint tensor src as float32 initializer t.
func (e *externalData) putTensor(t *pb.TensorProto, src *Tensor) error {
	if name, ok := e.refs[src.File]; ok && e.reference && src.DType == F32 && src.mem == nil {
		e.used[src.File] = true
		setExternal(t, name, src.Offset, src.Length)
		return nil
	}
	if err := e.align(); err != nil {
		return err
	}
	start := e.off
	if err := src.writeFloat32(e.w); err != nil {
		return fmt.Errorf("write %s: %w", e.tmp.Name(), err)
	}
	n := int64(4 * src.Elements())
	setExternal(t, e.dataName, start, n)
	e.off += n
	return nil
}

// align pads the data file to a 64-byte boundary (mmap-friendly, like
// onnx's own writer).
func (e *externalData) align() error {
	if pad := (64 - e.off%64) % 64; pad > 0 {
		if _, err := e.w.Write(make([]byte, pad)); err != nil {
			return err
		}
		e.off += pad
	}
	return nil
}

// finish flushes the data file and renames it to path, or removes it when
// nothing was written (then it returns false).
func (e *externalData) finish(path string) (bool, error) {
	if err := e.w.Flush(); err != nil {
		e.abort()
		return false, err
	}
	if err := e.tmp.Sync(); err != nil {
		e.abort()
		return false, err
	}
	if err := e.tmp.Close(); err != nil {
		os.Remove(e.tmp.Name())
		return false, err
	}
	if e.off == 0 {
		return false, os.Remove(e.tmp.Name())
	}
	if err := os.Rename(e.tmp.Name(), path); err != nil {
		os.Remove(e.tmp.Name())
		return false, err
	}
	return true, nil
}

func (e *externalData) abort() {
	e.tmp.Close()
	os.Remove(e.tmp.Name())
}
