package trust_test

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/golden"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/trust/corpus"
	"golang.org/x/tools/txtar"
)

// goldenCases are every golden case and every example compiled for each
// of its environments (with its named contexts provided), sorted by name:
// the inputs of the determinism and secrets tests.
func goldenCases(t testing.TB) []*golden.Case {
	t.Helper()
	root := corpus.Root()
	paths, err := filepath.Glob(filepath.Join(root, "golden", "testdata", "*.txtar"))
	if err != nil || len(paths) < 50 {
		t.Fatalf("golden cases: %d, %v", len(paths), err)
	}
	var out []*golden.Case
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c, err := golden.Parse(strings.TrimSuffix(filepath.Base(p), ".txtar"), a)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	mains, _ := filepath.Glob(filepath.Join(root, "examples", "*", "build.hcl"))
	for _, m := range mains {
		dir := filepath.Dir(m)
		files, err := golden.ReadBuildFiles(dir)
		if err != nil {
			t.Fatal(err)
		}
		base := &golden.Case{Name: "example/" + filepath.Base(dir), Files: files, Entry: []string{"build.hcl"}, Vars: map[string]string{}}
		envs := []string{""}
		b, diags := loadCase(base)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", base.Name, diags.Error())
		}
		for _, e := range b.Environments {
			envs = append(envs, e.Name)
		}
		for _, env := range envs {
			c := *base
			c.Env = env
			if env != "" {
				c.Name += "@" + env
			}
			c.Contexts = b.NamedContexts
			out = append(out, &c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// loadCase loads a case's build files as golden.Case.Run does.
func loadCase(c *golden.Case) (*lang.Build, hcl.Diagnostics) {
	return lang.Load(lang.FS(mapFS(c.Files)), c.Entry, lang.Options{Env: c.Env, Vars: c.Vars, HostEnv: c.HostEnv})
}
