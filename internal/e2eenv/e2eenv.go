package e2eenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containerd/platforms"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/moby/buildkit/client"
)

const (
	// DefaultBuildkitHost is where hack/e2e-env's buildkitd listens.
	DefaultBuildkitHost = "unix:///run/buildlang-e2e/buildkitd.sock"
	// DefaultRegistry is hack/e2e-env's registry (plain HTTP, 127.0.0.1 only).
	DefaultRegistry = "localhost:5000"
	// FrontendRepo is the repository, in the e2e registry, that
	// `hack/e2e-env push-frontend` pushes cmd/buildlang-frontend to.
	FrontendRepo = "org/buildlang"

	startHint = `start the e2e environment (as root) with:

    hack/e2e-env up

and, if its addresses are not the defaults, export them with
    eval "$(hack/e2e-env env)"
See hack/README.md (troubleshooting: hack/e2e-env status; hack/e2e-env logs).`
)

// Env describes a reachable e2e environment.
type Env struct {
	// BuildkitHost is buildkitd's address, for client.New or buildctl --addr.
	BuildkitHost string
	// Registry is the host:port of the plain-HTTP registry; docker.io
	// pulls are mirrored from it (FROM busybox resolves to
	// Registry/library/busybox:latest).
	Registry string
	// Platforms are the platforms the workers run, e.g. "linux/amd64".
	Platforms []string
	// BuildkitVersion is the daemon's version, e.g. "v0.34.2".
	BuildkitVersion string
}

var (
	mu        sync.Mutex
	cached    *Env  // set after the first successful check in this process
	cachedErr error // set after the first failed check in this process
)

// Require returns the e2e environment once buildkitd has answered. When it
// is not reachable it calls t.Fatalf if the CI environment variable is
// "true", and t.Skip otherwise, with instructions to run hack/e2e-env up.
func Require(t testing.TB) *Env {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if cached == nil && cachedErr == nil {
		cached, cachedErr = probe(t.Context())
	}
	if cachedErr != nil {
		unavailable(t, cachedErr.Error())
	}
	e := *cached
	e.Platforms = slices.Clone(cached.Platforms)
	return &e
}

func unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("\n!!! e2e environment required (CI=true) but not available: %s\n!!! %s", msg, startHint)
	}
	t.Skipf("e2e environment not available: %s\n%s", msg, startHint)
}

func probe(ctx context.Context) (*Env, error) {
	env := &Env{
		BuildkitHost: getenv("BUILDKIT_HOST", DefaultBuildkitHost),
		Registry:     getenv("BUILDLANG_E2E_REGISTRY", DefaultRegistry),
	}
	if sock, ok := strings.CutPrefix(env.BuildkitHost, "unix://"); ok {
		if _, err := os.Stat(sock); err != nil {
			return nil, fmt.Errorf("buildkitd socket: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	c, err := client.New(ctx, env.BuildkitHost)
	if err != nil {
		return nil, fmt.Errorf("connecting to buildkitd at %s: %w", env.BuildkitHost, err)
	}
	defer c.Close()
	workers, err := c.ListWorkers(ctx)
	if err != nil {
		return nil, fmt.Errorf("buildkitd at %s does not answer: %w", env.BuildkitHost, err)
	}
	if len(workers) == 0 {
		return nil, fmt.Errorf("buildkitd at %s has no workers", env.BuildkitHost)
	}
	for _, w := range workers {
		for _, p := range w.Platforms {
			s := platforms.Format(p)
			if !slices.Contains(env.Platforms, s) {
				env.Platforms = append(env.Platforms, s)
			}
		}
	}
	if info, err := c.Info(ctx); err == nil {
		env.BuildkitVersion = info.BuildkitVersion.Version
	}
	return env, nil
}

func getenv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// HasPlatform reports whether a worker runs platform p (e.g. "linux/arm64").
func (e *Env) HasPlatform(p string) bool {
	want, err := platforms.Parse(p)
	if err != nil {
		return false
	}
	m := platforms.OnlyStrict(want)
	for _, s := range e.Platforms {
		if have, err := platforms.Parse(s); err == nil && m.Match(have) {
			return true
		}
	}
	return false
}

// Ref returns the reference of repo (e.g. "library/busybox:latest") in the
// e2e registry.
func (e *Env) Ref(repo string) string { return e.Registry + "/" + repo }

// Client returns a new BuildKit client for the daemon, closed when the test
// ends.
func (e *Env) Client(t testing.TB) *client.Client {
	t.Helper()
	c, err := client.New(t.Context(), e.BuildkitHost)
	if err != nil {
		t.Fatalf("e2eenv: client.New(%s): %v", e.BuildkitHost, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Buildctl runs `buildctl --addr <BuildkitHost> args...` (after Require) and
// returns its combined output. The command is killed when the test ends.
func Buildctl(t testing.TB, args ...string) (string, error) {
	t.Helper()
	return Require(t).Buildctl(t, args...)
}

// Buildctl runs `buildctl --addr <e.BuildkitHost> args...` and returns its
// combined output.
func (e *Env) Buildctl(t testing.TB, args ...string) (string, error) {
	t.Helper()
	bin, err := BuildctlPath()
	if err != nil {
		unavailable(t, err.Error())
	}
	cmd := exec.CommandContext(t.Context(), bin, append([]string{"--addr", e.BuildkitHost}, args...)...)
	cmd.Env = append(os.Environ(), "BUILDKIT_HOST="+e.BuildkitHost)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// BinDir returns the directory hack/e2e-env installs its binaries into:
// $BUILDLANG_E2E_BIN, or .e2e/bin in the repository containing the working
// directory.
func BinDir() (string, error) {
	if d := os.Getenv("BUILDLANG_E2E_BIN"); d != "" {
		return d, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, ".e2e", "bin"), nil
}

// BuildctlPath returns the buildctl built by hack/e2e-env, or failing that
// one on $PATH.
func BuildctlPath() (string, error) {
	if d, err := BinDir(); err == nil {
		p := filepath.Join(d, "buildctl")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("buildctl"); err == nil {
		return p, nil
	}
	return "", errors.New("buildctl not found in .e2e/bin, $BUILDLANG_E2E_BIN or $PATH")
}

// RepoRoot returns the repository root: the nearest directory, from the
// working directory up, that contains hack/e2e-env.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "hack", "e2e-env")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("hack/e2e-env not found in any parent of the working directory")
		}
		dir = parent
	}
}

// PushSinglePlatform copies the e2e registry's busybox for one platform to
// dst as a plain manifest, not an index: an image published for that
// platform only, which a registry serves whatever platform is asked.
func (e *Env) PushSinglePlatform(t testing.TB, dst, platform string) {
	t.Helper()
	src, err := name.ParseReference(e.Registry + "/library/busybox:1.35")
	if err != nil {
		t.Fatal(err)
	}
	p, err := v1.ParsePlatform(platform)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(src, remote.WithPlatform(*p), remote.WithContext(t.Context()))
	if err != nil {
		t.Fatalf("reading %s for %s: %v", src, platform, err)
	}
	ref, err := name.ParseReference(dst)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img, remote.WithContext(t.Context())); err != nil {
		t.Fatalf("pushing %s: %v", dst, err)
	}
}
