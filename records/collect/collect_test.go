package collect_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/patternmatcher/ignorefile"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/records"
	"github.com/org/buildlang/records/collect"
)

const project = `variable "VERSION" {
  default = "1.2.3"
}

locals {
  tag = "v${var.VERSION}"
}

target "app" {
  from = "busybox"
  copy {
    src     = ["src"]
    dest    = "/src/"
    include = ["*.go"]
  }
  copy {
    src  = ["src/*.md"]
    dest = "/doc/"
  }
  run {
    command = "echo ${local.tag} > /v"
    bind "/ctx" {
      from   = context
      source = "src"
    }
  }
}
`

// record compiles the project as buildlang build does (the context sent
// without what .dockerignore names, in a session) and records it.
func record(t *testing.T, dir, session string) *records.Record {
	t.Helper()
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(project)}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	f, err := os.Open(filepath.Join(dir, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	pats, err := ignorefile.ReadAll(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	opts := []llb.LocalOption{llb.ExcludePatterns(pats)}
	if session != "" {
		opts = append(opts, llb.SessionID(session))
	}
	res, diags := compiler.Compile(context.Background(), b, compiler.Request{
		Platforms: []ocispecs.Platform{{OS: "linux", Architecture: "amd64"}},
		Context:   compiler.ContextOptions{LocalOpts: opts},
	})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	def, err := res.Outputs[0].Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rec, err := collect.Record(context.Background(), collect.Input{Target: "app", Platform: "linux/amd64", Def: def.ToPB(),
		Build: b, Locals: map[string]string{"context": dir}, Key: []byte("k"), Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// reads lists what each step reads, "line: path" per file.
func reads(r *records.Record) []string {
	var out []string
	for _, s := range r.Steps {
		for _, rd := range s.Reads {
			for _, i := range rd.Files {
				out = append(out, s.At()+" "+r.Files[i].Path)
			}
		}
	}
	return out
}

func TestRecordReadsWhatBuildKitSends(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		".dockerignore": "src/gen\n",
		"src/main.go":   "package main\n",
		"src/README.md": "hi\n",
		"src/gen/x.go":  "package gen\n",
		"other.go":      "package other\n",
	})
	r := record(t, dir, "session-1")
	want := []string{
		// The include keeps README.md out; .dockerignore keeps gen out.
		"build.hcl:11 src/main.go",
		"build.hcl:16 src/README.md",
		// A bind mount reads everything under its source that is sent.
		"build.hcl:20 src/README.md",
		"build.hcl:20 src/main.go",
	}
	if diff := cmp.Diff(want, reads(r)); diff != "" {
		t.Errorf("reads (-want +got):\n%s", diff)
	}
	var names []string
	for _, s := range r.Steps {
		names = append(names, s.Kind())
		if s.Kind() == "run" && !slices.Equal(s.Vars, []string{"VERSION"}) {
			t.Errorf("run step vars = %v, want VERSION (through local.tag)", s.Vars)
		}
	}
	if !slices.Equal(names, []string{"base", "copy", "copy", "run"}) {
		t.Errorf("steps = %v", names)
	}
	if v := r.Vars["VERSION"]; v == nil || v.Value != "1.2.3" || v.Source != "its default" {
		t.Errorf("VERSION = %+v", v)
	}

	// Another session, or none (why --plan), gives the same keys.
	for _, other := range []*records.Record{record(t, dir, "session-2"), record(t, dir, "")} {
		for i, s := range other.Steps {
			if s.Key != r.Steps[i].Key {
				t.Errorf("%s: key differs with another session", s.Name)
			}
		}
	}

	// A file outside the first copy's include changes only what reads it.
	write(t, dir, map[string]string{"src/README.md": "changed\n", "src/gen/x.go": "package changed\n"})
	after := record(t, dir, "session-3")
	for i, changed := range []bool{false, false, true, true} {
		if got := after.Steps[i].Key != r.Steps[i].Key; got != changed {
			t.Errorf("%s: key changed = %v, want %v", after.Steps[i].Name, got, changed)
		}
	}
	for _, s := range r.Steps {
		s.Status = records.StatusRan // as built
	}
	var got []string
	ex := records.Explain(r, after, true)
	for _, m := range ex.Misses {
		got = append(got, m.Causes[0].Message)
	}
	want = []string{
		"copy at build.hcl:16 reads src/README.md, which changed",
		"bind mount at build.hcl:20 reads src/README.md, which changed",
	}
	if diff := cmp.Diff(want, got); diff != "" || ex.Missed != 2 {
		t.Errorf("prediction: %d missed (-want +got):\n%s", ex.Missed, diff)
	}
}

// A variable reaches a step through an inherited target's args, and a
// matrix instance's steps record its environment's values.
func TestRecordVariablesThroughInherits(t *testing.T) {
	src := `variable "GO" {
  default = "1.22"
}

environment "ci" {
  vars = { GO = "1.23" }
}

target "common" {
  args = { GO_VERSION = var.GO }
}

target "app" {
  inherits = [target.common]
  from     = "busybox"
  run {
    command = "echo $GO_VERSION"
  }
}
`
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, lang.Options{Env: "ci"})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	res, diags := compiler.Compile(context.Background(), b, compiler.Request{Targets: []string{"app"},
		Platforms: []ocispecs.Platform{{OS: "linux", Architecture: "amd64"}}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	def, err := res.Outputs[0].Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r, err := collect.Record(context.Background(), collect.Input{Target: "app", Platform: "linux/amd64", Def: def.ToPB(), Build: b, Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	run := r.Steps[len(r.Steps)-1]
	if run.Kind() != "run" || !slices.Equal(run.Vars, []string{"GO"}) {
		t.Errorf("%s: vars %v, want GO", run.Name, run.Vars)
	}
	if v := r.Vars["GO"]; v == nil || v.Value != "1.23" || v.Source != "environment ci" {
		t.Errorf("GO = %+v, want 1.23 from environment ci", v)
	}
}
