package spm

import (
	"container/heap"
	"fmt"
	"math"
	"os"
	"unicode/utf8"
)

// Token is one encoded piece with its byte span in the original text.
type Token struct {
	Piece      string
	ID         int
	Begin, End int
}

// Processor encodes text exactly as sentencepiece.SentencePieceProcessor
// (version 0.1.9x/0.2.x, no sampling) does, for unigram and BPE models.
type Processor struct {
	Proto       *ModelProto
	Normalizer  *Normalizer
	pieces      map[string]int // NORMAL, USER_DEFINED, UNUSED
	reserved    map[string]int // CONTROL, UNKNOWN, BYTE
	unkID       int
	byteIDs     [256]int
	minScore    float32
	maxScore    float32
	maxPieceLen int // in bytes
}

// Load reads a .model file.
func Load(path string) (*Processor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := New(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// New builds a processor from a serialized ModelProto.
func New(b []byte) (*Processor, error) {
	m, err := ParseModelProto(b)
	if err != nil {
		return nil, err
	}
	return NewFromProto(m)
}

// NewFromProto builds a processor from a parsed model.
func NewFromProto(m *ModelProto) (*Processor, error) {
	switch m.ModelType {
	case ModelUnigram, ModelBPE:
	default:
		return nil, fmt.Errorf("trainer_spec.model_type %d unsupported (only UNIGRAM=1 and BPE=2)", m.ModelType)
	}
	cm, err := ParseCharsmap(m.PrecompiledCharsmap)
	if err != nil {
		return nil, err
	}
	p := &Processor{
		Proto:    m,
		pieces:   make(map[string]int, len(m.Pieces)),
		reserved: map[string]int{},
		unkID:    -1,
		minScore: math.MaxFloat32,
	}
	p.maxScore = 1.17549435e-38 // FLT_MIN, as in unigram_model.cc
	var user []string
	for i := range p.byteIDs {
		p.byteIDs[i] = -1
	}
	for i, sp := range m.Pieces {
		if sp.Piece == "" {
			return nil, fmt.Errorf("piece %d is empty", i)
		}
		switch sp.Type {
		case TypeNormal, TypeUserDefined, TypeUnused:
			if _, dup := p.pieces[sp.Piece]; dup {
				return nil, fmt.Errorf("piece %d %q is duplicated", i, sp.Piece)
			}
			p.pieces[sp.Piece] = i
			if len(sp.Piece) > p.maxPieceLen {
				p.maxPieceLen = len(sp.Piece)
			}
		case TypeControl, TypeUnknown, TypeByte:
			p.reserved[sp.Piece] = i
		default:
			return nil, fmt.Errorf("piece %d %q has unknown type %d", i, sp.Piece, sp.Type)
		}
		switch sp.Type {
		case TypeUserDefined:
			user = append(user, sp.Piece)
		case TypeUnknown:
			if p.unkID >= 0 {
				return nil, fmt.Errorf("piece %d: more than one UNKNOWN piece", i)
			}
			p.unkID = i
		case TypeByte:
			var v int
			if _, err := fmt.Sscanf(sp.Piece, "<0x%02X>", &v); err != nil || v < 0 || v > 255 {
				return nil, fmt.Errorf("piece %d: byte piece %q malformed", i, sp.Piece)
			}
			p.byteIDs[v] = i
		case TypeNormal:
			p.minScore = min(p.minScore, sp.Score)
			p.maxScore = max(p.maxScore, sp.Score)
		}
	}
	if p.unkID < 0 {
		return nil, fmt.Errorf("model has no UNKNOWN piece")
	}
	if m.ByteFallback {
		for b, id := range p.byteIDs {
			if id < 0 {
				return nil, fmt.Errorf("byte_fallback is set but byte piece <0x%02X> is missing", b)
			}
		}
	}
	p.Normalizer = &Normalizer{
		Charsmap:               cm,
		AddDummyPrefix:         m.AddDummyPrefix,
		RemoveExtraWhitespaces: m.RemoveExtraWhitespaces,
		EscapeWhitespaces:      m.EscapeWhitespaces,
		TreatWhitespaceSuffix:  m.TreatWhitespaceAsSuffix,
		userDefined:            newPrefixTrie(user),
	}
	return p, nil
}

// VocabSize is the number of pieces.
func (p *Processor) VocabSize() int { return len(p.Proto.Pieces) }

// UnkID is the id of the UNKNOWN piece.
func (p *Processor) UnkID() int { return p.unkID }

// PieceToID returns the id of piece, or the unknown id, as SentencePiece does.
func (p *Processor) PieceToID(piece string) int {
	if id, ok := p.reserved[piece]; ok {
		return id
	}
	if id, ok := p.pieces[piece]; ok {
		return id
	}
	return p.unkID
}

// IDToPiece returns the piece string of id ("" if out of range).
func (p *Processor) IDToPiece(id int) string {
	if id < 0 || id >= len(p.Proto.Pieces) {
		return ""
	}
	return p.Proto.Pieces[id].Piece
}

// Encode normalizes and segments text.
func (p *Processor) Encode(text string) []Token {
	norm, orig := p.Normalizer.Normalize(text)
	if norm == "" {
		return nil
	}
	var segs []seg
	if p.Proto.ModelType == ModelBPE {
		segs = p.encodeBPE(norm)
	} else {
		segs = p.encodeUnigram(norm)
	}
	// Consecutive unknown pieces are merged, as the reference does.
	if len(segs) > 1 {
		m := segs[:1]
		for _, s := range segs[1:] {
			if last := &m[len(m)-1]; s.id == p.unkID && last.id == p.unkID && last.end == s.begin {
				last.end = s.end
				continue
			}
			m = append(m, s)
		}
		segs = m
	}
	out := make([]Token, 0, len(segs))
	consumed := 0
	for _, s := range segs {
		w := norm[s.begin:s.end]
		begin, end := orig[consumed], orig[consumed+len(w)]
		consumed += len(w)
		if s.id == p.unkID && p.Proto.ByteFallback {
			for i := 0; i < len(w); i++ {
				t := Token{Piece: fmt.Sprintf("<0x%02X>", w[i]), ID: p.byteIDs[w[i]], Begin: begin, End: begin}
				if i == len(w)-1 {
					t.End = end
				}
				out = append(out, t)
			}
			continue
		}
		out = append(out, Token{Piece: w, ID: s.id, Begin: begin, End: end})
	}
	return out
}

type seg struct{ begin, end, id int }

func oneCharLen(b byte) int {
	switch {
	case b < 0x80:
		return 1
	case b>>5 == 6:
		return 2
	case b>>4 == 14:
		return 3
	case b>>3 == 30:
		return 4
	}
	return 1
}

func (p *Processor) encodeUnigram(s string) []seg {
	type node struct {
		id       int
		score    float32
		startsAt int
	}
	size := len(s)
	unkScore := p.minScore - 10
	best := make([]node, size+1)
	for i := range best {
		best[i].startsAt = -1
		best[i].id = -1
	}
	for start := 0; start < size; {
		till := best[start].score
		mblen := min(oneCharLen(s[start]), size-start)
		single := false
		maxEnd := min(size, start+p.maxPieceLen)
		for end := start + 1; end <= maxEnd; end++ {
			if end < size && !utf8.RuneStart(s[end]) {
				continue
			}
			id, ok := p.pieces[s[start:end]]
			if !ok {
				continue
			}
			pt := p.Proto.Pieces[id].Type
			if pt == TypeUnused {
				continue
			}
			length := end - start
			// unigram_model.cc: const float score = length * max_score_ - 0.1
			// (a double rounded to float); the path score is a float sum.
			// Summing in float64 instead breaks ties between equal paths
			// ("w"+"ww" vs "ww"+"w") the other way: the stored best is
			// rounded, the new candidate not.
			var score float32
			if pt == TypeUserDefined {
				score = float32(float64(float32(length)*p.maxScore) - 0.1)
			} else {
				score = p.Proto.Pieces[id].Score
			}
			cand := score + till
			t := &best[end]
			if t.startsAt == -1 || cand > t.score {
				t.score = cand
				t.startsAt = start
				t.id = id
			}
			if length == mblen {
				single = true
			}
		}
		if !single {
			t := &best[start+mblen]
			cand := unkScore + till
			if t.startsAt == -1 || cand > t.score {
				t.score = cand
				t.startsAt = start
				t.id = p.unkID
			}
		}
		start += mblen
	}
	var res []seg
	for end := size; end > 0; {
		n := best[end]
		res = append(res, seg{n.startsAt, end, n.id})
		end = n.startsAt
	}
	for i, j := 0, len(res)-1; i < j; i, j = i+1, j-1 {
		res[i], res[j] = res[j], res[i]
	}
	return res
}

type bpeSym struct {
	prev, next int
	freeze     bool
	begin, end int
}

type bpePair struct {
	left, right int
	score       float32
	size        int
}

type bpeAgenda []*bpePair

func (a bpeAgenda) Len() int { return len(a) }
func (a bpeAgenda) Less(i, j int) bool {
	if a[i].score != a[j].score {
		return a[i].score > a[j].score
	}
	return a[i].left < a[j].left
}
func (a bpeAgenda) Swap(i, j int) { a[i], a[j] = a[j], a[i] }
func (a *bpeAgenda) Push(x any)   { *a = append(*a, x.(*bpePair)) }
func (a *bpeAgenda) Pop() any {
	old := *a
	x := old[len(old)-1]
	*a = old[:len(old)-1]
	return x
}

func (p *Processor) encodeBPE(s string) []seg {
	var syms []bpeSym
	for pos := 0; pos < len(s); {
		var l int
		freeze := false
		if p.Normalizer.userDefined != nil {
			if ul := p.Normalizer.userDefined.longest(s[pos:]); ul > 0 {
				l, freeze = ul, true
			}
		}
		if l == 0 {
			l = min(oneCharLen(s[pos]), len(s)-pos)
		}
		idx := len(syms)
		sym := bpeSym{prev: idx - 1, next: idx + 1, freeze: freeze, begin: pos, end: pos + l}
		pos += l
		if pos >= len(s) {
			sym.next = -1
		}
		syms = append(syms, sym)
	}
	agenda := &bpeAgenda{}
	revMerge := map[string][2]string{}
	add := func(l, r int) {
		if l == -1 || r == -1 || syms[l].freeze || syms[r].freeze {
			return
		}
		piece := s[syms[l].begin:syms[r].end]
		id, ok := p.pieces[piece]
		if !ok {
			return
		}
		heap.Push(agenda, &bpePair{left: l, right: r, score: p.Proto.Pieces[id].Score, size: len(piece)})
		if p.Proto.Pieces[id].Type == TypeUnused {
			revMerge[piece] = [2]string{s[syms[l].begin:syms[l].end], s[syms[r].begin:syms[r].end]}
		}
	}
	for i := 1; i < len(syms); i++ {
		add(i-1, i)
	}
	for agenda.Len() > 0 {
		top := heap.Pop(agenda).(*bpePair)
		L, R := &syms[top.left], &syms[top.right]
		if L.begin == L.end || R.begin == R.end || (L.end-L.begin)+(R.end-R.begin) != top.size {
			continue
		}
		L.end = R.end
		L.next = R.next
		if R.next >= 0 {
			syms[R.next].prev = top.left
		}
		R.begin = R.end // empty
		add(L.prev, top.left)
		add(top.left, L.next)
	}
	var out []seg
	var reseg func(begin int, w string)
	reseg = func(begin int, w string) {
		id := p.PieceToID(w)
		if p.Proto.Pieces[id].Type == TypeUnused {
			if pr, ok := revMerge[w]; ok {
				reseg(begin, pr[0])
				reseg(begin+len(pr[0]), pr[1])
				return
			}
		}
		out = append(out, seg{begin, begin + len(w), id})
	}
	if len(syms) > 0 {
		for i := 0; i != -1; i = syms[i].next {
			reseg(syms[i].begin, s[syms[i].begin:syms[i].end])
		}
	}
	return out
}
