package trust_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/compilertest"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
	"github.com/org/buildlang/trust/corpus"
)

// bounded runs f and fails the test if it allocated more than bound
// (see corpus.Cost: counts, not time, so a loaded machine cannot fail
// it). Tests calling it do not run in parallel.
func bounded(t *testing.T, what string, bound corpus.Cost, f func()) corpus.Cost {
	t.Helper()
	c := corpus.Measure(f)
	for _, over := range c.Over(bound) {
		t.Errorf("%s %s", what, over)
	}
	return c
}

func mapFS(files map[string][]byte) fstest.MapFS {
	fsys := fstest.MapFS{}
	for n, d := range files {
		fsys[n] = &fstest.MapFile{Data: d}
	}
	return fsys
}

// check does what `buildlang check` does.
func check(fsys fstest.MapFS, entry string, opts lang.Options) (*lang.Build, hcl.Diagnostics) {
	b, diags := lang.Load(lang.FS(fsys), []string{entry}, opts)
	diags = lint.Check(b, diags)
	return b, diags
}

// compileAll compiles every default target for its default platforms
// with the fixed resolver and marshals each output.
func compileAll(ctx context.Context, b *lang.Build) (*compiler.Result, hcl.Diagnostics, [][]byte, error) {
	res, diags := compiler.Compile(ctx, b, compiler.Request{Resolver: &compilertest.Resolver{}})
	if res == nil {
		return nil, diags, nil, nil
	}
	var defs [][]byte
	for _, o := range res.Outputs {
		def, err := o.Marshal(ctx)
		if err != nil {
			return nil, diags, nil, err
		}
		dt, err := compiler.MarshalDefinition(def)
		if err != nil {
			return nil, diags, nil, err
		}
		defs = append(defs, dt)
	}
	return res, diags, defs, nil
}

// checkRanges requires every diagnostic to be usable: an error has a
// summary, and a range names a file of the build, starts at line and
// column 1 or later, ends after it starts, stays inside the file, and has
// a line that matches its byte offset.
func checkRanges(t *testing.T, files map[string][]byte, diags hcl.Diagnostics) {
	t.Helper()
	bad := 0
	for _, d := range diags {
		if d == nil {
			t.Fatal("nil diagnostic")
		}
		if d.Severity == hcl.DiagError && d.Summary == "" {
			t.Errorf("error without a summary: %+v", d)
		}
		for _, r := range []*hcl.Range{d.Subject, d.Context} {
			if r == nil {
				continue
			}
			if err := rangeProblem(files, *r); err != "" && bad < 5 {
				bad++
				t.Errorf("%s: %s: %s", fmtRange(*r), d.Summary, err)
			}
		}
	}
}

func rangeProblem(files map[string][]byte, r hcl.Range) string {
	src, ok := files[r.Filename]
	switch {
	case !ok:
		return fmt.Sprintf("file %q is not one of the build's", r.Filename)
	case r.Start.Line < 1 || r.Start.Column < 1 || r.End.Line < 1 || r.End.Column < 1:
		return "line or column before 1"
	case r.Start.Byte < 0 || r.End.Byte < r.Start.Byte || r.End.Byte > len(src):
		return fmt.Sprintf("bytes %d-%d outside the file of %d bytes", r.Start.Byte, r.End.Byte, len(src))
	case r.End.Line < r.Start.Line:
		return "ends before it starts"
	}
	if line := bytes.Count(src[:r.Start.Byte], []byte("\n")) + 1; line != r.Start.Line {
		return fmt.Sprintf("line %d, but byte %d is on line %d", r.Start.Line, r.Start.Byte, line)
	}
	return ""
}

func fmtRange(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d-%d:%d", r.Filename, r.Start.Line, r.Start.Column, r.End.Line, r.End.Column)
}

// checkWants requires what a case says it must produce.
func checkWants(t *testing.T, c *corpus.Case, diags hcl.Diagnostics) {
	t.Helper()
	var all []string
	for _, d := range diags {
		all = append(all, d.Summary+": "+d.Detail)
	}
	for _, w := range c.Want {
		found := false
		for _, s := range all {
			if strings.Contains(s, w) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no diagnostic says %q; got:\n%s", w, head(all, 10))
		}
	}
	switch {
	case c.Valid && diags.HasErrors():
		t.Errorf("errors in a case that must load:\n%s", head(all, 10))
	case c.WantError && !diags.HasErrors():
		t.Errorf("no error; got:\n%s", head(all, 10))
	case len(diags) == 0 && !c.Valid:
		t.Errorf("no diagnostics")
	}
}

func head(xs []string, n int) string {
	if len(xs) > n {
		xs = append(xs[:n:n], fmt.Sprintf("... and %d more", len(xs)-n))
	}
	for i, x := range xs {
		if len(x) > 300 {
			xs[i] = x[:300] + "..."
		}
	}
	return strings.Join(xs, "\n")
}
