package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
)

// validateSARIF checks a log against what the SARIF 2.1.0 schema requires
// of the parts we write (the schema cannot be fetched here, so the
// required properties are checked by hand), and what code scanning
// needs: every result's rule is declared and has a help URI.
func validateSARIF(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var log map[string]any
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	fail := func(format string, args ...any) { t.Helper(); t.Errorf("SARIF: "+format, args...) }
	str := func(m map[string]any, k string) string {
		s, _ := m[k].(string)
		return s
	}
	obj := func(m map[string]any, k string) map[string]any {
		o, _ := m[k].(map[string]any)
		return o
	}
	arr := func(m map[string]any, k string) ([]any, bool) {
		a, ok := m[k].([]any)
		return a, ok
	}
	num := func(m map[string]any, k string) (int, bool) {
		f, ok := m[k].(float64)
		return int(f), ok && f == float64(int(f))
	}
	if str(log, "version") != "2.1.0" {
		fail("version %q, want 2.1.0", log["version"])
	}
	if !strings.Contains(str(log, "$schema"), "sarif-2.1.0") {
		fail("$schema %q", log["$schema"])
	}
	runs, ok := arr(log, "runs")
	if !ok || len(runs) != 1 {
		t.Fatalf("SARIF: want one run, got %v", log["runs"])
	}
	run, _ := runs[0].(map[string]any)
	driver := obj(obj(run, "tool"), "driver")
	if driver == nil || str(driver, "name") == "" {
		fail("run.tool.driver.name is required")
	}
	rules, _ := arr(driver, "rules")
	ids := map[string]int{}
	for i, r := range rules {
		rule, _ := r.(map[string]any)
		id := str(rule, "id")
		if id == "" {
			fail("rule %d has no id", i)
		}
		if _, dup := ids[id]; dup {
			fail("rule %q twice", id)
		}
		ids[id] = i
		if str(obj(rule, "shortDescription"), "text") == "" {
			fail("rule %q: shortDescription.text is required", id)
		}
		if u, err := url.Parse(str(rule, "helpUri")); err != nil || !u.IsAbs() {
			fail("rule %q: helpUri %q is not an absolute URI", id, rule["helpUri"])
		}
		if fd := obj(rule, "fullDescription"); fd != nil && str(fd, "text") == "" {
			fail("rule %q: fullDescription without text", id)
		}
	}
	for _, r := range lint.Rules {
		if _, ok := ids[r.ID]; !ok {
			fail("lint rule %s is not in the driver's rules", r.ID)
		}
	}
	results, ok := arr(run, "results")
	if !ok {
		fail("run.results must be an array, even an empty one")
	}
	for i, r := range results {
		res, _ := r.(map[string]any)
		id := str(res, "ruleId")
		idx, hasIdx := num(res, "ruleIndex")
		if want, ok := ids[id]; !ok || !hasIdx || idx != want {
			fail("result %d: ruleId %q / ruleIndex %v do not name a declared rule", i, id, res["ruleIndex"])
		}
		switch str(res, "level") {
		case "none", "note", "warning", "error":
		default:
			fail("result %d: level %q", i, res["level"])
		}
		if str(obj(res, "message"), "text") == "" {
			fail("result %d: message.text is required", i)
		}
		locs, _ := arr(res, "locations")
		for _, l := range locs {
			phys := obj(l.(map[string]any), "physicalLocation")
			art := obj(phys, "artifactLocation")
			if str(art, "uri") == "" {
				fail("result %d: physicalLocation.artifactLocation.uri is required", i)
			} else if _, err := url.Parse(str(art, "uri")); err != nil {
				fail("result %d: uri %q: %v", i, art["uri"], err)
			}
			reg := obj(phys, "region")
			sl, ok1 := num(reg, "startLine")
			sc, ok2 := num(reg, "startColumn")
			el, ok3 := num(reg, "endLine")
			ec, ok4 := num(reg, "endColumn")
			if !ok1 || !ok2 || !ok3 || !ok4 || sl < 1 || sc < 1 || el < sl || ec < 1 || el == sl && ec < sc {
				fail("result %d: region %v", i, reg)
			}
		}
	}
	return log
}

