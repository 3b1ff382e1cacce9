package eval

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Report formats.
const (
	ReportText     = "text"
	ReportMarkdown = "markdown"
	ReportCSV      = "csv"
	ReportJSON     = "json"
	ReportLaTeX    = "latex"
)

// ReportFormats lists the formats Write accepts.
func ReportFormats() []string {
	return []string{ReportText, ReportMarkdown, ReportCSV, ReportJSON, ReportLaTeX}
}

// Write writes the report in format (text, markdown, csv, json, latex).
// Output is deterministic: the same report gives the same bytes.
func (rep *Report) Write(w io.Writer, format string) error {
	bw := bufio.NewWriter(w)
	var err error
	switch strings.ToLower(format) {
	case ReportText, "", "table", "txt":
		err = rep.writeTable(bw, styleText)
	case ReportMarkdown, "md":
		err = rep.writeTable(bw, styleMarkdown)
	case ReportLaTeX, "tex":
		err = rep.writeTable(bw, styleLaTeX)
	case ReportCSV:
		err = rep.writeCSV(bw)
	case ReportJSON:
		err = rep.writeJSON(bw)
	default:
		return fmt.Errorf("unknown report format %q (want %s)", format, strings.Join(ReportFormats(), ", "))
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

type tableStyle int

const (
	styleText tableStyle = iota
	styleMarkdown
	styleLaTeX
)

// hasTieRange reports whether ties move metric m of rr by more than the
// threshold.
func (rep *Report) hasTieRange(rr *RunReport, m string) bool {
	lo, hi := rr.Result.TieRange(m)
	return hi > lo && hi-lo > rep.TieThreshold
}

func (rep *Report) winLetters(rr *RunReport, m string) string {
	// With more than 26 runs labels have several letters: separate them.
	sep := ""
	if len(rep.Runs) > 26 {
		sep = ","
	}
	var b strings.Builder
	for i, j := range rr.Wins[m] {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(rep.Runs[j].Letter)
	}
	return b.String()
}

func (rep *Report) cell(rr *RunReport, m string, st tableStyle) string {
	v := fmt.Sprintf("%.4f", rr.Result.Mean[m])
	if st == styleLaTeX {
		v = "$" + v
	}
	if l := rep.winLetters(rr, m); l != "" {
		switch st {
		case styleText:
			v += toSuperscript(l)
		case styleMarkdown:
			v += "<sup>" + l + "</sup>"
		case styleLaTeX:
			v += "^{" + l + "}"
		}
	}
	if st == styleLaTeX {
		v += "$"
	}
	if rep.hasTieRange(rr, m) {
		lo, hi := rr.Result.TieRange(m)
		v += fmt.Sprintf(" [%.4f, %.4f]", lo, hi)
	}
	if ci, ok := rr.CI[m]; ok && rep.ShowCI {
		v += fmt.Sprintf(" (%.4f–%.4f)", ci[0], ci[1])
		if st == styleLaTeX {
			v = strings.Replace(v, "–", "--", 1)
		}
	}
	return v
}

func (rep *Report) legend() []string {
	var out []string
	if rep.Test != TestNone && len(rep.Runs) > 1 {
		test := "paired two-sided Student t-test"
		if rep.Test == TestFisher {
			test = fmt.Sprintf("Fisher randomization test, %d permutations", rep.Permutations)
		}
		if rep.Bonferroni {
			test += ", Bonferroni-corrected"
		}
		out = append(out, fmt.Sprintf("Letters: significantly better than that run (%s, p < %g).", test, rep.MaxP))
	}
	for _, rr := range rep.Runs {
		for _, m := range rep.Metrics {
			if rep.hasTieRange(rr, m) {
				out = append(out, fmt.Sprintf("[lo, hi]: range over all orders of tied scores (shown where it exceeds %g); values use %s tie order.", rep.TieThreshold, rep.Ties))
				goto ci
			}
		}
	}
ci:
	if rep.ShowCI && rep.Bootstrap > 0 {
		out = append(out, fmt.Sprintf("(lo–hi): bootstrap 95%% confidence interval, %d samples.", rep.Bootstrap))
	}
	return out
}

func (rep *Report) writeTable(w *bufio.Writer, st tableStyle) error {
	header := append([]string{"#", "Run"}, rep.Metrics...)
	rows := [][]string{}
	for _, rr := range rep.Runs {
		row := []string{rr.Letter, rr.Name()}
		for _, m := range rep.Metrics {
			row = append(row, rep.cell(rr, m, st))
		}
		rows = append(rows, row)
	}
	switch st {
	case styleText:
		width := make([]int, len(header))
		for _, r := range append([][]string{header}, rows...) {
			for i, c := range r {
				width[i] = max(width[i], utf8.RuneCountInString(c))
			}
		}
		line := func(r []string) {
			var b strings.Builder
			for i, c := range r {
				if i > 0 {
					b.WriteString("  ")
				}
				b.WriteString(c)
				if i < len(r)-1 {
					b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)))
				}
			}
			w.WriteString(strings.TrimRight(b.String(), " ") + "\n")
		}
		line(header)
		sep := make([]string, len(header))
		for i := range sep {
			sep[i] = strings.Repeat("-", width[i])
		}
		line(sep)
		for _, r := range rows {
			line(r)
		}
		for _, l := range rep.legend() {
			w.WriteString(l + "\n")
		}
	case styleMarkdown:
		esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
		w.WriteString("| " + strings.Join(mapStrings(header, esc), " | ") + " |\n")
		w.WriteString("|" + strings.Repeat(" --- |", len(header)) + "\n")
		for _, r := range rows {
			w.WriteString("| " + strings.Join(mapStrings(r, esc), " | ") + " |\n")
		}
		if l := rep.legend(); len(l) > 0 {
			w.WriteString("\n" + strings.Join(l, "<br>\n") + "\n")
		}
	case styleLaTeX:
		w.WriteString("\\begin{tabular}{ll" + strings.Repeat("r", len(rep.Metrics)) + "}\n\\toprule\n")
		w.WriteString(strings.Join(mapStrings(header, latexEscape), " & ") + " \\\\\n\\midrule\n")
		for _, r := range rows {
			r[1] = latexEscape(r[1])
			w.WriteString(strings.Join(r, " & ") + " \\\\\n")
		}
		w.WriteString("\\bottomrule\n\\end{tabular}\n")
		for _, l := range rep.legend() {
			w.WriteString("% " + l + "\n")
		}
	}
	return nil
}

