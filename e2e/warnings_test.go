package e2e

import (
	"fmt"

	"github.com/moby/buildkit/client"
	"github.com/org/buildlang/frontend"
	"github.com/tonistiigi/fsutil"
	"path/filepath"
	"strings"
	"testing"
)

// TestFrontendHonoursOrWarns builds through docker buildx what the
// frontend must honour or report: annotations reach the image's manifest;
// a cache policy's export and local import, which only the client can do,
// are warnings under --call check and in the build's output naming the
// buildx flag that does it; lint findings are printed during the build, as
// the Dockerfile frontend prints its own; and a base image published for
// linux/amd64 only, built for linux/arm64, is a warning at its from line
// (the Dockerfile frontend's InvalidBaseImagePlatform).
func TestFrontendHonoursOrWarns(t *testing.T) {
	t.Parallel()
	env := setup(t)
	bx := newBuildx(t, env)
	only := env.Ref("test/amd64-only-" + nonce(t) + ":1")
	env.PushSinglePlatform(t, only, "linux/amd64")
	dir := project(t, map[string]string{"build.hcl": fmt.Sprintf(`# syntax=org/buildlang
cache "c" {
  import = [{ type = "local", src = "cache" }]
  export = [{ type = "local", dest = "cache", mode = "max" }]
}

target "app" {
  from        = "busybox"
  cache       = cache.c
  annotations = { "org.opencontainers.image.title" = "honoured" }
  file {
    path    = "/x"
    content = "x"
  }
}

target "arm" {
  from      = %q
  platforms = ["linux/arm64"]
  file {
    path    = "/y"
    content = "y"
  }
}
`, only)})
	build := func(args ...string) string {
		t.Helper()
		return bx.must(t, dir, append(append([]string{"--builder", bx.builder, "build", "--progress=plain", "-f", "build.hcl"}, args...), ".")...)
	}

	t.Run("call-check", func(t *testing.T) {
		out, _ := bx.build(t, dir, "--call", "check", "--target", "app")
		for _, want := range []string{
			"WARNING: frontend-cache-export", "build.hcl:4", "--cache-to type=local,dest=cache,mode=max",
			"WARNING: frontend-cache-import", "build.hcl:3", "--cache-from type=local,src=cache",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("--call check does not show %q:\n%s", want, out)
			}
		}
	})
	t.Run("build", func(t *testing.T) {
		oci := filepath.Join(t.TempDir(), "oci")
		log := build("--target", "app", "--output", "type=oci,dest="+oci+",tar=false")
		for _, want := range []string{
			"untagged-base-image: Base image without a tag (build.hcl:8)",
			"frontend-cache-export: Cache export not done by the frontend (build.hcl:4)",
			`frontend-cache-import: Cache import of type "local" not done by the frontend (build.hcl:3)`,
		} {
			if !strings.Contains(log, want) {
				t.Errorf("the build's output does not show %q:\n%s", want, tail(log, 40))
			}
		}
		img := openLayout(t, oci).images[0]
		if got := img.Manifest.Annotations["org.opencontainers.image.title"]; got != "honoured" {
			t.Errorf("manifest annotations %v; want org.opencontainers.image.title=honoured", img.Manifest.Annotations)
		}
	})
	t.Run("base-image-platform", func(t *testing.T) {
		log := build("--target", "arm", "--platform", "linux/arm64", "--output", "type=cacheonly")
		want := "base-image-platform: Base image platform mismatch (build.hcl:18)"
		if !strings.Contains(log, want) {
			t.Errorf("the build's output does not show %q:\n%s", want, tail(log, 40))
		}
		log = build("--target", "app", "--platform", "linux/arm64", "--output", "type=cacheonly")
		if strings.Contains(log, "base-image-platform") {
			t.Errorf("busybox has linux/arm64, but the build warns:\n%s", tail(log, 40))
		}
	})
}

// Through the frontend too, a base image without the requested platform
// is an error at its from line when the environment's policy has
// base_platform = true: only the daemon's resolver knows the platforms,
// and the frontend reads them through it. The frontend runs in this test's
// process (the Go client's Build, as buildx runs a frontend image), so the
// test checks this tree's frontend whatever image is pushed.
func TestFrontendBaseImagePlatformPolicy(t *testing.T) {
	t.Parallel()
	env := setup(t)
	only := env.Ref("test/amd64-only-policy-" + nonce(t) + ":1")
	env.PushSinglePlatform(t, only, "linux/amd64")
	dir := project(t, map[string]string{"build.hcl": fmt.Sprintf(`# syntax=org/buildlang
policy "strict" {
  base_platform = true
}

environment "prod" {
  policy = policy.strict
}

target "arm" {
  from      = %q
  platforms = ["linux/arm64"]
  file {
    path    = "/y"
    content = "y"
  }
}
`, only)})
	fs, err := fsutil.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	solve := func(envName string) error {
		_, err := env.Client(t).Build(t.Context(), client.SolveOpt{
			LocalMounts:   map[string]fsutil.FS{"context": fs, "dockerfile": fs},
			FrontendAttrs: map[string]string{"target": "arm", "platform": "linux/arm64", "build-arg:BUILDLANG_ENV": envName},
		}, "buildlang-e2e", frontend.Build, nil)
		return err
	}
	err = solve("prod")
	if err == nil {
		t.Fatal("the prod build succeeded")
	}
	for _, want := range []string{"build.hcl:11", "Base image without the platform", "has no linux/arm64 image, only linux/amd64"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q:\n%v", want, err)
		}
	}
	if err := solve(""); err != nil {
		t.Errorf("without the policy the build fails: %v", err)
	}
}
