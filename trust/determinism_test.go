package trust_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/containerd/platforms"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/golden"
	"github.com/org/buildlang/trust/corpus"
)

var updateDigests = flag.Bool("update-digests", false, "rewrite golden/testdata/digests.txt")

// digests compiles a case and returns one line per output: case, target,
// platform and the sha256 of the deterministically marshaled definition,
// then of the image config.
func digests(t testing.TB, c *golden.Case) []string {
	t.Helper()
	out, err := c.Run(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	if out.Result == nil {
		return []string{fmt.Sprintf("%s - - errors %x", c.Name, sha256.Sum256([]byte(golden.FormatDiagnostics(out.Diags))))}
	}
	var lines []string
	for i, o := range out.Result.Outputs {
		dt, err := compiler.MarshalDefinition(out.Defs[i])
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := golden.ConfigJSON(o)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%s %s %s llb:sha256:%x config:sha256:%x", c.Name, o.Target, platforms.FormatAll(o.Platform), sha256.Sum256(dt), sha256.Sum256(cfg)))
	}
	return lines
}

// TestGoldenDigests compiles every golden case and example (in each of its
// environments) and compares the digests of every definition and image
// config with golden/testdata/digests.txt, computed on another machine:
// the same input gives the same LLB everywhere. After an intended change,
// run go test ./trust -run TestGoldenDigests -update-digests.
func TestGoldenDigests(t *testing.T) {
	var got []string
	for _, c := range goldenCases(t) {
		got = append(got, digests(t, c)...)
	}
	text := "# Digests of every golden case's and example's compiled definitions and\n" +
		"# image configs; trust/determinism_test.go checks them. Regenerate with\n" +
		"# go test ./trust -run TestGoldenDigests -update-digests\n" + strings.Join(got, "\n") + "\n"
	path := filepath.Join(corpus.Root(), "golden", "testdata", "digests.txt")
	if *updateDigests {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, []byte(text)) {
		wl := strings.Split(string(want), "\n")
		gl := strings.Split(text, "\n")
		shown := 0
		for i := 0; i < max(len(wl), len(gl)) && shown < 10; i++ {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Errorf("line %d:\n  want %s\n  got  %s", i+1, w, g)
				shown++
			}
		}
		t.Errorf("digests differ from %s; if the change is intended, run go test ./trust -run TestGoldenDigests -update-digests", path)
	}
}

// TestDeterminism100 compiles a sample of cases 100 times each, alternating
// GOMAXPROCS between 1 and 2, and requires the same digests every time.
// (golden's TestDeterminism runs every case 20 times.)
func TestDeterminism100(t *testing.T) {
	runs := 100
	if testing.Short() {
		runs = 10
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	all := goldenCases(t)
	want := map[string]bool{
		"all-steps": true, "matrix-cross": true, "multi-platform": true, "inherits": true, "includes": true,
		"mount-secret-env": true, "named-context": true, "copy-link": true, "example/monorepo": true, "example/release@prod": true,
	}
	n := 0
	for _, c := range all {
		if !want[c.Name] {
			continue
		}
		n++
		first := strings.Join(digests(t, c), "\n")
		for i := 1; i < runs; i++ {
			runtime.GOMAXPROCS(1 + i%2)
			if got := strings.Join(digests(t, c), "\n"); got != first {
				t.Errorf("%s: compile %d differs from the first:\n%s\n%s", c.Name, i, first, got)
				break
			}
		}
	}
	if n < 8 {
		t.Errorf("only %d of the sampled cases exist", n)
	}
}
