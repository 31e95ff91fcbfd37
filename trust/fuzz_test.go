package trust_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/trust/corpus"
	"golang.org/x/tools/txtar"
)

// fuzzInput turns fuzz data into build files: a txtar archive with files
// is a set of them (the first, or build.hcl, loaded), anything else is
// build.hcl itself, as lang's FuzzCheck reads it.
func fuzzInput(data []byte) (fstest.MapFS, string) {
	ar := txtar.Parse(data)
	fsys := fstest.MapFS{}
	entry := ""
	for _, f := range ar.Files {
		if f.Name == "" || !filepath.IsLocal(f.Name) || filepath.ToSlash(filepath.Clean(f.Name)) != f.Name {
			continue
		}
		if entry == "" || f.Name == "build.hcl" {
			entry = f.Name
		}
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	if entry == "" {
		return fstest.MapFS{"build.hcl": {Data: data}}, "build.hcl"
	}
	return fsys, entry
}

// FuzzCompile loads arbitrary input and, when it checks without errors,
// compiles every default target with the fixed resolver, twice: nothing
// may panic, diagnostics must have usable ranges, and the two
// compilations must marshal to the same bytes. Seeded with every golden
// case and example, and the small seeds of the hostile corpus.
func FuzzCompile(f *testing.F) {
	for _, c := range goldenCases(f) {
		ar := &txtar.Archive{}
		for _, e := range c.Entry {
			ar.Files = append(ar.Files, txtar.File{Name: e, Data: c.Files[e]})
		}
		for n, d := range c.Files {
			if n != c.Entry[0] {
				ar.Files = append(ar.Files, txtar.File{Name: n, Data: d})
			}
		}
		f.Add(txtar.Format(ar))
	}
	seeds, err := corpus.Seeds()
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range seeds {
		if d := c.Files[c.Entry]; len(c.Files) == 1 && len(d) <= 16<<10 {
			f.Add(d)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		fsys, entry := fuzzInput(data)
		files := map[string][]byte{}
		for n, mf := range fsys {
			files[n] = mf.Data
		}
		b, diags := check(fsys, entry, lang.Options{})
		for _, d := range diags {
			if d.Subject != nil {
				if msg := rangeProblem(files, *d.Subject); msg != "" {
					t.Fatalf("%s: %s: %s", fmtRange(*d.Subject), d.Summary, msg)
				}
			}
		}
		if diags.HasErrors() {
			return
		}
		_, _, first, err := compileAll(context.Background(), b)
		if err != nil {
			t.Fatal(err)
		}
		b2, _ := check(fsys, entry, lang.Options{})
		_, _, second, err := compileAll(context.Background(), b2)
		if err != nil {
			t.Fatal(err)
		}
		if len(first) != len(second) {
			t.Fatalf("%d outputs, then %d", len(first), len(second))
		}
		for i := range first {
			if !bytes.Equal(first[i], second[i]) {
				t.Fatalf("output %d differs between two compilations", i)
			}
		}
	})
}

var _ = os.ReadFile
