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
