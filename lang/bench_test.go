package lang_test

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
)

// BenchmarkCheck is `buildlang check` on a generated file of 1,000
// targets, half of them matrix instances: Load (which evaluates every
// target for its default platforms) and the lint rules. The budget on the
// project's 2-core machine is 50 ms and 50 MB per op. cpu-ns/op is the
// process's CPU time per op, GC included, which a busy machine does not
// inflate the way it does ns/op.
func BenchmarkCheck(b *testing.B) {
	fsys := fstest.MapFS{"build.hcl": {Data: gen.Targets(1000)}}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		build, diags := lang.Load(lang.FS(fsys), []string{"build.hcl"}, lang.Options{})
		if diags.HasErrors() {
			b.Fatal(diags.Error())
		}
		if len(build.Targets) != 1000 {
			b.Fatalf("%d targets, want 1000", len(build.Targets))
		}
		lint.Run(build)
	}
	reportCPU(b, start)
}

// reportCPU adds the process's CPU time per op (cpu-ns/op) to the results.
func reportCPU(b *testing.B, start time.Duration) {
	if used := cpuTime() - start; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkLoad is BenchmarkCheck without the lint rules.
func BenchmarkLoad(b *testing.B) {
	fsys := fstest.MapFS{"build.hcl": {Data: gen.Targets(1000)}}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, diags := lang.Load(lang.FS(fsys), []string{"build.hcl"}, lang.Options{}); diags.HasErrors() {
			b.Fatal(diags.Error())
		}
	}
	reportCPU(b, start)
}
