package spm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Piece types of the SentencePiece ModelProto.
const (
	TypeNormal      = 1
	TypeUnknown     = 2
	TypeControl     = 3
	TypeUserDefined = 4
	TypeUnused      = 5
	TypeByte        = 6
)

// Model types of the SentencePiece TrainerSpec.
const (
	ModelUnigram = 1
	ModelBPE     = 2
	ModelWord    = 3
	ModelChar    = 4
)

// Piece is one vocabulary entry of a SentencePiece model.
type Piece struct {
	Piece string
	Score float32
	Type  int
}

// ModelProto holds the fields of sentencepiece_model.proto this package uses.
type ModelProto struct {
	Pieces []Piece
	// TrainerSpec
	ModelType               int
	ByteFallback            bool
	TreatWhitespaceAsSuffix bool
	// NormalizerSpec
	NormalizerName         string
	PrecompiledCharsmap    []byte
	AddDummyPrefix         bool
	RemoveExtraWhitespaces bool
	EscapeWhitespaces      bool
}

type wire struct {
	b   []byte
	pos int
}

var errTrunc = errors.New("truncated protobuf")

func (w *wire) varint() (uint64, error) {
	v, n := binary.Uvarint(w.b[w.pos:])
	if n <= 0 {
		return 0, errTrunc
	}
	w.pos += n
	return v, nil
}

// next returns field number, wire type, and for length-delimited fields the
// payload; for varint the value; for fixed32 the bits.
func (w *wire) next() (field int, typ int, val uint64, data []byte, err error) {
	key, err := w.varint()
	if err != nil {
		return
	}
	field, typ = int(key>>3), int(key&7)
	switch typ {
	case 0:
		val, err = w.varint()
	case 1:
		if w.pos+8 > len(w.b) {
			return 0, 0, 0, nil, errTrunc
		}
		val = binary.LittleEndian.Uint64(w.b[w.pos:])
		w.pos += 8
	case 2:
		var n uint64
		n, err = w.varint()
		if err != nil {
			return
		}
		if n > uint64(len(w.b)-w.pos) {
			return 0, 0, 0, nil, errTrunc
		}
		data = w.b[w.pos : w.pos+int(n)]
		w.pos += int(n)
	case 5:
		if w.pos+4 > len(w.b) {
			return 0, 0, 0, nil, errTrunc
		}
		val = uint64(binary.LittleEndian.Uint32(w.b[w.pos:]))
		w.pos += 4
	default:
		err = fmt.Errorf("unsupported protobuf wire type %d (field %d)", typ, field)
	}
	return
}

// ParseModelProto decodes a serialized SentencePiece ModelProto.
func ParseModelProto(b []byte) (*ModelProto, error) {
	m := &ModelProto{ModelType: ModelUnigram, AddDummyPrefix: true, RemoveExtraWhitespaces: true, EscapeWhitespaces: true}
	w := &wire{b: b}
	for w.pos < len(w.b) {
		f, t, v, data, err := w.next()
		if err != nil {
			return nil, err
		}
		switch {
		case f == 1 && t == 2:
			p, err := parsePiece(data)
			if err != nil {
				return nil, fmt.Errorf("piece %d: %w", len(m.Pieces), err)
			}
			m.Pieces = append(m.Pieces, p)
		case f == 2 && t == 2:
			if err := m.parseTrainer(data); err != nil {
				return nil, fmt.Errorf("trainer_spec: %w", err)
			}
		case f == 3 && t == 2:
			if err := m.parseNormalizer(data); err != nil {
				return nil, fmt.Errorf("normalizer_spec: %w", err)
			}
		}
		_ = v
	}
	if len(m.Pieces) == 0 {
		return nil, errors.New("model has no pieces (not a SentencePiece model?)")
	}
	return m, nil
}

func parsePiece(b []byte) (Piece, error) {
	p := Piece{Type: TypeNormal}
	w := &wire{b: b}
	for w.pos < len(w.b) {
		f, t, v, data, err := w.next()
		if err != nil {
			return p, err
		}
		switch {
		case f == 1 && t == 2:
			p.Piece = string(data)
		case f == 2 && t == 5:
			p.Score = math.Float32frombits(uint32(v))
		case f == 3 && t == 0:
			p.Type = int(v)
		}
	}
	return p, nil
}

func (m *ModelProto) parseTrainer(b []byte) error {
	w := &wire{b: b}
	for w.pos < len(w.b) {
		f, t, v, _, err := w.next()
		if err != nil {
			return err
		}
		if t != 0 {
			continue
		}
		switch f {
		case 3:
			m.ModelType = int(v)
		case 35:
			m.ByteFallback = v != 0
		case 24:
			m.TreatWhitespaceAsSuffix = v != 0
		}
	}
	return nil
}

func (m *ModelProto) parseNormalizer(b []byte) error {
	w := &wire{b: b}
	for w.pos < len(w.b) {
		f, t, v, data, err := w.next()
		if err != nil {
			return err
		}
		switch {
		case f == 1 && t == 2:
			m.NormalizerName = string(data)
		case f == 2 && t == 2:
			m.PrecompiledCharsmap = data
		case f == 3 && t == 0:
			m.AddDummyPrefix = v != 0
		case f == 4 && t == 0:
			m.RemoveExtraWhitespaces = v != 0
		case f == 5 && t == 0:
			m.EscapeWhitespaces = v != 0
		}
	}
	return nil
}
