package compiler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/compilertest"
	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/lang"
)

func load(tb testing.TB, src []byte) *lang.Build {
	tb.Helper()
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: src}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		tb.Fatal(diags)
	}
	return b
}

// BenchmarkCompile compiles and marshals every target of a generated
// 1,000-target build (half matrix instances). Load is outside the timer:
// lang's BenchmarkCheck measures it on the same file.
func BenchmarkCompile(b *testing.B) {
	build := load(b, gen.Targets(1000))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, diags := compiler.Compile(ctx, build, compiler.Request{Resolver: &compilertest.Resolver{}})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if len(res.Outputs) != 1000 {
			b.Fatalf("%d outputs", len(res.Outputs))
		}
		for _, o := range res.Outputs {
			if _, err := o.Marshal(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
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

// BenchmarkChain compares buildlang (load, compile, marshal) with the
// Dockerfile frontend's conversion (parse, convert, marshal) of the same
// chained build. Compare ns/step between the two at each size.
func BenchmarkChain(b *testing.B) {
	ctx := context.Background()
	platform := ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	for _, sz := range chainSizes {
		hcl, df := chain(sz[0], sz[1])
		target := fmt.Sprintf("s%d", sz[0]-1)
		steps := float64(sz[0] * sz[1])
		b.Run(fmt.Sprintf("buildlang/%dx%d", sz[0], sz[1]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				build := load(b, hcl)
				res, diags := compiler.Compile(ctx, build, compiler.Request{Targets: []string{target}, Platforms: []ocispecs.Platform{platform}, Resolver: &compilertest.Resolver{}})
				if diags.HasErrors() {
					b.Fatal(diags)
				}
				if _, err := res.Outputs[0].Marshal(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/steps, "ns/step")
		})
		b.Run(fmt.Sprintf("dockerfile2llb/%dx%d", sz[0], sz[1]), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
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
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/steps, "ns/step")
		})
	}
}
