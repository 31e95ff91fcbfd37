package trust_test

import (
	"context"
	"os"
	"testing"
	"time"

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
		start := time.Now()
		ck := corpus.Measure(func() { b, _ = check(fsys, c.Entry, lang.Options{}) })
		t.Logf("check %s, %s", time.Since(start), ck)
		if os.Getenv("CORPUS_COMPILE") != "" {
			start := time.Now()
			cc := corpus.Measure(func() { compileAll(context.Background(), b) })
			t.Logf("compile %s, %s", time.Since(start), cc)
		}
		return
	}
	t.Fatalf("no case %q", name)
}
