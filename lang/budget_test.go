package lang

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/org/buildlang/internal/gen"
)

// The evaluation budget leaves real builds far from the limit: a build of
// 1,000 targets (half of them matrix instances) uses under a tenth of it,
// and every example much less.
func TestBudgetHeadroom(t *testing.T) {
	load := func(fsys fstest.MapFS) int64 {
		b, diags := Load(FS(fsys), []string{"build.hcl"}, Options{})
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		return b.eval.budget.used.Load()
	}
	used := load(fstest.MapFS{"build.hcl": {Data: gen.Targets(1000)}})
	t.Logf("1,000 targets: %d units, %.1f%% of the budget", used, 100*float64(used)/float64(DefaultLimits.MaxEvalCost))
	if used > int64(DefaultLimits.MaxEvalCost)/10 {
		t.Errorf("a build of 1,000 targets uses %d of %d units", used, DefaultLimits.MaxEvalCost)
	}
	mains, _ := filepath.Glob("../examples/*/build.hcl")
	for _, m := range mains {
		fsys := fstest.MapFS{}
		dir := filepath.Dir(m)
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Ext(p) == ".hcl" {
				data, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(dir, p)
				fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
			}
			return nil
		})
		used := load(fsys)
		t.Logf("%s: %d units", filepath.Base(dir), used)
		if used > int64(DefaultLimits.MaxEvalCost)/100 {
			t.Errorf("example %s uses %d of %d units", filepath.Base(dir), used, DefaultLimits.MaxEvalCost)
		}
	}
}
