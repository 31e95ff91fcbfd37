package golden

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
	"github.com/org/buildlang/spec"
	"github.com/org/buildlang/trust/corpus"
)

// The property `check` promises: if check is clean (no error, every
// environment evaluated), compile succeeds for every target under every
// declared environment and under none. TestCheckCleanCompiles asserts it
// over the golden cases, the examples, the spec's samples and the hostile
// corpus;
// TestCheckCleanCompilesCatchesCompilerOnlyRule shows it fails when the
// compiler has a rule lang does not.

// propertyInput is one set of build files to check and compile.
type propertyInput struct {
	name  string
	files map[string][]byte
	entry []string
	vars  map[string]string
}

// compileFunc is compiler.Compile, or a stand-in with a planted rule.
type compileFunc func(context.Context, *lang.Build, compiler.Request) (*compiler.Result, hcl.Diagnostics)

// checkImpliesCompile returns nil when check reports an error (the
// property holds vacuously) or when compile succeeds for every target,
// environment (and none) and default platform; else what failed.
func checkImpliesCompile(in propertyInput, compile compileFunc) (checked bool, err error) {
	fsys := fstest.MapFS{}
	for name, data := range in.files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	load := func(env string) (*lang.Build, hcl.Diagnostics) {
		return lang.Load(lang.FS(fsys), in.entry, lang.Options{Env: env, Vars: in.vars})
	}
	b, diags := load("")
	if diags = lint.Check(b, diags); diags.HasErrors() {
		return false, nil
	}
	envs := []string{""}
	for _, e := range b.Environments {
		envs = append(envs, e.Name)
	}
	for _, env := range envs {
		eb, ediags := load(env)
		if ediags.HasErrors() {
			return true, fmt.Errorf("env %q: check is clean, but loading with --env fails:\n%s", env, FormatDiagnostics(ediags))
		}
		for _, batch := range targetBatches(eb) {
			res, cdiags := compile(context.Background(), eb, compiler.Request{Targets: batch, NamedContexts: LocalContexts(eb.NamedContexts)})
			if cdiags.HasErrors() || res == nil {
				return true, fmt.Errorf("env %q, targets %s: check is clean, but compile fails:\n%s", env, strings.Join(batch, ", "), FormatDiagnostics(cdiags))
			}
			for _, o := range res.Outputs {
				if _, err := o.Marshal(context.Background()); err != nil {
					return true, fmt.Errorf("env %q, target %s: check is clean, but marshaling fails: %v", env, o.Target, err)
				}
			}
		}
	}
	return true, nil
}

// targetBatches groups every target so a batch compiles at most a
// thousand outputs (compile refuses more than MaxTargets at once).
func targetBatches(b *lang.Build) [][]string {
	var out [][]string
	var cur []string
	n := 0
	for _, t := range b.Targets {
		if n+len(t.DefaultPlatforms) > 1000 && len(cur) > 0 {
			out, cur, n = append(out, cur), nil, 0
		}
		cur = append(cur, t.Name)
		n += len(t.DefaultPlatforms)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// propertyInputs are the golden cases, each example once, the spec's
// samples that are whole build files, and the hostile corpus.
func propertyInputs(t *testing.T) []propertyInput {
	t.Helper()
	var out []propertyInput
	paths := make([]string, 0)
	all := cases(t)
	for p := range all {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		c, err := Parse(p, all[p])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, propertyInput{name: "golden " + filepath.Base(p), files: c.Files, entry: c.Entry, vars: c.Vars})
	}
	dirs, _ := filepath.Glob("../examples/*/build.hcl")
	for _, f := range dirs {
		files, err := ReadBuildFiles(filepath.Dir(f))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, propertyInput{name: "example " + filepath.Base(filepath.Dir(f)), files: files, entry: []string{"build.hcl"}})
	}
	docs, _ := filepath.Glob("../spec/*.md")
	for _, doc := range append(docs, "../README.md") {
		md, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		samples, err := spec.Samples(filepath.Base(doc), md)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range samples {
			// Samples that include others' files are checked in spec/.
			if (s.Kind == "" || s.Kind == "warning") && s.File == "build.hcl" && !strings.Contains(s.Code, "include") {
				out = append(out, propertyInput{name: "spec " + s.String(), files: map[string][]byte{"build.hcl": []byte(s.Code)}, entry: []string{"build.hcl"}})
			}
		}
	}
	hostile, err := corpus.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range hostile {
		out = append(out, propertyInput{name: "corpus " + c.Name, files: c.Files, entry: []string{c.Entry}})
	}
	return out
}

func TestCheckCleanCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the hostile corpus")
	}
	clean := 0
	for _, in := range propertyInputs(t) {
		checked, err := checkImpliesCompile(in, compiler.Compile)
		if err != nil {
			t.Errorf("%s: %v", in.name, err)
		}
		if checked {
			clean++
		}
	}
	// The property is only as strong as the clean inputs it compiles.
	if clean < 80 {
		t.Errorf("only %d inputs check clean; the property test needs the golden cases and examples to", clean)
	}
}

// A rule only the compiler enforces (planted here: compile refuses a
// linked copy with a chmod, which lang accepts) is exactly what the
// property exists to catch: it must fail on the golden case that does it.
func TestCheckCleanCompilesCatchesCompilerOnlyRule(t *testing.T) {
	planted := func(ctx context.Context, b *lang.Build, req compiler.Request) (*compiler.Result, hcl.Diagnostics) {
		res, diags := compiler.Compile(ctx, b, req)
		if res == nil {
			return res, diags
		}
		for _, o := range res.Outputs {
			for _, s := range o.Spec.Steps {
				if s.Copy != nil && s.Copy.Link && s.Copy.Chmod >= 0 {
					return nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Planted: link with chmod", Subject: s.Range.Ptr()})
				}
			}
		}
		return res, diags
	}
	caught := 0
	for _, in := range propertyInputs(t) {
		if !strings.HasPrefix(in.name, "golden ") {
			continue
		}
		_, err := checkImpliesCompile(in, planted)
		if err != nil {
			if !strings.Contains(err.Error(), "Planted: link with chmod") {
				t.Errorf("%s: %v", in.name, err)
			}
			caught++
		}
	}
	if caught == 0 {
		t.Fatal("the property test did not catch the planted compiler-only rule")
	}
}