func loadDir(t *testing.T, dir string, vars map[string]string) hcl.Diagnostics {
	t.Helper()
	b, diags := lang.Load(lang.FS(os.DirFS(dir)), []string{"build.hcl"}, lang.Options{Vars: vars})
	diags = lint.Check(b, diags)
	return diags
}

// TestSARIF renders errors, lint findings and a warning that is no lint
// rule as SARIF, validates the logs, and checks that each diagnostic is
// one result with its rule, level, message and range.
func TestSARIF(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
	}{
		{"acceptance-four-errors", nil},
		{"lint-base-images", nil},
		{"lint-needs-entitlement", map[string]string{"NOT_DECLARED": "1"}},
		{"clean-full", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := loadDir(t, writeCase(t, tc.name), tc.vars)
			var buf bytes.Buffer
			if err := writeSARIFDiagnostics(&buf, diags); err != nil {
				t.Fatal(err)
			}
			log := validateSARIF(t, buf.Bytes())
			results := log["runs"].([]any)[0].(map[string]any)["results"].([]any)
			if len(results) != len(diags) {
				t.Fatalf("%d results for %d diagnostics", len(results), len(diags))
			}
			for i, d := range diags {
				res := results[i].(map[string]any)
				wantID, wantLevel := errorRuleID, "error"
				if d.Severity == hcl.DiagWarning {
					wantID, wantLevel = warningRuleID, "warning"
					if r, ok := hcl.DiagnosticExtra[ruleOf](d); ok {
						wantID = r.RuleID()
					}
				}
				if res["ruleId"] != wantID || res["level"] != wantLevel {
					t.Errorf("result %d: %v %v, want %s %s", i, res["ruleId"], res["level"], wantID, wantLevel)
				}
				if msg := res["message"].(map[string]any)["text"].(string); !strings.HasPrefix(msg, d.Summary) {
					t.Errorf("result %d: message %q", i, msg)
				}
				if d.Subject == nil {
					continue
				}
				reg := res["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["region"].(map[string]any)
				got := fmt.Sprint(reg["startLine"], reg["startColumn"], reg["endLine"], reg["endColumn"])
				s := d.Subject
				if want := fmt.Sprint(s.Start.Line, s.Start.Column, s.End.Line, s.End.Column); got != want {
					t.Errorf("result %d: region %s, want %s", i, got, want)
				}
			}
			if tc.name == "lint-needs-entitlement" && !strings.Contains(buf.String(), `"ruleId": "`+warningRuleID+`"`) {
				t.Errorf("the unused --var value is not a %s result", warningRuleID)
			}
		})
	}
}

// TestSARIFURIs: relative names stay relative to %SRCROOT%, absolute ones
// and names with spaces are valid URIs.
func TestSARIFURIs(t *testing.T) {
	for name, want := range map[string]string{
		"build.hcl":                 "build.hcl",
		"./sub/a b.hcl":             "sub/a%20b.hcl",
		"/abs/dir/build.hcl":        "file:///abs/dir/build.hcl",
		filepath.Join("x", "y.hcl"): "x/y.hcl",
	} {
		if got, _ := sarifURI(name); got != want {
			t.Errorf("sarifURI(%q) = %q, want %q", name, got, want)
		}
	}
}

// buildlang check --format sarif, end to end: exit 1 on errors, the log
// on stdout.
func TestCheckSARIFCommand(t *testing.T) {
	bin := buildBinary(t)
	r := run(t, bin, writeCase(t, "acceptance-four-errors"), "check", "--format", "sarif")
	if r.code != 1 {
		t.Errorf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	validateSARIF(t, []byte(r.stdout))
}
