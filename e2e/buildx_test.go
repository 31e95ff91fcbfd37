package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// buildx runs docker buildx (standalone: no docker CLI here, and `docker
// buildx build` runs this same binary) with a builder on the e2e buildkitd,
// in a config directory of its own.
type buildx struct {
	bin, builder string
	env          []string
}

func newBuildx(t *testing.T, env *e2eenv.Env) *buildx {
	t.Helper()
	dir, err := e2eenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "buildx")
	if _, err := os.Stat(bin); err != nil {
		msg := "buildx not built (" + err.Error() + "); run hack/e2e-env up, which builds it from hack/buildx"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cfg := t.TempDir()
	bx := &buildx{bin: bin, builder: "buildlang-e2e",
		env: append(os.Environ(), "BUILDX_CONFIG="+filepath.Join(cfg, "buildx"), "DOCKER_CONFIG="+filepath.Join(cfg, "docker"))}
	bx.must(t, "", "create", "--name", bx.builder, "--driver", "remote", env.BuildkitHost)
	return bx
}

func (bx *buildx) run(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bx.bin, args...)
	cmd.Dir, cmd.Env = dir, bx.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (bx *buildx) must(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := bx.run(t, dir, args...)
	if err != nil {
		t.Fatalf("buildx %s: %v\n%s", strings.Join(args, " "), err, tail(out, 40))
	}
	return out
}

// build runs `buildx build --builder B --progress=quiet -f build.hcl args... .`.
func (bx *buildx) build(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	return bx.run(t, dir, append(append([]string{"--builder", bx.builder, "build", "--progress=quiet", "-f", "build.hcl"}, args...), ".")...)
}

// TestBuildx drives the frontend the way Docker users do: buildx build of a
// build.hcl whose first line is "# syntax=org/buildlang", for --call
// targets, outline and check, and for a build that selects an environment
// with --build-arg BUILDLANG_ENV and feeds contexts.NAME with
// --build-context.
func TestBuildx(t *testing.T) {
	t.Parallel()
	env := setup(t)
	bx := newBuildx(t, env)
	dir := project(t, map[string]string{"build.hcl": subrequestBuild})

	t.Run("call-targets", func(t *testing.T) {
		out, err := bx.build(t, dir, "--call", "targets")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, want := range []string{"TARGET", "app (default)", "The application image.", "docs", "The documentation."} {
			if !strings.Contains(out, want) {
				t.Errorf("--call targets does not show %q:\n%s", want, out)
			}
		}
	})
	t.Run("call-outline", func(t *testing.T) {
		out, err := bx.build(t, dir, "--call", "outline", "--target", "app")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, want := range []string{"TARGET:      app", "VERSION", "1.2.3", "Version stamped into the image.", "SECRET", "token"} {
			if !strings.Contains(out, want) {
				t.Errorf("--call outline does not show %q:\n%s", want, out)
			}
		}
	})
	t.Run("call-check", func(t *testing.T) {
		out, err := bx.build(t, dir, "--call", "check")
		if err == nil {
			t.Errorf("--call check with warnings exited 0")
		}
		for _, want := range []string{
			"3 warnings have been found",
			"WARNING: unused-variable", "build.hcl:8", `>>> variable "unused" {`,
			"WARNING: latest-base-image", "build.hcl:19",
			"WARNING: untagged-base-image", "build.hcl:28",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("--call check does not show %q:\n%s", want, out)
			}
		}
	})
	t.Run("build-arg-and-build-context", func(t *testing.T) {
		dir := project(t, map[string]string{
			"build.hcl": `# syntax=org/buildlang
variable "WHO" {
  default = "default-who"
}
environment "prod" {
  vars = { WHO = "prod-who" }
}
target "app" {
  from = "busybox"
  copy {
    from = contexts.extra
    src  = ["n.txt"]
    dest = "/n.txt"
  }
  run {
    command = "echo ${var.WHO} > /who"
  }
}
`,
			"extra/n.txt": "from buildx's build context\n",
		})
		out := t.TempDir()
		log, err := bx.build(t, dir, "--build-arg", "BUILDLANG_ENV=prod", "--build-context", "extra="+filepath.Join(dir, "extra"),
			"--output", "type=local,dest="+out)
		if err != nil {
			t.Fatalf("%v\n%s", err, log)
		}
		if got := readFile(t, out, "who"); got != "prod-who" {
			t.Errorf("/who = %q, want prod-who (BUILDLANG_ENV=prod)", got)
		}
		if got := readFile(t, out, "n.txt"); got != "from buildx's build context" {
			t.Errorf("/n.txt = %q", got)
		}
	})
}
