package main

import (
	"encoding/json"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2"
	"golang.org/x/term"
)

// writeDiagnostics prints diagnostics as HCL's text writer does (file:line:col,
// snippet, caret), in color on a terminal.
func writeDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics) {
	width, color := uint(0), false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil {
			width = uint(cols)
		}
		color = os.Getenv("NO_COLOR") == ""
	}
	wr := hcl.NewDiagnosticTextWriter(w, files, width, color)
	_ = wr.WriteDiagnostics(withRuleIDs(diags))
}

// jsonDiagnostic is the --format json form of one diagnostic, stable for tools.
type jsonDiagnostic struct {
	Severity string     `json:"severity"`
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail,omitempty"`
	Rule     string     `json:"rule,omitempty"`
	Range    *jsonRange `json:"range,omitempty"`
}

type jsonRange struct {
	Filename string  `json:"filename"`
	Start    jsonPos `json:"start"`
	End      jsonPos `json:"end"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// ruleOf is implemented by lint findings' Extra values.
type ruleOf interface{ RuleID() string }

func writeJSONDiagnostics(w io.Writer, diags hcl.Diagnostics) error {
	out := make([]jsonDiagnostic, 0, len(diags))
	for _, d := range diags {
		jd := jsonDiagnostic{Severity: severity(d.Severity), Summary: d.Summary, Detail: d.Detail}
		if r, ok := hcl.DiagnosticExtra[ruleOf](d); ok {
			jd.Rule = r.RuleID()
		}
		if d.Subject != nil {
			s := d.Subject
			jd.Range = &jsonRange{Filename: s.Filename,
				Start: jsonPos{s.Start.Line, s.Start.Column, s.Start.Byte},
				End:   jsonPos{s.End.Line, s.End.Column, s.End.Byte}}
		}
		out = append(out, jd)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"diagnostics": out})
}

func severity(s hcl.DiagnosticSeverity) string {
	if s == hcl.DiagWarning {
		return "warning"
	}
	return "error"
}

// withRuleIDs shows each lint finding's rule id after its summary, in
// brackets, as spec/lint.md says: "Warning: Unused variable
// [unused-variable]". The diagnostics themselves are not changed.
func withRuleIDs(diags hcl.Diagnostics) hcl.Diagnostics {
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		if r, ok := hcl.DiagnosticExtra[ruleOf](d); ok {
			c := *d
			c.Summary += " [" + r.RuleID() + "]"
			d = &c
		}
		out[i] = d
	}
	return out
}