func mapStrings(s []string, f func(string) string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = f(x)
	}
	return out
}

func latexEscape(s string) string {
	r := strings.NewReplacer(`\`, `\textbackslash{}`, "&", `\&`, "%", `\%`, "$", `\$`, "#", `\#`, "_", `\_`, "{", `\{`, "}", `\}`, "~", `\textasciitilde{}`, "^", `\textasciicircum{}`)
	return r.Replace(s)
}

func fmtFloat(f float64) string {
	if math.IsNaN(f) {
		return ""
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func (rep *Report) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := []string{"run", "letter", "metric", "mean", "wins", "tie_low", "tie_high", "ci_low", "ci_high"}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, rr := range rep.Runs {
		for _, m := range rep.Metrics {
			lo, hi := rr.Result.TieRange(m)
			rec := []string{rr.Name(), rr.Letter, m, fmtFloat(rr.Result.Mean[m]), rep.winLetters(rr, m), fmtFloat(lo), fmtFloat(hi), "", ""}
			if ci, ok := rr.CI[m]; ok {
				rec[7], rec[8] = fmtFloat(ci[0]), fmtFloat(ci[1])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

type jsonMetric struct {
	Mean    float64            `json:"mean"`
	TieLow  float64            `json:"tie_low"`
	TieHigh float64            `json:"tie_high"`
	CI      *[2]float64        `json:"ci95,omitempty"`
	Wins    []string           `json:"wins"`
	PValues map[string]float64 `json:"p_values,omitempty"`
}

type jsonRun struct {
	Name    string                `json:"name"`
	Letter  string                `json:"letter"`
	Metrics map[string]jsonMetric `json:"metrics"`
}

type jsonReport struct {
	Metrics    []string  `json:"metrics"`
	Ties       string    `json:"ties"`
	Queries    int       `json:"queries"`
	Test       string    `json:"test"`
	MaxP       float64   `json:"max_p"`
	Bonferroni bool      `json:"bonferroni"`
	Runs       []jsonRun `json:"runs"`
}

func (rep *Report) writeJSON(w io.Writer) error {
	out := jsonReport{Metrics: rep.Metrics, Ties: rep.Ties.String(), Test: rep.Test, MaxP: rep.MaxP, Bonferroni: rep.Bonferroni}
	if len(rep.Runs) > 0 {
		out.Queries = len(rep.Runs[0].Result.Queries)
	}
	for _, rr := range rep.Runs {
		jr := jsonRun{Name: rr.Name(), Letter: rr.Letter, Metrics: map[string]jsonMetric{}}
		for _, m := range rep.Metrics {
			lo, hi := rr.Result.TieRange(m)
			jm := jsonMetric{Mean: rr.Result.Mean[m], TieLow: lo, TieHigh: hi, Wins: []string{}}
			if ci, ok := rr.CI[m]; ok {
				jm.CI = &ci
			}
			for _, j := range rr.Wins[m] {
				jm.Wins = append(jm.Wins, rep.Runs[j].Letter)
			}
			if pv := rr.PValues[m]; pv != nil {
				jm.PValues = map[string]float64{}
				for j, p := range pv {
					if !math.IsNaN(p) {
						jm.PValues[rep.Runs[j].Letter] = p
					}
				}
			}
			jr.Metrics[m] = jm
		}
		out.Runs = append(out.Runs, jr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WritePerQuery writes every run's per-query values as CSV with the header
// run,query,metric,value,tie_low,tie_high (runs in report order, queries in
// code point order, metrics in the requested order).
func (rep *Report) WritePerQuery(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"run", "query", "metric", "value", "tie_low", "tie_high"}); err != nil {
		return err
	}
	for _, rr := range rep.Runs {
		res := rr.Result
		for qi, q := range res.Queries {
			for _, m := range rep.Metrics {
				rec := []string{res.Run, q, m, fmtFloat(res.PerQuery[m][qi]),
					fmtFloat(res.PessimisticPerQuery[m][qi]), fmtFloat(res.OptimisticPerQuery[m][qi])}
				if err := cw.Write(rec); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
