package rag

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/jretrieve/jretrieve/embed"
)

// ModelInfo identifies an embedder and every setting that changes its
// vectors. A Store records the ModelInfo of the embedder that produced its
// vectors; opening the store with an embedder whose ModelInfo differs (in
// anything but Name) is an ErrMismatch, because its query vectors would not
// be comparable with the stored document vectors.
type ModelInfo struct {
	// Name is informational (the model directory's base name).
	Name string `json:"name"`
	// Source is where the model can be opened again (a directory or a
	// catalog name); informational, not compared.
	Source string `json:"source,omitempty"`
	// Fingerprint identifies the ONNX weights: the hex sha256 of the file
	// size, its first 4 MiB and its last 4 MiB (fast for multi-GB files,
	// and any re-export changes it).
	Fingerprint    string `json:"fingerprint,omitempty"`
	Dim            int    `json:"dim"`
	QueryPrefix    string `json:"query_prefix"`
	DocumentPrefix string `json:"document_prefix"`
	MaxLength      int    `json:"max_length,omitempty"`
	Pooling        string `json:"pooling,omitempty"`
	// Tokenizer is the tokenizer family and VocabSize its vocabulary size.
	Tokenizer string `json:"tokenizer,omitempty"`
	VocabSize int    `json:"vocab_size,omitempty"`
}

// Describer is implemented by embedders that report their own identity.
type Describer interface {
	ModelInfo() (ModelInfo, error)
}

// Describe returns the identity of e: e.ModelInfo() for a Describer;
// for *embed.Model the weights' fingerprint, prefixes, maximum length,
// pooling and tokenizer; for any other embedder its Go type and dimension.
func Describe(e embed.Embedder) (ModelInfo, error) {
	switch m := e.(type) {
	case Describer:
		return m.ModelInfo()
	case *embed.Model:
		cfg := m.Config()
		fp, err := Fingerprint(cfg.ONNX)
		if err != nil {
			return ModelInfo{}, err
		}
		p := m.Prefixes()
		info := ModelInfo{
			Name: filepath.Base(cfg.Dir), Source: abs(cfg.Dir), Fingerprint: fp, Dim: m.Dim(),
			QueryPrefix: p.Query, DocumentPrefix: p.Document, MaxLength: m.MaxLength(),
			Pooling: cfg.Pooling,
		}
		if tk := m.Tokenizer(); tk != nil {
			info.Tokenizer, info.VocabSize = tk.Family(), tk.VocabSize()
		}
		return info, nil
	}
	return ModelInfo{Name: fmt.Sprintf("%T", e), Dim: e.Dim()}, nil
}

// Fingerprint returns the fingerprint of a model file (see ModelInfo).
func Fingerprint(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("rag: model fingerprint: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("rag: model fingerprint: %w", err)
	}
	const part = 4 << 20
	h := sha256.New()
	binary.Write(h, binary.LittleEndian, st.Size())
	if _, err := io.Copy(h, io.LimitReader(f, part)); err != nil {
		return "", fmt.Errorf("rag: model fingerprint %s: %w", path, err)
	}
	if st.Size() > 2*part {
		if _, err := io.Copy(h, io.NewSectionReader(f, st.Size()-part, part)); err != nil {
			return "", fmt.Errorf("rag: model fingerprint %s: %w", path, err)
		}
	} else if st.Size() > part {
		if _, err := io.Copy(h, io.NewSectionReader(f, part, st.Size()-part)); err != nil {
			return "", fmt.Errorf("rag: model fingerprint %s: %w", path, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// diff lists the settings in which got differs from the stored m.
func (m ModelInfo) diff(got ModelInfo) []string {
	var d []string
	add := func(field string, want, have any) {
		d = append(d, fmt.Sprintf("%s: stored %q, model %q", field, fmt.Sprint(want), fmt.Sprint(have)))
	}
	if m.Fingerprint != got.Fingerprint {
		add("weights fingerprint", m.Fingerprint, got.Fingerprint)
	}
	if m.Dim != got.Dim {
		add("dimension", m.Dim, got.Dim)
	}
	if m.QueryPrefix != got.QueryPrefix {
		add("query prefix", m.QueryPrefix, got.QueryPrefix)
	}
	if m.DocumentPrefix != got.DocumentPrefix {
		add("document prefix", m.DocumentPrefix, got.DocumentPrefix)
	}
	if m.MaxLength != got.MaxLength {
		add("max length", m.MaxLength, got.MaxLength)
	}
	if m.Pooling != got.Pooling {
		add("pooling", m.Pooling, got.Pooling)
	}
	if m.Tokenizer != got.Tokenizer {
		add("tokenizer", m.Tokenizer, got.Tokenizer)
	}
	if m.VocabSize != got.VocabSize {
		add("vocabulary size", m.VocabSize, got.VocabSize)
	}
	return d
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
