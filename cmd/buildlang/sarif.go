package main

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang/lint"
)

// SARIF 2.1.0 output of check (--format sarif), for code scanning tools
// (GitHub code scanning, IDEs): one run whose tool lists every lint rule,
// plus two rules of our own for diagnostics that are not lint findings:
// errors (the file does not parse, type-check or evaluate) and the few
// warnings that are not lint rules (an unused --var value).
//
// The types hold what the SARIF 2.1.0 schema requires and what code
// scanning reads, no more. Lines and columns are HCL's: 1-based, columns in
// characters (sarif columnKind unicodeCodePoints is the closest kind).

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"

	// errorRuleID and warningRuleID are the stable rule ids of errors and
	// of warnings that are not lint findings.
	errorRuleID   = "buildlang-error"
	warningRuleID = "buildlang-warning"

	languageDocURL = "https://github.com/org/buildlang/blob/main/spec/language.md"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	Results    []sarifResult `json:"results"`
	ColumnKind string        `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string        `json:"id"`
	ShortDescription     sarifText     `json:"shortDescription"`
	FullDescription      *sarifText    `json:"fullDescription,omitempty"`
	HelpURI              string        `json:"helpUri"`
	DefaultConfiguration sarifRuleConf `json:"defaultConfiguration"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

// sarifRules are the rules of the run: lint's, then errors and other warnings.
func sarifRules() []sarifRule {
	var rules []sarifRule
	for _, r := range lint.Rules {
		rules = append(rules, sarifRule{
			ID:                   r.ID,
			ShortDescription:     sarifText{r.Description},
			FullDescription:      &sarifText{r.Explanation},
			HelpURI:              r.URL,
			DefaultConfiguration: sarifRuleConf{"warning"},
		})
	}
	return append(rules,
		sarifRule{
			ID:                   errorRuleID,
			ShortDescription:     sarifText{"The build file does not parse, type-check or evaluate."},
			HelpURI:              languageDocURL + "#errors-diagnostics-and-lint",
			DefaultConfiguration: sarifRuleConf{"error"},
		},
		sarifRule{
			ID:                   warningRuleID,
			ShortDescription:     sarifText{"A warning that is not a lint rule, like a value for an undeclared variable."},
			HelpURI:              languageDocURL + "#errors-diagnostics-and-lint",
			DefaultConfiguration: sarifRuleConf{"warning"},
		})
}

// sarifURI turns a build file name into an artifact URI: relative names
// stay relative (to %SRCROOT%, where check ran), absolute ones are file URIs.
func sarifURI(name string) (uri, base string) {
	slash := filepath.ToSlash(name)
	if filepath.IsAbs(name) {
		return (&url.URL{Scheme: "file", Path: slash}).String(), ""
	}
	return (&url.URL{Path: strings.TrimPrefix(slash, "./")}).String(), "%SRCROOT%"
}

func sarifFor(diags hcl.Diagnostics) sarifLog {
	rules := sarifRules()
	index := map[string]int{}
	for i, r := range rules {
		index[r.ID] = i
	}
	results := []sarifResult{}
	for _, d := range diags {
		id, level := errorRuleID, "error"
		if d.Severity == hcl.DiagWarning {
			id, level = warningRuleID, "warning"
			if r, ok := hcl.DiagnosticExtra[ruleOf](d); ok {
				if _, known := index[r.RuleID()]; known {
					id = r.RuleID()
				}
			}
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		res := sarifResult{RuleID: id, RuleIndex: index[id], Level: level, Message: sarifText{msg}}
		if s := d.Subject; s != nil && s.Filename != "" {
			uri, base := sarifURI(s.Filename)
			end := s.End
			if end.Line < s.Start.Line || end.Line == s.Start.Line && end.Column < s.Start.Column {
				end = s.Start
			}
			res.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: uri, URIBaseID: base},
				Region: sarifRegion{
					StartLine: max(s.Start.Line, 1), StartColumn: max(s.Start.Column, 1),
					EndLine: max(end.Line, 1), EndColumn: max(end.Column, 1),
				},
			}}}
		}
		results = append(results, res)
	}
	return sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool:       sarifTool{Driver: sarifDriver{Name: "buildlang", InformationURI: "https://github.com/org/buildlang", Rules: rules}},
			Results:    results,
			ColumnKind: "unicodeCodePoints",
		}},
	}
}

// writeSARIFDiagnostics writes diagnostics as a SARIF 2.1.0 log.
func writeSARIFDiagnostics(w io.Writer, diags hcl.Diagnostics) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifFor(diags))
}
