package cli_e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// A step with network = "host" needs --allow network.host: without it the
// build fails before anything is solved (no daemon is even started), with
// the step's file and line and the flag to pass; with it, a daemon that
// permits the entitlement builds it.
func TestNetworkHostNeedsAllow(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	dir := writeFiles(t, map[string]string{"build.hcl": `
target "app" {
  from = "busybox"
  run {
    command = "cat /proc/net/dev > /netdev"
    network = "host"
  }
  output = ["type=local,dest=out"]
}
`})
	denv := daemonlessEnv(t, env)
	denv["BUILDKITD_FLAGS"] += " --allow-insecure-entitlement network.host"

	r := buildlang(t, env, dir, denv, "build", "--progress", "plain")
	for _, want := range []string{"Entitlement network.host not granted", "on build.hcl line 4", "RUN cat /proc/net/dev > /netdev", "pass --allow network.host"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("without --allow, the error lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 1 || strings.Contains(r.stderr, "private buildkitd") {
		t.Errorf("without --allow: exit %d, want 1 before any daemon is started:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("without --allow, an output was written")
	}

	r = mustBuild(t, env, dir, denv, "build", "--allow", "network.host", "--progress", "plain")
	// Lint findings are printed with the build's warnings, as the
	// Dockerfile frontend prints its own.
	if want := "WARNING: needs-entitlement: Step needs the network.host entitlement (build.hcl:6)"; !strings.Contains(r.stderr, want) {
		t.Errorf("the build's output lacks %q:\n%s", want, tail(r.stderr))
	}
	if dt, err := os.ReadFile(filepath.Join(dir, "out", "netdev")); err != nil || !strings.Contains(string(dt), "lo:") {
		t.Errorf("with --allow network.host: out/netdev = %q, %v", dt, err)
	}
}

// A secret block whose src is outside the build context needs
// --allow fs.read: without it the build stops before BuildKit is contacted
// (the address is one nothing listens on), so no byte of the file can
// reach a daemon, and the message names the file and the flag; with it
// the step sees the file.
func TestSecretOutsideContextNeedsAllow(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	home := t.TempDir()
	marker := "OUTSIDE-MARKER-" + runID
	key := filepath.Join(home, "id_rsa")
	if err := os.WriteFile(key, []byte(marker), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
secret "k" {
  src = %q
}

target "app" {
  from     = "busybox"
  no_cache = true
  run {
    command = "sha256sum /run/secrets/k | cut -d' ' -f1 > /k.sha256"
    secret "k" {}
  }
  output = ["type=local,dest=out"]
}
`, key)})

	r := buildlang(t, env, dir, map[string]string{"BUILDKIT_HOST": "unix:///nonexistent.sock"}, "build", "--progress", "plain")
	for _, want := range []string{"Reading outside the build context needs consent", "on build.hcl line 2", key, "pass --allow fs.read=" + key} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("without --allow, the error lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 1 || strings.Contains(r.stderr, "nonexistent") || strings.Contains(r.stdout+r.stderr, marker) {
		t.Errorf("exit %d; want 1 without contacting BuildKit or showing the file:\n%s", r.code, r.stderr)
	}

	r = mustBuild(t, env, dir, nil, "build", "--allow", "fs.read="+home, "--progress", "plain")
	sum := sha256.Sum256([]byte(marker))
	if got, err := os.ReadFile(filepath.Join(dir, "out", "k.sha256")); err != nil || strings.TrimSpace(string(got)) != hex.EncodeToString(sum[:]) {
		t.Errorf("with --allow fs.read: k.sha256 = %q, %v", got, err)
	}
	if strings.Contains(r.stdout+r.stderr, marker) {
		t.Error("the output shows the secret")
	}
}
