package trust_test

import (
	"context"
	"testing"
	"time"

	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/trust/corpus"
)

// BenchmarkCorpus measures the speed the corpus tests leave out (they
// bound bytes and objects, counts no load can change): each op runs
// every hostile case through check, and compile where check finds no
// error, and checks a realistic build (gen.Targets(1000), the file of
// lang's BenchmarkCheck) before every 16th case, interleaved so a busy
// machine slows both alike. It reports the slowest case's time as a multiple of
// the realistic check's (slowest-x), and the whole corpus's
// (corpus-x); the slowest case is logged.
func BenchmarkCorpus(b *testing.B) {
	cases, err := corpus.All()
	if err != nil {
		b.Fatal(err)
	}
	real := mapFS(map[string][]byte{"build.hcl": gen.Targets(1000)})
	var realTime, corpusTime time.Duration
	realRuns := 0
	took := map[string]time.Duration{}
	for b.Loop() {
		for i, c := range cases {
			if i%16 == 0 {
				start := time.Now()
				check(real, "build.hcl", lang.Options{})
				realTime += time.Since(start)
				realRuns++
			}
			fsys := mapFS(c.Files)
			start := time.Now()
			build, diags := check(fsys, c.Entry, lang.Options{})
			if !diags.HasErrors() {
				if _, _, _, err := compileAll(context.Background(), build); err != nil {
					b.Fatal(err)
				}
			}
			d := time.Since(start)
			corpusTime += d
			took[c.Name] += d
		}
	}
	slowest := ""
	for name, d := range took {
		if slowest == "" || d > took[slowest] {
			slowest = name
		}
	}
	perReal := float64(realTime) / float64(realRuns) * float64(b.N)
	b.ReportMetric(float64(took[slowest])/perReal, "slowest-x")
	b.ReportMetric(float64(corpusTime)/perReal, "corpus-x")
	b.Logf("slowest: %s, %.2f× a check of 1,000 targets", slowest, float64(took[slowest])/perReal)
}
