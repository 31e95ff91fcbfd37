package gen

import (
	"bytes"
	"testing"

	"github.com/org/buildlang/lang"
	"testing/fstest"
)

func TestTargetsLoads(t *testing.T) {
	src := Targets(100)
	if !bytes.Equal(src, Targets(100)) {
		t.Fatal("Targets is not deterministic")
	}
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: src}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(b.Targets) != 100 {
		t.Fatalf("got %d targets, want 100", len(b.Targets))
	}
}
