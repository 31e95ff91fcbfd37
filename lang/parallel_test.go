package lang_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/org/buildlang/internal/gen"
	"golang.org/x/tools/txtar"
)

// Load parses and evaluates on every core (lang/internal/par); what it
// reports must not depend on how many there are. Every check case, and a
// large generated file (parsed in chunks) with errors spread through it,
// give the same diagnostics on one core as on four. Run with -race.
func TestCheckSameOnEveryCoreCount(t *testing.T) {
	inputs := map[string]checkCase{}
	for _, path := range checkCases(t) {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inputs[path] = readCase(t, ar)
	}
	src := gen.Targets(300)
	for i := range 5 {
		broken := fmt.Sprintf("target \"bad-%d\" {\n  from = \"alpine:${var.NOPE}\"\n  tags = [local.missing]\n  expose = [\"x\"]\n}\n", i)
		src = append(append(src, broken...), gen.Targets(20)...)
	}
	inputs["generated with errors"] = checkCase{fsys: fstest.MapFS{"build.hcl": {Data: src}}, files: []string{"build.hcl"}}
	for name, in := range inputs {
		var want string
		for _, procs := range []int{1, 4} {
			prev := runtime.GOMAXPROCS(procs)
			_, diags := check(in.fsys, in.files, in.opts)
			runtime.GOMAXPROCS(prev)
			got := renderDiagnostics(diags)
			if procs == 1 {
				want = got
				if name == "generated with errors" && strings.Count(got, ": error: ") < 10 {
					t.Fatalf("the generated file's errors are not reported:\n%s", got)
				}
			} else if got != want {
				t.Errorf("%s: GOMAXPROCS %d reports\n%s\nGOMAXPROCS 1 reports\n%s", name, procs, got, want)
			}
		}
	}
}
