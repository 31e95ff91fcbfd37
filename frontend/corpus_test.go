package frontend

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/trust/corpus"
)

// TestHostileCorpus runs the hostile corpus (trust/corpus) through the
// frontend's own path, without BuildKit: lang.Load with the frontend's
// options (no host environment), then the check error it returns
// (diagnosticsError, with source maps) and the --call check result
// (lintResults). Each must stay within corpus.PathBound (bytes and
// objects allocated, not time: BenchmarkCorpus in trust measures speed)
// and give an error whose source ranges are inside the file. See trust/corpus_test.go
// for check, compile and the language server.
func TestHostileCorpus(t *testing.T) {
	cases, err := corpus.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, d := range c.Files {
				fsys[n] = &fstest.MapFile{Data: d}
			}
			var b *lang.Build
			var diags hcl.Diagnostics
			var res *lint.LintResults
			var buildErr error
			cost := corpus.Measure(func() {
				b, diags = lang.Load(lang.FS(fsys), []string{c.Entry}, lang.Options{Vars: map[string]string{}})
				sm := newSourceMaps(b, nil, nil)
				res = lintResults(b, diags, newSourceIndex(b, sm))
				if diags.HasErrors() {
					buildErr = diagnosticsError(diags, sm)
				}
			})
			for _, over := range cost.Over(corpus.PathBound) {
				t.Error(over)
			}
			if !diags.HasErrors() {
				if res.Error != nil {
					t.Errorf("--call check reports an error without errors: %s", res.Error.Message)
				}
				return
			}
			if buildErr == nil || strings.TrimSpace(buildErr.Error()) == "" || res.Error == nil {
				t.Fatalf("errors, but no build error (%v) or check error", buildErr)
			}
			for _, s := range errdefs.Sources(buildErr) {
				data := c.Files[s.Info.Filename]
				lines := strings.Count(string(data), "\n") + 1
				for _, r := range s.Ranges {
					if r.Start.Line < 1 || r.End.Line < r.Start.Line || int(r.End.Line) > lines {
						t.Errorf("%s: range %v outside its %d lines", s.Info.Filename, r, lines)
					}
				}
			}
		})
	}
}
