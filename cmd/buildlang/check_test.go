package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// buildBinary builds the real buildlang command once per test.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the buildlang binary")
	}
	bin := filepath.Join(t.TempDir(), "buildlang")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// writeCase writes a check case's build files into a new directory.
func writeCase(t *testing.T, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("..", "..", "lang", "testdata", "check", name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		if f.Name == "options" || f.Name == "diagnostics" {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, bin, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	for _, s := range []string{r.stdout, r.stderr} {
		if strings.Contains(s, "panic") || strings.Contains(s, "goroutine") {
			t.Fatalf("buildlang %s crashed:\n%s", strings.Join(args, " "), s)
		}
	}
	return r
}

type jsonOutput struct {
	Diagnostics []struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
		Detail   string `json:"detail"`
		Rule     string `json:"rule"`
		Kind     string `json:"kind"`
		Names    []string
		Fixes    []struct{ New string }
		Range    *struct {
			Filename string `json:"filename"`
			Start    struct{ Line, Column int }
		} `json:"range"`
	} `json:"diagnostics"`
}

func TestCheckCommand(t *testing.T) {
	bin := buildBinary(t)

	t.Run("four errors", func(t *testing.T) {
		dir := writeCase(t, "acceptance-four-errors")
		r := run(t, bin, dir, "check", "-f", "build.hcl")
		if r.code != 1 {
			t.Errorf("exit code %d, want 1\n%s", r.code, r.stderr)
		}
		if n := len(regexp.MustCompile(`(?m)^Error: `).FindAllString(r.stderr, -1)); n != 4 {
			t.Errorf("%d Error: blocks, want 4:\n%s", n, r.stderr)
		}
		// Every error has a position and the source line.
		if n := len(regexp.MustCompile(`(?m)^  on build\.hcl line \d+`).FindAllString(r.stderr, -1)); n != 4 {
			t.Errorf("%d positions, want 4:\n%s", n, r.stderr)
		}
		for _, want := range []string{
			`Did you mean "GO_VERSION"?`,
			`Did you mean "linux/arm64"?`,
			`target.a → target.b → target.a`,
			`REPLICAS must be at least 1. (var.REPLICAS is 0)`,
		} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("output lacks %q:\n%s", want, r.stderr)
			}
		}
	})

	t.Run("four errors as json", func(t *testing.T) {
		dir := writeCase(t, "acceptance-four-errors")
		r := run(t, bin, dir, "check", "-f", "build.hcl", "--format", "json")
		if r.code != 1 {
			t.Errorf("exit code %d, want 1", r.code)
		}
		var out jsonOutput
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
		}
		if len(out.Diagnostics) != 4 {
			t.Fatalf("%d diagnostics, want 4: %s", len(out.Diagnostics), r.stdout)
		}
		fixed := false
		for _, d := range out.Diagnostics {
			if d.Severity != "error" || d.Summary == "" || d.Range == nil || d.Range.Filename != "build.hcl" || d.Range.Start.Line == 0 || d.Kind == "" {
				t.Errorf("bad diagnostic: %+v", d)
			}
			if d.Kind == "unknown-reference" && len(d.Names) == 1 && d.Names[0] == "GO_VERSON" && len(d.Fixes) == 1 && d.Fixes[0].New == "GO_VERSION" {
				fixed = true
			}
		}
		if !fixed {
			t.Errorf("no unknown-reference diagnostic about GO_VERSON with the fix GO_VERSION: %s", r.stdout)
		}
	})

	t.Run("warnings only", func(t *testing.T) {
		dir := writeCase(t, "lint-warnings-only-exit-clean")
		r := run(t, bin, dir, "check", "-f", "build.hcl", "--var", "EXTRA=1")
		if r.code != 0 {
			t.Errorf("exit code %d, want 0\n%s", r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "Error:") || !strings.Contains(r.stderr, "Warning: Base image without a tag [untagged-base-image]") {
			t.Errorf("want warnings and no errors:\n%s", r.stderr)
		}

		r = run(t, bin, dir, "check", "--format", "json", "--var", "EXTRA=1")
		if r.code != 0 {
			t.Errorf("json: exit code %d, want 0", r.code)
		}
		var out jsonOutput
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
		}
		rules := map[string]bool{}
		for _, d := range out.Diagnostics {
			if d.Severity != "warning" {
				t.Errorf("not a warning: %+v", d)
			}
			rules[d.Rule] = true
		}
		if !rules["unused-variable"] || !rules["untagged-base-image"] || !rules[""] {
			t.Errorf("want findings of unused-variable, untagged-base-image and one without a rule, got %v", rules)
		}
	})

	t.Run("every environment, --env narrows", func(t *testing.T) {
		dir := writeCase(t, "env-narrowed")
		r := run(t, bin, dir, "check", "--format", "json")
		if r.code != 1 {
			t.Errorf("exit code %d, want 1 (prod's validation fails)", r.code)
		}
		var out struct {
			Diagnostics []struct {
				Summary      string   `json:"summary"`
				Environments []string `json:"environments"`
			} `json:"diagnostics"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
		}
		if len(out.Diagnostics) != 1 || strings.Join(out.Diagnostics[0].Environments, ",") != "prod" {
			t.Errorf("want one diagnostic, in environment prod: %s", r.stdout)
		}
		if r := run(t, bin, dir, "check", "--env", "dev"); r.code != 0 || r.stderr != "" {
			t.Errorf("--env dev: exit code %d, output:\n%s", r.code, r.stderr)
		}
	})

	t.Run("clean", func(t *testing.T) {
		dir := writeCase(t, "clean-full")
		r := run(t, bin, dir, "check")
		if r.code != 0 || r.stderr != "" {
			t.Errorf("exit code %d, output:\n%s", r.code, r.stderr)
		}
	})
}

// A variable's host environment variable needs the same consent in every
// command that reads build files: set but not granted, check, compile and
// build all fail at the env attribute naming --allow env=NAME and never
// use the value; granted (or given with --var), all of them read it.
func TestHostEnvConsentEveryCommand(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "build.hcl"), []byte(`
variable "REGISTRY" {
  default = "localhost:5000"
  env     = "BUILDLANG_TEST_REGISTRY"
}

target "app" {
  from = "busybox"
  tags = ["${var.REGISTRY}/app:1"]
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BUILDKIT_HOST", "unix:///nonexistent/buildkitd.sock")
	t.Setenv("BUILDLANG_TEST_REGISTRY", "registry.example")
	commands := [][]string{{"check"}, {"compile", "app", "--format", "json"}, {"build", "app", "--dry-run"}, {"targets"}}
	for _, args := range commands {
		r := run(t, bin, dir, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "Reading a host environment variable needs consent") ||
			!strings.Contains(r.stderr, "on build.hcl line 4") || !strings.Contains(r.stderr, "pass --allow env=BUILDLANG_TEST_REGISTRY") ||
			strings.Contains(r.stdout, "registry.example") {
			t.Errorf("%v without consent: exit %d\nstdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
		}
		for _, grant := range [][]string{{"--allow", "env=BUILDLANG_TEST_REGISTRY"}, {"--allow", "env=*"}, {"--var", "REGISTRY=registry.example"}} {
			r := run(t, bin, dir, append(slices.Clone(args), grant...)...)
			if r.code != 0 || strings.Contains(r.stderr, "consent") {
				t.Errorf("%v %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, grant, r.code, r.stdout, r.stderr)
			}
			if args[0] == "build" && !strings.Contains(r.stdout, "tags:      registry.example/app:1") {
				t.Errorf("%v %v does not use the value:\n%s", args, grant, r.stdout)
			}
		}
	}
}

// check's memory limit follows the container's: half of memory.max when
// that is under 1 GiB, 512 MiB otherwise (or with no cgroup limit).
func TestShortLivedLimit(t *testing.T) {
	for _, tc := range []struct {
		cgroup string
		want   int64
	}{
		{"", 512 << 20},
		{"max\n", 512 << 20},
		{"4294967296\n", 512 << 20},
		{"536870912\n", 256 << 20},
		{"33554432\n", 64 << 20},
	} {
		if got := shortLivedLimit([]byte(tc.cgroup)); got != tc.want {
			t.Errorf("memory.max %q: limit %d, want %d", tc.cgroup, got, tc.want)
		}
	}
}
