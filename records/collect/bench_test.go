package collect_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/records"
	"github.com/org/buildlang/records/collect"
)

// BigBuild is a target of n steps: a copy of a context file every tenth
// step, a run step every tenth, file steps between (hack/bench-why builds
// the same file on BuildKit).
func BigBuild(n int) string {
	var b strings.Builder
	b.WriteString("variable \"VERSION\" {\n  default = \"1.0.0\"\n}\n\ntarget \"big\" {\n  from = \"busybox\"\n")
	for i := 1; i < n; i++ {
		switch {
		case i%10 == 0:
			fmt.Fprintf(&b, "  copy {\n    src  = [\"src/f%d.txt\"]\n    dest = \"/src/\"\n  }\n", i/10)
		case i%10 == 5:
			fmt.Fprintf(&b, "  run {\n    command = \"echo %d ${var.VERSION} >> /log\"\n  }\n", i)
		default:
			fmt.Fprintf(&b, "  file {\n    path    = \"/f/%d\"\n    content = \"%d\"\n  }\n", i, i)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// bigProject compiles BigBuild(n) with its context files in a directory.
func bigProject(tb testing.TB, n int) (*lang.Build, *pb.Definition, string) {
	tb.Helper()
	dir := tb.TempDir()
	for i := 0; i <= n/10; i++ {
		p := filepath.Join(dir, "src", fmt.Sprintf("f%d.txt", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(strings.Repeat("x", 1000)+fmt.Sprint(i)), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(BigBuild(n))}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		tb.Fatal(diags)
	}
	res, diags := compiler.Compile(context.Background(), b, compiler.Request{
		Platforms: []ocispecs.Platform{{OS: "linux", Architecture: "amd64"}},
		Context:   compiler.ContextOptions{LocalOpts: []llb.LocalOption{llb.SessionID("s")}},
	})
	if diags.HasErrors() {
		tb.Fatal(diags)
	}
	def, err := res.Outputs[0].Marshal(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return b, def.ToPB(), dir
}

func input(b *lang.Build, def *pb.Definition, dir string) collect.Input {
	vs := map[digest.Digest]collect.Vertex{}
	for d := range def.Metadata {
		vs[digest.Digest(d)] = collect.Vertex{Completed: true}
	}
	return collect.Input{Target: "big", Platform: "linux/amd64", Def: def, Build: b,
		Locals: map[string]string{"context": dir}, Vertices: vs, Key: []byte("k"), Time: time.Now()}
}

// BenchmarkRecord1000 is what buildlang build spends on the record of a
// 1,000-step build: collecting it (files hashed) and saving it.
func BenchmarkRecord1000(b *testing.B) {
	build, def, dir := bigProject(b, 1000)
	store := records.Open(filepath.Join(b.TempDir(), records.StateDir))
	var size int64
	for b.Loop() {
		rec, err := collect.Record(context.Background(), input(build, def, dir))
		if err != nil {
			b.Fatal(err)
		}
		if err := store.Save(rec); err != nil {
			b.Fatal(err)
		}
	}
	es, _ := store.List()
	size = es[len(es)-1].Size
	b.ReportMetric(float64(size)/10, "bytes/100steps")
}

// BenchmarkWhy1000 is buildlang why on two records of a 1,000-step build
// whose 50th context file changed: list, load both, explain, print.
func BenchmarkWhy1000(b *testing.B) {
	build, def, dir := bigProject(b, 1000)
	store := records.Open(filepath.Join(b.TempDir(), records.StateDir))
	for i := range 2 {
		if i == 1 {
			os.WriteFile(filepath.Join(dir, "src", "f50.txt"), []byte("changed"), 0o644)
		}
		in := input(build, def, dir)
		in.Time = in.Time.Add(time.Duration(i) * time.Second)
		rec, err := collect.Record(context.Background(), in)
		if err != nil {
			b.Fatal(err)
		}
		for j, s := range rec.Steps {
			if i == 0 || j < 500 {
				s.Status = records.StatusCached
			}
		}
		if err := store.Save(rec); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		es, err := store.List()
		if err != nil {
			b.Fatal(err)
		}
		prev, err1 := store.Load(es[0])
		cur, err2 := store.Load(es[1])
		if err1 != nil || err2 != nil {
			b.Fatal(err1, err2)
		}
		ex := records.Explain(prev, cur, false)
		if len(ex.Misses) != 1 || !strings.Contains(ex.Misses[0].Causes[0].Message, "reads src/f50.txt, which changed") {
			b.Fatalf("misses: %+v", ex.Misses)
		}
		ex.Print(io.Discard)
	}
}
