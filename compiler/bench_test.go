package compiler_test

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/compilertest"
	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/lang"
)

// cpuTime is the process's CPU time so far. Benchmarks report it beside
// wall time: on a shared machine it is the steadier measure of the work.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs f in a b.Loop and reports CPU time per op and per unit.
func measure(b *testing.B, units float64, unit string, f func()) {
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		f()
	}
	cpu := float64(cpuTime()-start) / float64(b.N)
	b.ReportMetric(cpu, "cpu-ns/op")
	if unit != "" {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/units, "ns/"+unit)
		b.ReportMetric(cpu/units, "cpu-ns/"+unit)
	}
}

func load(tb testing.TB, src []byte) *lang.Build {
	tb.Helper()
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: src}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		tb.Fatal(diags)
	}
	return b
}

// BenchmarkCompile compiles every target of a generated 1,000-target
// build (half matrix instances). Load is outside the timer: lang's
// BenchmarkCheck measures it on the same file.
func BenchmarkCompile(b *testing.B) {
	build := load(b, gen.Targets(1000))
	ctx := context.Background()
	measure(b, 0, "", func() {
		res, diags := compiler.Compile(ctx, build, compiler.Request{Resolver: &compilertest.Resolver{}})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if len(res.Outputs) != 1000 {
			b.Fatalf("%d outputs", len(res.Outputs))
		}
	})
}

// BenchmarkCompileMarshal is BenchmarkCompile plus marshaling each of the
// 1,000 outputs to a definition, as a caller solving them all would.
func BenchmarkCompileMarshal(b *testing.B) {
	build := load(b, gen.Targets(1000))
	ctx := context.Background()
	measure(b, 0, "", func() {
		res, diags := compiler.Compile(ctx, build, compiler.Request{Resolver: &compilertest.Resolver{}})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		for _, o := range res.Outputs {
			if _, err := o.Marshal(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// chain writes the same build twice: N stages of M run steps, each stage
// built on the previous one, as a build file and as a Dockerfile.
func chain(stages, steps int) (hcl, dockerfile []byte) {
	var h, d strings.Builder
	for s := range stages {
		from := `"busybox"`
		dfrom := "busybox"
		if s > 0 {
			from = fmt.Sprintf("target.s%d", s-1)
			dfrom = fmt.Sprintf("s%d", s-1)
		}
		fmt.Fprintf(&h, "target \"s%d\" {\n  from = %s\n", s, from)
		fmt.Fprintf(&d, "FROM %s AS s%d\n", dfrom, s)
		for i := range steps {
			fmt.Fprintf(&h, "  run {\n    command = \"echo %d-%d >> /log\"\n  }\n", s, i)
			fmt.Fprintf(&d, "RUN echo %d-%d >> /log\n", s, i)
		}
		h.WriteString("}\n")
	}
	return []byte(h.String()), []byte(d.String())
}

var chainSizes = [][2]int{{1, 10}, {10, 10}, {50, 20}}

// BenchmarkChain compares buildlang with the Dockerfile frontend's
// conversion of the same chained build, reporting ns/step:
//
//   - buildlang-compile: Compile and Marshal of a loaded build, the
//     compiler's own work;
//   - buildlang: Load (parse, check, evaluate) as well, the whole path from
//     source like Dockerfile2LLB;
//   - dockerfile2llb: Dockerfile2LLB (parse and convert) and State.Marshal.
func BenchmarkChain(b *testing.B) {
	ctx := context.Background()
	platform := ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	for _, sz := range chainSizes {
		hcl, df := chain(sz[0], sz[1])
		target := fmt.Sprintf("s%d", sz[0]-1)
		steps := float64(sz[0] * sz[1])
		req := compiler.Request{Targets: []string{target}, Platforms: []ocispecs.Platform{platform}, Resolver: &compilertest.Resolver{}}
		compile := func(b *testing.B, build *lang.Build) {
			res, diags := compiler.Compile(ctx, build, req)
			if diags.HasErrors() {
				b.Fatal(diags)
			}
			if _, err := res.Outputs[0].Marshal(ctx); err != nil {
				b.Fatal(err)
			}
		}
		size := fmt.Sprintf("%dx%d", sz[0], sz[1])
		b.Run("buildlang-compile/"+size, func(b *testing.B) {
			build := load(b, hcl)
			measure(b, steps, "step", func() { compile(b, build) })
		})
		b.Run("buildlang/"+size, func(b *testing.B) {
			measure(b, steps, "step", func() { compile(b, load(b, hcl)) })
		})
		b.Run("dockerfile2llb/"+size, func(b *testing.B) {
			measure(b, steps, "step", func() {
				res, err := dockerfile2llb.Dockerfile2LLB(ctx, df, dockerfile2llb.ConvertOpt{
					MetaResolver:   &compilertest.Resolver{},
					TargetPlatform: &platform,
				})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := res.State.Marshal(ctx, llb.Platform(platform)); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
