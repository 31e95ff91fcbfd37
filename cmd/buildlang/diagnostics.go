package main

import (
	"encoding/json"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/internal/diagtext"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
	"golang.org/x/term"
)

// writeDiagnostics prints diagnostics as HCL's text writer does (file:line:col,
// snippet, caret), in color on a terminal, through diagtext (which indexes
// each file's lines once instead of rescanning the file per diagnostic).
func writeDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics) {
	width, color := uint(0), false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil {
			width = uint(cols)
		}
		color = os.Getenv("NO_COLOR") == ""
	}
	_ = diagtext.NewWriter(w, files, width, color).WriteDiagnostics(lint.WithRuleIDs(diags))
}

// jsonDiagnostic is the --format json form of one diagnostic, stable for tools.
type jsonDiagnostic struct {
	Severity string     `json:"severity"`
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail,omitempty"`
	Rule     string     `json:"rule,omitempty"`
	Range    *jsonRange `json:"range,omitempty"`
	// Kind, Names and Fixes are the diagnostic's lang.DiagInfo.
	Kind  string    `json:"kind,omitempty"`
	Names []string  `json:"names,omitempty"`
	Fixes []jsonFix `json:"fixes,omitempty"`
	// Environments are those the problem occurs in when check found it
	// under some of the environments it evaluated but not all ("" is
	// none selected); absent when it occurs under all.
	Environments []string `json:"environments,omitempty"`
}

type jsonFix struct {
	Range jsonRange `json:"range"`
	Old   string    `json:"old,omitempty"`
	New   string    `json:"new"`
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
			r := toJSONRange(*d.Subject)
			jd.Range = &r
		}
		if info := lang.DiagInfoOf(d); info != nil {
			jd.Kind, jd.Names, jd.Environments = string(info.Kind), info.Names, info.Environments
			for _, f := range info.Fixes {
				jd.Fixes = append(jd.Fixes, jsonFix{Range: toJSONRange(f.Range), Old: f.Old, New: f.New})
			}
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

func toJSONRange(s hcl.Range) jsonRange {
	return jsonRange{Filename: s.Filename,
		Start: jsonPos{s.Start.Line, s.Start.Column, s.Start.Byte},
		End:   jsonPos{s.End.Line, s.End.Column, s.End.Byte}}
}
