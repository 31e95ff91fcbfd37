package frontend

import (
	"testing"
	"testing/fstest"

	"github.com/org/buildlang/lang"
)

// A frontend build of one target is not refused because two of its
// siblings in the default group write one dest; check's diagnostics, which
// the lint subrequest gives, still hold the conflict, and a frontend build
// of the default build keeps it.
func TestBuildDiagnosticsOfOneTarget(t *testing.T) {
	src := `
group "default" {
  targets = [target.a, target.b]
}

target "app" {
  from = "busybox:1.35"
}

target "a" {
  from   = "busybox:1.35"
  output = ["type=local,dest=site"]
}

target "b" {
  from   = "busybox:1.35"
  output = ["type=tar,dest=site"]
}
`
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, lang.Options{})
	if !diags.HasErrors() {
		t.Fatalf("check: no conflict reported")
	}
	for _, target := range []string{"app", "a"} {
		if ds := buildDiagnostics(b, diags, target); ds.HasErrors() {
			t.Errorf("--target %s: %v", target, ds)
		}
	}
	if ds := buildDiagnostics(b, diags, ""); !ds.HasErrors() {
		t.Errorf("the default build: the conflict is gone")
	}
}
