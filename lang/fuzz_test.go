package lang_test

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
	"golang.org/x/tools/txtar"
)

// FuzzCheck loads arbitrary input as `buildlang check` would and asserts
// that nothing panics and every diagnostic is usable. An input that parses
// as a txtar archive with files is a set of build files (the first one, or
// build.hcl, is loaded); anything else is build.hcl itself. The corpus is
// seeded with every check case, every example and the hostile seeds of
// testdata/bad.
func FuzzCheck(f *testing.F) {
	for _, path := range checkCases(f) {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			f.Fatal(err)
		}
		var files txtar.Archive
		for _, file := range ar.Files {
			if file.Name != optionsSection && file.Name != diagnosticsSection {
				files.Files = append(files.Files, file)
			}
		}
		f.Add(txtar.Format(&files))
		if len(files.Files) > 0 {
			f.Add(files.Files[0].Data)
		}
	}
	// Each example directory becomes one archive, its build.hcl first.
	examples, _ := filepath.Glob(filepath.Join("..", "examples", "*", "build.hcl"))
	for _, main := range examples {
		dir := filepath.Dir(main)
		ar := &txtar.Archive{}
		err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() || filepath.Ext(path) != ".hcl" {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, path)
			file := txtar.File{Name: filepath.ToSlash(rel), Data: data}
			if rel == "build.hcl" {
				ar.Files = append([]txtar.File{file}, ar.Files...)
			} else {
				ar.Files = append(ar.Files, file)
			}
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(txtar.Format(ar))
	}
	// And the hostile corpus's seeds (trust/corpus adds big generated ones).
	bad, _ := filepath.Glob(filepath.Join("testdata", "bad", "*"))
	for _, p := range bad {
		if data, err := os.ReadFile(p); err == nil && len(data) <= 64<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys, name := fuzzFiles(data)
		b, diags := lang.Load(lang.FS(fsys), []string{name}, lang.Options{})
		checkDiagnostics(t, diags)
		if b == nil {
			t.Fatal("Load returned a nil Build")
		}
		checkDiagnostics(t, lint.Run(b))
	})
}

func fuzzFiles(data []byte) (fstest.MapFS, string) {
	ar := txtar.Parse(data)
	fsys := fstest.MapFS{}
	name := ""
	for _, f := range ar.Files {
		if !validFuzzName(f.Name) {
			continue
		}
		if name == "" || f.Name == "build.hcl" {
			name = f.Name
		}
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	if name == "" {
		return fstest.MapFS{"build.hcl": {Data: data}}, "build.hcl"
	}
	return fsys, name
}

func validFuzzName(name string) bool {
	return name != "" && name != "." && filepath.IsLocal(name) && filepath.ToSlash(filepath.Clean(name)) == name
}

func checkDiagnostics(t *testing.T, diags hcl.Diagnostics) {
	t.Helper()
	for _, d := range diags {
		if d == nil {
			t.Fatal("nil diagnostic")
		}
		if d.Severity == hcl.DiagError && d.Summary == "" {
			t.Errorf("error without a summary: %+v", d)
		}
		if d.Subject != nil && d.Subject.Filename == "" {
			t.Errorf("diagnostic with a range but no file name: %s: %s", d.Summary, d.Detail)
		}
	}
}
