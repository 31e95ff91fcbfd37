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

// Bake(n) declares the targets Targets(n) does, under the same names.
func TestBakeMatchesTargets(t *testing.T) {
	src, bake := Targets(100), string(Bake(100))
	if bake != string(Bake(100)) {
		t.Fatal("Bake is not deterministic")
	}
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: src}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, td := range b.Targets {
		if td.Block == td.Name && !bytes.Contains([]byte(bake), []byte("target \""+td.Name+"\" {")) {
			t.Errorf("the bake file lacks target %q", td.Name)
		}
	}
}
