package lang_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/lang"
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
	inputs[budgetSpent] = checkCase{fsys: fstest.MapFS{"build.hcl": {Data: budgetSpentAcrossTargets()}}, files: []string{"build.hcl"}}
	for name, in := range inputs {
		var want string
		// Which target runs out of the budget is a race on many cores:
		// that file is checked a few times on each count.
		counts := []int{1, 4}
		if name == budgetSpent {
			counts = []int{1, 2, 2, 2, 4, 4, 4}
		}
		for _, procs := range counts {
			prev := runtime.GOMAXPROCS(procs)
			_, diags := check(in.fsys, in.files, in.opts)
			runtime.GOMAXPROCS(prev)
			got := renderDiagnostics(diags)
			if procs == 1 {
				want = got
				if name == "generated with errors" && strings.Count(got, ": error: ") < 10 {
					t.Fatalf("the generated file's errors are not reported:\n%s", got)
				}
				if name == budgetSpent && !strings.Contains(got, "Too many evaluation steps") {
					t.Fatalf("the budget is not spent:\n%s", got)
				}
			} else if got != want {
				t.Errorf("%s: GOMAXPROCS %d reports\n%s\nGOMAXPROCS 1 reports\n%s", name, procs, got, want)
			}
		}
	}
}

const budgetSpent = "budget spent across targets"

// budgetSpentAcrossTargets is a build of 100 targets that each spend about
// 1.6% of the evaluation budget (eight interpolations of a 100 kB local),
// so it runs out about two thirds of the way through the file.
func budgetSpentAcrossTargets() []byte {
	var b strings.Builder
	b.WriteString("locals {\n  s = join(\"\", [for i in range(1000) : \"" + strings.Repeat("0123456789", 10) + "\"])\n}\n")
	four := strings.Repeat("${local.s}", 4)
	for i := range 100 {
		fmt.Fprintf(&b, "target \"t%d\" {\n  from = \"alpine:3.20\"\n  args = { A = \"%s\", B = \"%s\" }\n}\n", i, four, four)
	}
	return []byte(b.String())
}

// The language server loads leniently, resolves targets for its features
// in whatever order requests come, then calls Check: it reports the
// budget where check does, whichever targets were resolved before.
func TestCheckAfterResolvesReportsBudgetAsLoad(t *testing.T) {
	fsys := lang.FS(fstest.MapFS{"build.hcl": {Data: budgetSpentAcrossTargets()}})
	_, want := lang.Load(fsys, []string{"build.hcl"}, lang.Options{})
	if !strings.Contains(renderDiagnostics(want), "Too many evaluation steps") {
		t.Fatalf("the budget is not spent:\n%s", renderDiagnostics(want))
	}
	b, diags := lang.Load(fsys, []string{"build.hcl"}, lang.Options{Lenient: true})
	for i := len(b.Targets) - 1; i >= 0; i-- { // last first: it fits on one core
		for _, p := range b.Targets[i].DefaultPlatforms {
			b.Resolve(b.Targets[i].Name, p)
		}
	}
	if got := renderDiagnostics(b.Check(diags)); got != renderDiagnostics(want) {
		t.Errorf("Check after resolving the targets last first reports\n%s\nLoad reports\n%s", got, renderDiagnostics(want))
	}
}
