package pipeline

import (
	"fmt"
	"strconv"
	"strings"
)

// Spec is a parsed model expression of `jretrieve eval --model`.
//
// Grammar:
//
//	expr   = chain
//	chain  = term { ">" term "@" depth }        retrieve with the left side, rerank its top depth
//	term   = fusion | name
//	fusion = ("rrf" | "combsum" | "combmnz") "(" expr { "," expr } ")"
//	name   = catalog id or short name, local directory, "bm25" or "bm25-index"
//
// Examples: "bm25", "cl-nagoya/ruri-v3-30m", "rrf(bm25,ruri-v3-30m)",
// "ruri-v3-30m>ruri-reranker-small@100".
type Spec struct {
	// Exactly one of Name, Fusion or Rerank is set.
	Name   string
	Fusion *FusionSpec
	Rerank *RerankSpec
}

// FusionSpec fuses the runs of several expressions.
type FusionSpec struct {
	Method string // rrf, combsum, combmnz
	Inputs []*Spec
}

// RerankSpec reranks the top Depth documents of First with Second.
type RerankSpec struct {
	First  *Spec
	Second *Spec
	Depth  int
}

// String returns the canonical form of the expression, which also names its run.
func (s *Spec) String() string {
	switch {
	case s.Fusion != nil:
		parts := make([]string, len(s.Fusion.Inputs))
		for i, in := range s.Fusion.Inputs {
			parts[i] = in.String()
		}
		return s.Fusion.Method + "(" + strings.Join(parts, ",") + ")"
	case s.Rerank != nil:
		return s.Rerank.First.String() + ">" + s.Rerank.Second.String() + "@" + strconv.Itoa(s.Rerank.Depth)
	default:
		return s.Name
	}
}

// Names returns the leaf model names of the expression, in order of first appearance.
func (s *Spec) Names() []string {
	var out []string
	seen := map[string]bool{}
	var walk func(*Spec)
	walk = func(s *Spec) {
		switch {
		case s.Fusion != nil:
			for _, in := range s.Fusion.Inputs {
				walk(in)
			}
		case s.Rerank != nil:
			walk(s.Rerank.First)
			walk(s.Rerank.Second)
		default:
			if !seen[s.Name] {
				seen[s.Name] = true
				out = append(out, s.Name)
			}
		}
	}
	walk(s)
	return out
}

var fusionMethods = map[string]bool{"rrf": true, "combsum": true, "combmnz": true}

// ParseSpec parses a model expression. Errors name the offending position.
func ParseSpec(expr string) (*Spec, error) {
	p := &specParser{src: expr}
	s, err := p.chain()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.src) {
		return nil, p.errorf("unexpected %q", p.src[p.pos:])
	}
	return s, nil
}

type specParser struct {
	src string
	pos int
}

func (p *specParser) errorf(format string, args ...any) error {
	return fmt.Errorf("model expression %q at offset %d: %s", p.src, p.pos, fmt.Sprintf(format, args...))
}

func (p *specParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

func (p *specParser) peek() byte {
	p.skipSpace()
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *specParser) chain() (*Spec, error) {
	left, err := p.term()
	if err != nil {
		return nil, err
	}
	for p.peek() == '>' {
		p.pos++
		right, err := p.term()
		if err != nil {
			return nil, err
		}
		if p.peek() != '@' {
			return nil, p.errorf("expected @depth after reranker %q (e.g. %s@100)", right.String(), right.String())
		}
		p.pos++
		p.skipSpace()
		start := p.pos
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
		}
		depth, err := strconv.Atoi(p.src[start:p.pos])
		if err != nil || depth <= 0 {
			p.pos = start
			return nil, p.errorf("depth after @ must be a positive integer")
		}
		left = &Spec{Rerank: &RerankSpec{First: left, Second: right, Depth: depth}}
	}
	return left, nil
}

// nameEnd reports whether c ends a model name.
func nameEnd(c byte) bool {
	switch c {
	case '(', ')', ',', '>', '@', ' ', '\t':
		return true
	}
	return false
}

func (p *specParser) term() (*Spec, error) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && !nameEnd(p.src[p.pos]) {
		p.pos++
	}
	name := p.src[start:p.pos]
	if name == "" {
		return nil, p.errorf("expected a model name")
	}
	if p.peek() != '(' {
		return &Spec{Name: name}, nil
	}
	method := strings.ToLower(name)
	if !fusionMethods[method] {
		p.pos = start
		return nil, p.errorf("unknown fusion %q (want rrf, combsum or combmnz)", name)
	}
	p.pos++ // (
	f := &FusionSpec{Method: method}
	for {
		in, err := p.chain()
		if err != nil {
			return nil, err
		}
		f.Inputs = append(f.Inputs, in)
		switch p.peek() {
		case ',':
			p.pos++
			continue
		case ')':
			p.pos++
		default:
			return nil, p.errorf("expected , or ) in %s(...)", method)
		}
		break
	}
	if len(f.Inputs) < 2 {
		return nil, p.errorf("%s needs at least two inputs", method)
	}
	return &Spec{Fusion: f}, nil
}
