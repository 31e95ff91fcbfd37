package cli_e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// A base image published for linux/amd64 only, built for linux/arm64, is a
// warning at its from line in buildlang build's output (the Dockerfile
// frontend's InvalidBaseImagePlatform); one that has the platform is not.
func TestBaseImagePlatformWarning(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	only := env.Ref("test/amd64-only-cli-" + runID + ":1")
	env.PushSinglePlatform(t, only, "linux/amd64")
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
target "arm" {
  from      = %q
  platforms = ["linux/arm64"]
  file {
    path    = "/y"
    content = "y"
  }
}

target "ok" {
  from      = "busybox:1.35"
  platforms = ["linux/arm64"]
  file {
    path    = "/y"
    content = "y"
  }
}
`, only)})
	r := mustBuild(t, env, dir, nil, "build", "arm", "--progress", "plain")
	for _, want := range []string{
		"WARNING: base-image-platform: Base image platform mismatch (build.hcl:3)",
		`was pulled with platform "linux/amd64", expected "linux/arm64"`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the output lacks %q:\n%s", want, tail(r.stderr))
		}
	}
	if r := mustBuild(t, env, dir, nil, "build", "ok", "--progress", "plain"); strings.Contains(r.stderr, "base-image-platform") {
		t.Errorf("busybox has linux/arm64, but the build warns:\n%s", tail(r.stderr))
	}
}

// Under an environment whose policy has base_platform = true, the same
// base image built for linux/arm64 fails the build before anything runs,
// at its from line, naming the policy; without the policy it builds.
func TestBaseImagePlatformPolicy(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	only := env.Ref("test/amd64-only-policy-cli-" + runID + ":1")
	env.PushSinglePlatform(t, only, "linux/amd64")
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
target "arm" {
  from      = %q
  platforms = ["linux/arm64"]
  file {
    path    = "/y"
    content = "y"
  }
}

policy "strict" {
  base_platform = true
}

environment "dev" {}

environment "prod" {
  policy = policy.strict
}
`, only)})
	r := buildlang(t, env, dir, nil, "build", "arm", "--env", "prod", "--progress", "plain")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", r.code, tail(r.stderr))
	}
	for _, want := range []string{
		"Error: Base image without the platform", "on build.hcl line 3, in target \"arm\"",
		"Policy strict requires every base image to be published for the platform it is built for (base_platform = true)",
		"has no linux/arm64 image, only linux/amd64",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the output lacks %q:\n%s", want, tail(r.stderr))
		}
	}
	if strings.Contains(r.stderr, "[arm") {
		t.Errorf("the build ran steps:\n%s", tail(r.stderr))
	}
	r = mustBuild(t, env, dir, nil, "build", "arm", "--env", "dev", "--progress", "plain")
	if !strings.Contains(r.stderr, "WARNING: base-image-platform") {
		t.Errorf("without the policy the mismatch is not the warning:\n%s", tail(r.stderr))
	}
}
