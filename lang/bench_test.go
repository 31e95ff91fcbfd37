package lang_test

import (
	"runtime"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
)

// BenchmarkCheck is `buildlang check` on a generated file of 1,000
// targets, half of them matrix instances (Load, which evaluates every
// target for its default platforms, every environment through
// lint.Check, and the lint rules), side by side with what it is measured
// against: hclsyntax.ParseConfig of the same file. Both run in the same
// loop on one core (GOMAXPROCS 1), alternating, so a busy machine slows
// both alike; cpu-ratio and mem-ratio are check's CPU time (GC included)
// and bytes allocated over the parser's, the figures issue 10 bounds at
// 1.5. The budget on the project's 2-core machine is also 50 ms and 50 MB
// per op.
func BenchmarkCheck(b *testing.B) {
	src := gen.Targets(1000)
	fsys := fstest.MapFS{"build.hcl": {Data: src}}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var parseCPU, checkCPU time.Duration
	var parseMem, checkMem uint64
	var ms runtime.MemStats
	alloc := func() uint64 { runtime.ReadMemStats(&ms); return ms.TotalAlloc }
	b.ReportAllocs()
	for b.Loop() {
		m0, c0 := alloc(), cpuTime()
		if _, diags := hclsyntax.ParseConfig(src, "build.hcl", hcl.InitialPos); diags.HasErrors() {
			b.Fatal(diags.Error())
		}
		c1, m1 := cpuTime(), alloc()
		build, diags := lang.Load(lang.FS(fsys), []string{"build.hcl"}, lang.Options{})
		diags = lint.Check(build, diags)
		c2, m2 := cpuTime(), alloc()
		if diags.HasErrors() {
			b.Fatal(diags.Error())
		}
		if len(build.Targets) != 1000 {
			b.Fatalf("%d targets, want 1000", len(build.Targets))
		}
		parseCPU += c1 - c0
		checkCPU += c2 - c1
		parseMem += m1 - m0
		checkMem += m2 - m1
	}
	n := float64(b.N)
	b.ReportMetric(float64(checkCPU.Nanoseconds())/n, "cpu-ns/op")
	b.ReportMetric(float64(parseCPU.Nanoseconds())/n, "parse-cpu-ns/op")
	b.ReportMetric(float64(checkMem)/n, "check-B/op")
	b.ReportMetric(float64(parseMem)/n, "parse-B/op")
	if parseCPU > 0 && parseMem > 0 {
		b.ReportMetric(float64(checkCPU)/float64(parseCPU), "cpu-ratio")
		b.ReportMetric(float64(checkMem)/float64(parseMem), "mem-ratio")
	}
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
