package analysis

import "strings"

// AnalyzeOptions is Analyze with every option applied, as Tokens applies
// them: tokens dropped by Options.DropPOS or Options.StopWords are left out,
// and Surface is the token Tokens returns (the base form with
// Options.BaseForm, lower-cased with Options.Lower). Start and End still
// locate the token's original surface in the analysed text. Invalid UTF-8
// gives ErrInvalidUTF8.
func (a *Analyzer) AnalyzeOptions(text string) ([]Token, error) {
	out := []Token{}
	if err := a.AnalyzeOptionsFunc(text, func(t Token) bool { out = append(out, t); return true }); err != nil {
		return nil, err
	}
	return out, nil
}

// AnalyzeOptionsFunc calls yield with each token of AnalyzeOptions(text)
// in order, as soon as it is settled (see AnalyzeFunc), and stops when
// yield returns false.
func (a *Analyzer) AnalyzeOptionsFunc(text string, yield func(Token) bool) error {
	return a.AnalyzeFunc(text, func(t Token) bool {
		t, ok := a.applyOptions(t)
		return !ok || yield(t)
	})
}

// applyOptions applies the options of Tokens to t; false when t is
// dropped.
func (a *Analyzer) applyOptions(t Token) (Token, bool) {
	if len(a.drop) > 0 && a.dropped(t.POS) {
		return t, false
	}
	if a.opt.BaseForm && t.Known {
		nd := node{class: classKnown, id: t.id}
		if b := a.d.baseForm(&nd); b != "" && b != "*" {
			t.Surface = b
		}
	}
	if a.opt.Lower {
		t.Surface = strings.ToLower(t.Surface)
	}
	if _, stop := a.stop[t.Surface]; stop {
		return t, false
	}
	return t, true
}
