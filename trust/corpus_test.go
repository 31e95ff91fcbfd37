package trust_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/trust/corpus"
)

// TestCorpus runs every hostile input through `buildlang check` (load and
// lint) and, when that finds no error, through compile (every default
// target, marshaled): each must give diagnostics with valid ranges, what
// the case says it must, within maxTime and maxAlloc per path. The
// slowest cases are logged.
func TestCorpus(t *testing.T) {
	cases, err := corpus.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 150 {
		t.Errorf("only %d cases in the corpus; keep at least 150", len(cases))
	}
	type timing struct {
		name string
		c    cost
	}
	var timings []timing
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			fsys := mapFS(c.Files)
			var b *lang.Build
			var diags hcl.Diagnostics
			ck := bounded(t, "check", func() { b, diags = check(fsys, c.Entry, lang.Options{}) })
			timings = append(timings, timing{c.Name + " check", ck})
			if b == nil {
				t.Fatal("Load returned no Build")
			}
			checkRanges(t, c.Files, diags)
			if !diags.HasErrors() {
				var cdiags hcl.Diagnostics
				var cerr error
				cc := bounded(t, "compile", func() {
					_, cdiags, _, cerr = compileAll(context.Background(), b)
				})
				timings = append(timings, timing{c.Name + " compile", cc})
				if cerr != nil {
					t.Fatal(cerr)
				}
				checkRanges(t, c.Files, cdiags)
				diags = append(diags, cdiags...)
			}
			checkWants(t, c, diags)
		})
	}
	sort.Slice(timings, func(i, j int) bool { return timings[i].c.took > timings[j].c.took })
	for _, tm := range timings[:min(8, len(timings))] {
		t.Logf("slowest: %-50s %8s %5d MiB", tm.name, tm.c.took.Round(time.Millisecond), tm.c.alloc>>20)
	}
}
