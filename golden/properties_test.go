package golden

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/org/buildlang/compiler"
)

// allCases is every golden case plus every example compiled for each of
// its environments (default targets, default platforms).
func allCases(t *testing.T) []*Case {
	t.Helper()
	var out []*Case
	for path, a := range cases(t) {
		c, err := Parse(path, a)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return append(out, exampleCases(t)...)
}

// exampleCases reads ../examples: one case per example and environment.
func exampleCases(t *testing.T) []*Case {
	t.Helper()
	dirs, _ := filepath.Glob("../examples/*/build.hcl")
	var out []*Case
	for _, f := range dirs {
		dir := filepath.Dir(f)
		files, err := ReadBuildFiles(dir)
		if err != nil {
			t.Fatal(err)
		}
		base := &Case{Name: "example " + filepath.Base(dir), Files: files, Entry: []string{"build.hcl"}}
		b, diags := base.load()
		if diags.HasErrors() {
			t.Errorf("%s: %s", base.Name, diags.Error())
			continue
		}
		envs := []string{""}
		for _, e := range b.Environments {
			envs = append(envs, e.Name)
		}
		for _, env := range envs {
			c := *base
			c.Env = env
			c.Name += " env=" + env
			c.Contexts = b.NamedContexts
			out = append(out, &c)
		}
	}
	return out
}

// TestExamples compiles every example for each of its environments.
func TestExamples(t *testing.T) {
	ex := exampleCases(t)
	if len(ex) == 0 {
		t.Skip("no examples")
	}
	for _, c := range ex {
		out, err := c.Run(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if out.Result == nil {
			t.Errorf("%s:\n%s", c.Name, FormatDiagnostics(out.Diags))
		}
	}
}

// fingerprint digests everything a run produced: every output's
// deterministically marshaled definition and image config.
func fingerprint(out *Output) (string, error) {
	if out.Result == nil {
		return FormatDiagnostics(out.Diags), nil
	}
	h := sha256.New()
	for i, o := range out.Result.Outputs {
		dt, err := compiler.MarshalDefinition(out.Defs[i])
		if err != nil {
			return "", err
		}
		j, err := ConfigJSON(o)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d %x %x\n", o.Target, i, sha256.Sum256(dt), sha256.Sum256(j))
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

// TestDeterminism compiles each case 20 times, alternating GOMAXPROCS
// between 1 and 2, and requires identical definitions and configs.
func TestDeterminism(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, c := range allCases(t) {
		var first string
		for i := range 20 {
			runtime.GOMAXPROCS(1 + i%2)
			out, err := c.Run(context.Background())
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			fp, err := fingerprint(out)
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			if i == 0 {
				first = fp
			} else if fp != first {
				t.Errorf("%s: run %d differs from run 0", c.Name, i)
				break
			}
		}
	}
}

// TestSecretValues checks that secret values cannot reach the build graph
// or the image config. lang never sees a secret's value: a secret block
// names only an id and where the CLI reads the value (a host variable or
// a file). So the test plays the client: it makes every host variable a
// secret is read from, and every variable declared sensitive, hold a
// marker, then requires that no marker appears in any marshaled definition
// (ops, vertex names, source maps) or image config. A sensitive variable
// whose value would reach the build must instead be rejected by lang.
// What it proves: the compiler takes secrets by id only and does not read
// the host environment for them; it does not prove anything about values
// the client sends at solve time, which never pass through the compiler.
func TestSecretValues(t *testing.T) {
	for _, c := range allCases(t) {
		b, diags := c.load()
		if diags.HasErrors() {
			continue
		}
		markers := map[string]string{} // host variable or sensitive var → marker
		varEnvs := map[string]bool{}
		for _, v := range b.Variables {
			if v.HostEnv != "" {
				varEnvs[v.HostEnv] = true
			}
		}
		for _, s := range b.Secrets {
			if s.Env != "" && !varEnvs[s.Env] {
				markers[s.Env] = "SECRET-VALUE-" + s.ID + "-7f3a"
			}
		}
		mc := *c
		mc.Vars = maps(c.Vars)
		for _, v := range b.Variables {
			if v.Sensitive && v.Type.FriendlyName() == "string" {
				mc.Vars[v.Name] = "SENSITIVE-VALUE-" + v.Name + "-7f3a"
			}
		}
		mc.HostEnv = func(name string) (string, bool) {
			m, ok := markers[name]
			return m, ok
		}
		out, err := mc.Run(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if out.Result == nil {
			if strings.Contains(FormatDiagnostics(out.Diags), "SECRET-VALUE") {
				t.Errorf("%s: a diagnostic shows a secret value", c.Name)
			}
			continue
		}
		for i, o := range out.Result.Outputs {
			dt, err := compiler.MarshalDefinition(out.Defs[i])
			if err != nil {
				t.Fatal(err)
			}
			j, _ := ConfigJSON(o)
			for _, blob := range [][]byte{dt, j} {
				if bytes.Contains(blob, []byte("-VALUE-")) && bytes.Contains(blob, []byte("-7f3a")) {
					t.Errorf("%s: %s %s: a secret or sensitive value reached the output", c.Name, o.Target, o.Platform.Architecture)
				}
			}
		}
	}
}

func maps(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
