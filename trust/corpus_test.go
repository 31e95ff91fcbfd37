package trust_test

import (
	"context"
	"sort"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/trust/corpus"
)

// TestCorpus runs every hostile input through `buildlang check` (load and
// lint) and, when that finds no error, through compile (every default
// target, marshaled): each must give diagnostics with valid ranges, what
// the case says it must, within corpus.PathBound per path (bytes and
// objects allocated; BenchmarkCorpus measures speed). The heaviest cases
// are logged.
func TestCorpus(t *testing.T) {
	cases, err := corpus.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 150 {
		t.Errorf("only %d cases in the corpus; keep at least 150", len(cases))
	}
	type weight struct {
		name string
		c    corpus.Cost
	}
	var weights []weight
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			fsys := mapFS(c.Files)
			var b *lang.Build
			var diags hcl.Diagnostics
			ck := bounded(t, "check", corpus.PathBound, func() { b, diags = check(fsys, c.Entry, lang.Options{}) })
			weights = append(weights, weight{c.Name + " check", ck})
			if b == nil {
				t.Fatal("Load returned no Build")
			}
			checkRanges(t, c.Files, diags)
			if !diags.HasErrors() {
				var cdiags hcl.Diagnostics
				var cerr error
				cc := bounded(t, "compile", corpus.PathBound, func() {
					_, cdiags, _, cerr = compileAll(context.Background(), b)
				})
				weights = append(weights, weight{c.Name + " compile", cc})
				if cerr != nil {
					t.Fatal(cerr)
				}
				checkRanges(t, c.Files, cdiags)
				diags = append(diags, cdiags...)
			}
			checkWants(t, c, diags)
		})
	}
	sort.Slice(weights, func(i, j int) bool { return weights[i].c.Objects > weights[j].c.Objects })
	for _, w := range weights[:min(8, len(weights))] {
		t.Logf("heaviest: %-50s %s", w.name, w.c)
	}
}
