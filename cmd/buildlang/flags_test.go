package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --target is an alias of the positional targets, --platform is parsed
// one way in every command (with the language's suggestions), and --set
// overrides an attribute above --var and the environment.
func TestSharedFlags(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	err := os.WriteFile(filepath.Join(dir, "build.hcl"), []byte(`
variable "TAG" {
  default = "dev"
}

target "app" {
  from = "busybox"
  tags = ["localhost:5000/app:${var.TAG}"]
  run {
    command = "true"
  }
}

target "docs" {
  from = "busybox"
}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("BUILDKIT_HOST", "unix:///nonexistent/buildkitd.sock")

	r := run(t, bin, dir, "build", "--dry-run", "--target", "app", "--var", "TAG=cli", "--set", "app.tags=localhost:5000/app:set", "--set", "app.platform=linux/arm64")
	if r.code != 0 || strings.Contains(r.stdout, "target docs") ||
		!strings.Contains(r.stdout, "target app\n  platforms: linux/arm64\n  tags:      localhost:5000/app:set\n") {
		t.Errorf("build --target app --set: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, bin, dir, "compile", "--format", "json", "app", "--platform", "linux/arm64")
	if r.code != 0 || !strings.Contains(r.stdout, "config app linux/arm64") {
		t.Errorf("compile with a positional target: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, bin, dir, "graph", "--target", "docs")
	if r.code != 0 || strings.Contains(r.stdout, `"app"`) || !strings.Contains(r.stdout, "docs") {
		t.Errorf("graph --target docs: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{
		{"build", "--dry-run", "--platform", "linux/amd46"},
		{"compile", "--platform", "linux/amd46"},
		{"why", "--platform", "linux/amd46"},
		{"history", "list", "--platform", "linux/amd46"},
	} {
		r = run(t, bin, dir, args...)
		if r.code != 2 || !strings.Contains(r.stderr, `--platform "linux/amd46"`) || !strings.Contains(r.stderr, `unknown architecture "amd46"`) {
			t.Errorf("%s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
	}
	r = run(t, bin, dir, "check", "--set", "ap.tags=x")
	if r.code != 1 || !strings.Contains(r.stderr, `no target is named "ap". Did you mean "app"?`) {
		t.Errorf("check --set for no target: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, bin, dir, "check", "--set", "app.tag=x")
	if r.code != 2 || !strings.Contains(r.stderr, `Did you mean "tags"?`) {
		t.Errorf("check --set app.tag: exit %d\n%s", r.code, r.stderr)
	}
}
