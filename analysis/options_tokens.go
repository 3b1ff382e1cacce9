package analysis

import "strings"

// AnalyzeOptions is Analyze with every option applied, as Tokens applies
// them: tokens dropped by Options.DropPOS or Options.StopWords are left out,
// and Surface is the token Tokens returns (the base form with
// Options.BaseForm, lower-cased with Options.Lower). Start and End still
// locate the token's original surface in the analysed text. Invalid UTF-8
// gives ErrInvalidUTF8.
func (a *Analyzer) AnalyzeOptions(text string) ([]Token, error) {
	toks, err := a.Analyze(text)
	if err != nil {
		return nil, err
	}
	out := toks[:0]
	for _, t := range toks {
		if len(a.drop) > 0 && a.dropped(t.POS) {
			continue
		}
		if a.opt.BaseForm && t.Known {
			nd := node{class: classKnown, id: t.id}
			if b, ok := a.d.feature(&nd, a.baseIdx); ok && b != "" && b != "*" {
				t.Surface = b
			}
		}
		if a.opt.Lower {
			t.Surface = strings.ToLower(t.Surface)
		}
		if _, stop := a.stop[t.Surface]; stop {
			continue
		}
		out = append(out, t)
	}
	return out, nil
}
