package lang_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/internal/textdiff"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
	"github.com/org/buildlang/stdlib"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the diagnostics sections of testdata/check/*.txtar with the current output")

// A check case is a txtar archive in testdata/check: build files, an
// optional options section and the expected diagnostics, one per line, as
// file:line:col-line:col: severity: Summary: Detail [rule-id], then the
// fixes it carries (lang.DiagInfo.Fixes), one "fix:" line each.
//
// Options, one per line:
//
//	env: NAME          select an environment (--env)
//	var: NAME=VALUE    set a variable (--var), repeatable
//	hostenv: K=V       a host environment variable, repeatable
//	allow: G[,G]       what --allow grants (env=NAME, fs.read=PATH, ...)
//	files: a.hcl b.hcl the files to load (default build.hcl)
//	build-platform: P  the builder's platform (default linux/amd64)
//	lenient: true      Options.Lenient
type checkCase struct {
	fsys  fstest.MapFS
	files []string
	opts  lang.Options
	want  string
}

const (
	optionsSection     = "options"
	diagnosticsSection = "diagnostics"
)

func readCase(t testing.TB, ar *txtar.Archive) checkCase {
	t.Helper()
	c := checkCase{fsys: fstest.MapFS{}, files: []string{"build.hcl"}}
	c.opts.Vars = map[string]string{}
	host := map[string]string{}
	for _, f := range ar.Files {
		switch f.Name {
		case optionsSection:
			for _, line := range strings.Split(string(f.Data), "\n") {
				line = strings.TrimSpace(line)
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				key, val, ok := strings.Cut(line, ":")
				val = strings.TrimSpace(val)
				if !ok {
					t.Fatalf("option %q: want key: value", line)
				}
				switch key {
				case "env":
					c.opts.Env = val
				case "var", "hostenv":
					k, v, ok := strings.Cut(val, "=")
					if !ok {
						t.Fatalf("option %q: want %s: NAME=VALUE", line, key)
					}
					if key == "var" {
						c.opts.Vars[k] = v
					} else {
						host[k] = v
					}
				case "allow": // as buildlang's --allow, comma separated
					a, err := lang.ParseAllow(strings.Split(val, ","))
					if err != nil {
						t.Fatal(err)
					}
					c.opts.Allow = a
				case "files":
					c.files = strings.Fields(val)
				case "build-platform":
					p, err := stdlib.ParsePlatform(val)
					if err != nil {
						t.Fatal(err)
					}
					c.opts.BuildPlatform = p
				case "lenient":
					c.opts.Lenient = val == "true"
				default:
					t.Fatalf("unknown option %q", key)
				}
			}
		case diagnosticsSection:
			c.want = string(f.Data)
		default:
			c.fsys[f.Name] = &fstest.MapFile{Data: f.Data}
		}
	}
	c.opts.HostEnv = func(k string) (string, bool) { v, ok := host[k]; return v, ok }
	return c
}

// check does what `buildlang check` does: load, then lint when there are
// no errors.
func check(fsys fstest.MapFS, files []string, opts lang.Options) (*lang.Build, hcl.Diagnostics) {
	b, diags := lang.Load(lang.FS(fsys), files, opts)
	diags = lint.Check(b, diags)
	return b, diags
}

// renderDiagnostics writes one diagnostic per line (continuation lines of
// a multi-line detail indented by four spaces).
func renderDiagnostics(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		loc := "-"
		if s := d.Subject; s != nil {
			loc = fmt.Sprintf("%s:%d:%d-%d:%d", s.Filename, s.Start.Line, s.Start.Column, s.End.Line, s.End.Column)
		}
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		line := loc + ": " + sev + ": " + d.Summary
		if d.Detail != "" {
			line += ": " + d.Detail
		}
		if r, ok := hcl.DiagnosticExtra[interface{ RuleID() string }](d); ok {
			line += " [" + r.RuleID() + "]"
		}
		// The fixes the diagnostic carries, as an editor would apply them.
		for _, f := range lang.DiagInfoOf(d).Fixes {
			r := f.Range
			at := fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Column, r.End.Line, r.End.Column)
			if f.Old != "" {
				line += fmt.Sprintf("\nfix: replace %q in %s with %q", f.Old, at, f.New)
			} else {
				line += fmt.Sprintf("\nfix: replace %s with %q", at, f.New)
			}
		}
		b.WriteString(strings.ReplaceAll(strings.TrimRight(line, "\n"), "\n", "\n    "))
		b.WriteString("\n")
	}
	return b.String()
}

func checkCases(t testing.TB) []string {
	names, err := filepath.Glob(filepath.Join("testdata", "check", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

func TestCheck(t *testing.T) {
	names := checkCases(t)
	if len(names) == 0 {
		t.Fatal("no cases in testdata/check")
	}
	for _, path := range names {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c := readCase(t, ar)
			_, diags := check(c.fsys, c.files, c.opts)
			for _, d := range diags {
				if d.Summary == "" {
					t.Errorf("diagnostic without a summary: %+v", d)
				}
			}
			got := renderDiagnostics(diags)
			if got == c.want {
				return
			}
			if *update {
				setSection(ar, diagnosticsSection, got)
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Errorf("diagnostics differ (-want +got); rerun with -update to accept:\n%s", textdiff.Lines(c.want, got))
		})
	}
}

func setSection(ar *txtar.Archive, name, data string) {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = []byte(data)
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
}

// Every lint rule is exercised by at least one check case.
func TestEveryRuleHasACase(t *testing.T) {
	var all strings.Builder
	for _, path := range checkCases(t) {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if f.Name == diagnosticsSection {
				all.Write(f.Data)
			}
		}
	}
	for _, r := range lint.Rules {
		if !strings.Contains(all.String(), "["+r.ID+"]") {
			t.Errorf("no case in testdata/check expects a %s finding", r.ID)
		}
	}
}
