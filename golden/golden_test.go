package golden

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/org/buildlang/internal/textdiff"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the expected output of golden cases")

// cases loads every archive in testdata/.
func cases(t *testing.T) map[string]*txtar.Archive {
	t.Helper()
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*txtar.Archive{}
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = a
	}
	return out
}

func TestGolden(t *testing.T) {
	all := cases(t)
	if len(all) < 50 {
		t.Errorf("only %d golden cases; keep at least 50", len(all))
	}
	for path, a := range all {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			t.Parallel()
			got := render(t, path, a)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := txtar.Format(a)
			if !cmp.Equal(string(want), string(got)) {
				t.Errorf("%s differs (-want +got); run `go test ./golden -update` if the change is right:\n%s", path, textdiff.Lines(string(want), string(got)))
			}
		})
	}
}

func render(t *testing.T, path string, a *txtar.Archive) []byte {
	t.Helper()
	c, err := Parse(path, a)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sections, err := out.Sections()
	if err != nil {
		t.Fatal(err)
	}
	return Render(a, sections)
}

// speltOut is the file of a case that writes out by hand what its build
// files say with a shorthand (mount sets, short-form steps, ...).
const speltOut = "spelt-out.hcl"

// TestSpeltOut compiles each case holding a spelt-out.hcl twice, from its
// build files and from spelt-out.hcl alone, and requires byte-identical
// ops and image configs: the shorthand is only a way of writing. Source
// locations are left out (they point into different files by nature).
func TestSpeltOut(t *testing.T) {
	n := 0
	for path, a := range cases(t) {
		c, err := Parse(path, a)
		if err != nil {
			t.Fatal(err)
		}
		if c.Files[speltOut] == nil {
			continue
		}
		n++
		short, err := c.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		long := *c
		long.Entry = []string{speltOut}
		spelt, err := long.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if short.Result == nil || spelt.Result == nil {
			t.Fatalf("%s: does not compile:\n%s\n%s: %s", path, FormatDiagnostics(short.Diags), speltOut, FormatDiagnostics(spelt.Diags))
		}
		if len(short.Defs) != len(spelt.Defs) {
			t.Fatalf("%s: %d outputs, %s %d", path, len(short.Defs), speltOut, len(spelt.Defs))
		}
		for i := range short.Defs {
			a, b := short.Defs[i].Def, spelt.Defs[i].Def
			if !slices.EqualFunc(a, b, bytes.Equal) {
				t.Errorf("%s: the ops of output %d differ from %s's", path, i, speltOut)
			}
			if d := cmp.Diff(spelt.Defs[i].Metadata, short.Defs[i].Metadata); d != "" {
				t.Errorf("%s: the ops' metadata (names, caps) of output %d differ from %s's (-%s +build files):\n%s", path, i, speltOut, speltOut, d)
			}
			ca, _ := ConfigJSON(short.Result.Outputs[i])
			cb, _ := ConfigJSON(spelt.Result.Outputs[i])
			if !bytes.Equal(ca, cb) {
				t.Errorf("%s: the image config of output %d differs from %s's:\n%s", path, i, speltOut, textdiff.Lines(string(cb), string(ca)))
			}
		}
	}
	if n == 0 {
		t.Errorf("no golden case has a %s", speltOut)
	}
}
