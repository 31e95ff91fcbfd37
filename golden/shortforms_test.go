package golden

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/buildkit/client/llb"
	"github.com/org/buildlang/compiler/dump"
	"github.com/org/buildlang/internal/textdiff"
)

// TestShortFormsCompileAsLongForms holds the short forms (labelled run
// and copy steps, ...) to their promise: a golden case with a long.hcl
// beside its build.hcl writes the same build in the long forms, and the
// two compile to the same LLB, byte for byte (ops and their metadata;
// only the source map, which points at lines, differs), and the same
// image configs.
func TestShortFormsCompileAsLongForms(t *testing.T) {
	n := 0
	for path, a := range cases(t) {
		c, err := Parse(path, a)
		if err != nil {
			t.Fatal(err)
		}
		if c.Files["long.hcl"] == nil {
			continue
		}
		n++
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			long := *c
			long.Entry = []string{"long.hcl"}
			outs := [2]*Output{}
			for i, cs := range []*Case{c, &long} {
				out, err := cs.Run(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if out.Result == nil || out.Diags.HasErrors() {
					t.Fatalf("%s: %s", cs.Entry[0], FormatDiagnostics(out.Diags))
				}
				outs[i] = out
			}
			short, long2 := outs[0], outs[1]
			if len(short.Defs) != len(long2.Defs) {
				t.Fatalf("build.hcl has %d outputs, long.hcl %d", len(short.Defs), len(long2.Defs))
			}
			for i := range short.Defs {
				s, l := short.Defs[i], long2.Defs[i]
				if !slices.EqualFunc(s.Def, l.Def, bytes.Equal) {
					t.Errorf("%s: the LLB ops differ:\n%s", short.Result.Outputs[i].Target, llbDiff(t, l, s))
				}
				if d := cmp.Diff(l.Metadata, s.Metadata); d != "" {
					t.Errorf("%s: the ops' metadata differ (-long +short):\n%s", short.Result.Outputs[i].Target, d)
				}
				sj, _ := ConfigJSON(short.Result.Outputs[i])
				lj, _ := ConfigJSON(long2.Result.Outputs[i])
				if !bytes.Equal(sj, lj) {
					t.Errorf("%s: the image configs differ (-long +short):\n%s", short.Result.Outputs[i].Target, textdiff.Lines(string(lj), string(sj)))
				}
			}
		})
	}
	if n < 2 {
		t.Errorf("only %d golden cases with a long.hcl; each short form has one", n)
	}
}

// llbDiff shows how two definitions differ, as the golden dumps do.
func llbDiff(t *testing.T, want, got *llb.Definition) string {
	t.Helper()
	text := func(d *llb.Definition) string {
		g, err := dump.Load([]dump.Result{{Name: "out", Def: d.ToPB()}})
		if err != nil {
			t.Fatal(err)
		}
		return dump.Text(g)
	}
	return textdiff.Lines(text(want), text(got))
}
