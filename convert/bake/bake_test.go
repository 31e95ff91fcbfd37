package bake_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/convert/bake"
	"github.com/org/buildlang/convert/hclgen"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/format"
	"github.com/org/buildlang/lang/lint"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the build.hcl and warnings of the testdata cases")

// Each testdata/*.txtar case is a docker-bake.hcl with the Dockerfiles it
// names, and the build.hcl (and warnings) the converter writes for them.
// The conversion must be fmt-clean and check without errors.
func TestConvert(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases in testdata: %v", err)
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files := map[string][]byte{}
			for _, f := range a.Files {
				files[f.Name] = f.Data
			}
			read := func(name string) ([]byte, error) {
				if d, ok := files[filepath.ToSlash(filepath.Clean(name))]; ok {
					return d, nil
				}
				return nil, fmt.Errorf("%s: no such file", name)
			}
			f := &hclgen.File{}
			warns, err := bake.Convert(f, files["docker-bake.hcl"], "docker-bake.hcl", read)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			var ws strings.Builder
			for _, w := range warns {
				ws.WriteString(w.String() + "\n")
			}
			if *update {
				a.Files = setFile(a.Files, "build.hcl", got)
				a.Files = setFile(a.Files, "warnings", []byte(ws.String()))
				if err := os.WriteFile(p, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := files["build.hcl"]; !bytes.Equal(got, want) {
				t.Errorf("build.hcl:\ngot:\n%s\nwant:\n%s", got, want)
			}
			if want := string(files["warnings"]); ws.String() != want {
				t.Errorf("warnings:\ngot:\n%s\nwant:\n%s", ws.String(), want)
			}
			if formatted, _ := format.Source(got, "build.hcl"); !bytes.Equal(formatted, got) {
				t.Errorf("not buildlang fmt-clean:\n%s", formatted)
			}
			fsys := fstest.MapFS{"build.hcl": {Data: got}}
			b, diags := lang.Load(lang.FS(fsys), []string{"build.hcl"}, lang.Options{NoLock: true})
			for _, d := range lint.Check(b, diags) {
				if d.Severity == hcl.DiagError || strings.HasPrefix(d.Summary, "Unused") {
					t.Errorf("buildlang check: %s", d.Error())
				}
			}
		})
	}
}

func setFile(fs []txtar.File, name string, data []byte) []txtar.File {
	if len(data) == 0 {
		out := fs[:0]
		for _, f := range fs {
			if f.Name != name {
				out = append(out, f)
			}
		}
		return out
	}
	for i := range fs {
		if fs[i].Name == name {
			fs[i].Data = data
			return fs
		}
	}
	return append(fs, txtar.File{Name: name, Data: data})
}
