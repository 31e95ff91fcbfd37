package trust_test

import (
	"context"
	"os"
	"testing"

	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/trust/corpus"
)

// TestOneCase runs the corpus case named by $CORPUS_CASE, for profiling:
// go test ./trust -run TestOneCase -cpuprofile cpu.out.
func TestOneCase(t *testing.T) {
	name := os.Getenv("CORPUS_CASE")
	if name == "" {
		t.Skip("set CORPUS_CASE")
	}
	cases, err := corpus.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Name != name {
			continue
		}
		fsys := mapFS(c.Files)
		var b *lang.Build
		ck := measure(func() { b, _ = check(fsys, c.Entry, lang.Options{}) })
		t.Logf("check %s %d MiB", ck.took, ck.alloc>>20)
		if os.Getenv("CORPUS_COMPILE") != "" {
			cc := measure(func() { compileAll(context.Background(), b) })
			t.Logf("compile %s %d MiB", cc.took, cc.alloc>>20)
		}
		return
	}
	t.Fatalf("no case %q", name)
}
