package lang

import (
	"runtime"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// A bug that panics while a target is evaluated on another goroutine is
// that target's internal error, at its declaration, on any number of
// cores; the other targets are still checked.
func TestResolvePanicIsInternalError(t *testing.T) {
	defer func(f func(*Build, string, ocispecs.Platform) (*TargetSpec, hcl.Diagnostics)) { resolveJob = f }(resolveJob)
	resolveJob = func(b *Build, name string, p ocispecs.Platform) (*TargetSpec, hcl.Diagnostics) {
		if name == "b" {
			panic("planted bug")
		}
		return b.Resolve(name, p)
	}
	src := "target \"a\" {\n  from = \"alpine:3.20\"\n}\ntarget \"b\" {\n  from = \"alpine:3.20\"\n}\ntarget \"c\" {\n  from = \"alpine:${nope}\"\n}\n"
	for _, procs := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(procs)
		b, diags := Load(FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, Options{})
		runtime.GOMAXPROCS(prev)
		var internal, others int
		for _, d := range diags {
			if info := DiagInfoOf(d); info != nil && info.Kind == KindInternal {
				internal++
				if d.Subject == nil || *d.Subject != b.Targets[1].DeclRange {
					t.Errorf("GOMAXPROCS %d: internal error at %v, want target b's declaration %v", procs, d.Subject, b.Targets[1].DeclRange)
				}
			} else {
				others++
			}
		}
		if internal != 1 || others == 0 {
			t.Errorf("GOMAXPROCS %d: %d internal errors and %d others, want 1 and target c's: %v", procs, internal, others, diags)
		}
	}
}
