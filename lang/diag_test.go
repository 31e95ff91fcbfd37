package lang_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
	"golang.org/x/tools/txtar"
)

// The named constructors of diag.go are the only way lang makes a
// diagnostic: no other file builds an hcl.Diagnostic or calls the
// constructors' helpers.
func TestDiagnosticsOnlyFromConstructors(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if name == "diag.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if isDiagnosticType(n.Type) {
					t.Errorf("%s: builds an hcl.Diagnostic; add a constructor to diag.go", fset.Position(n.Pos()))
				}
				if at, ok := n.Type.(*ast.SelectorExpr); ok && at.Sel.Name == "Diagnostics" {
					for _, elt := range n.Elts {
						if cl, ok := elt.(*ast.CompositeLit); ok && cl.Type == nil {
							t.Errorf("%s: builds an hcl.Diagnostic; add a constructor to diag.go", fset.Position(cl.Pos()))
						}
					}
				}
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "errorf" || id.Name == "newDiag") {
					t.Errorf("%s: calls %s; add a named constructor to diag.go", fset.Position(n.Pos()), id.Name)
				}
			}
			return true
		})
	}
}

func isDiagnosticType(e ast.Expr) bool {
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = u.X
	}
	s, ok := e.(*ast.SelectorExpr)
	return ok && s.Sel.Name == "Diagnostic"
}

// Every diagnostic of every check case carries a DiagInfo with a kind,
// and every fix it offers edits inside the file it is about.
func TestEveryDiagnosticHasInfo(t *testing.T) {
	for _, path := range checkCases(t) {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		c := readCase(t, ar)
		_, diags := check(c.fsys, c.files, c.opts)
		for _, d := range diags {
			info := lang.DiagInfoOf(d)
			if info == nil || info.Kind == "" {
				t.Errorf("%s: %s: no DiagInfo", filepath.Base(path), d.Summary)
				continue
			}
			for _, f := range info.Fixes {
				if d.Subject == nil || f.Range.Filename != d.Subject.Filename || f.New == "" {
					t.Errorf("%s: %s: fix %+v", filepath.Base(path), d.Summary, f)
				}
			}
		}
	}
}

// applyFix applies a fix to the source of its file, as an editor would.
func applyFix(t *testing.T, src string, f lang.Fix) string {
	t.Helper()
	start, end := f.Range.Start.Byte, f.Range.End.Byte
	if f.Old != "" {
		i := strings.LastIndex(src[start:end], f.Old)
		if i < 0 {
			t.Fatalf("fix %+v: %q not in %q", f, f.Old, src[start:end])
		}
		start += i
		end = start + len(f.Old)
	}
	return src[:start] + f.New + src[end:]
}

// The fixes the constructors attach turn the file into one that checks
// clean; the message text plays no part in it.
func TestFixesResolve(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		kind      lang.DiagKind
		want      string // the names involved
	}{
		{"unknown variable", "variable \"VERSION\" {\n  default = \"1\"\n}\ntarget \"a\" {\n  from = \"alpine:${var.VERSON}\"\n}\n", lang.KindUnknownReference, "VERSON"},
		{"unknown attribute", "target \"a\" {\n  form = \"alpine:3.20\"\n}\n", lang.KindUnsupportedAttribute, "form"},
		{"enumeration", "target \"a\" {\n  from = \"alpine:3.20\"\n  run {\n    command = \"true\"\n    network = \"hots\"\n  }\n}\n", lang.KindNotAllowed, "hots"},
		{"platform", "target \"a\" {\n  from = \"alpine:3.20\"\n  platforms = [\"linux/armm64\"]\n}\n", lang.KindInvalidPlatform, "linux/armm64"},
		{"bare local", "locals {\n  a = \"x\"\n  b = a\n}\ntarget \"t\" {\n  from = \"alpine:3.20\"\n  tags = [local.b]\n}\n", lang.KindUnknownRoot, "a"},
		{"shell variable", "target \"t\" {\n  from = \"alpine:3.20\"\n  run {\n    command = \"echo ${GIT_SHA}\"\n  }\n}\n", lang.KindUnknownRoot, "GIT_SHA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := checkSource(tc.src)
			var d *hcl.Diagnostic
			for _, x := range diags {
				if x.Severity == hcl.DiagError {
					d = x
					break
				}
			}
			if d == nil {
				t.Fatalf("no error: %v", diags)
			}
			info := lang.DiagInfoOf(d)
			if info.Kind != tc.kind || strings.Join(info.Names, ",") != tc.want || len(info.Fixes) == 0 {
				t.Fatalf("info %+v, want kind %s, names %s and a fix", info, tc.kind, tc.want)
			}
			fixed := applyFix(t, tc.src, info.Fixes[0])
			if diags := checkSource(fixed); diags.HasErrors() {
				t.Errorf("fixed file still has errors:\n%s\n%s", fixed, diags.Error())
			}
		})
	}
}

func checkSource(src string) hcl.Diagnostics {
	_, diags := check(fstest.MapFS{"build.hcl": {Data: []byte(src)}}, []string{"build.hcl"}, lang.Options{})
	return diags
}

// Expected diagnostics are built by the constructors the code uses, so a
// test states what is reported, not how it is worded.
func TestConstructorsBuildExpected(t *testing.T) {
	src := "target \"a\" {\n  from  = \"alpine:3.20\"\n  bogus = target.a\n  run {\n    command = \"echo ${GIT_SHA}\"\n  }\n}\n"
	want := hcl.Diagnostics{
		lang.UnsupportedArgument("bogus", nil, false, rangeOf(src, "bogus")),
		lang.ShellVariableInTemplate("GIT_SHA", nil, rangeOf(src, "${GIT_SHA}"), rangeOf(src, "GIT_SHA")),
	}
	got := checkSource(src)
	opts := cmp.Options{
		cmp.Comparer(func(a, b *lang.DiagInfo) bool {
			return cmp.Equal(*a, *b, cmpopts.IgnoreUnexported(lang.DiagInfo{}))
		}),
		cmpopts.IgnoreFields(hcl.Diagnostic{}, "Context", "Expression", "EvalContext"),
	}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// rangeOf is the range of the first occurrence of text in src, an ASCII
// build.hcl.
func rangeOf(src, text string) hcl.Range {
	pos := func(off int) hcl.Pos {
		line := 1 + strings.Count(src[:off], "\n")
		return hcl.Pos{Line: line, Column: off - strings.LastIndex(src[:off], "\n"), Byte: off}
	}
	i := strings.Index(src, text)
	return hcl.Range{Filename: "build.hcl", Start: pos(i), End: pos(i + len(text))}
}
