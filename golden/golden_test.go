package golden

import (
	"context"
	"flag"
	"os"
	"path/filepath"
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
