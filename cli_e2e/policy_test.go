package cli_e2e

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// The prod environment's strict policy refuses an unpinned base, an image
// from an unlisted registry and a network = "host" step when the files are
// checked, each at its line; dev, without a policy, checks clean.
func TestPolicyRefusesAtCheckTime(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	digest, _ := newRegistry(env).manifest(t, "library/busybox", "1.35")
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`policy "strict" {
  registries   = [%[1]q]
  pinned       = true
  deny_network = ["host"]
}

environment "dev" {}

environment "prod" {
  policy = policy.strict
}

target "app" {
  from = "%[1]s/library/busybox:1.35"
  copy {
    from = image("docker.io/library/busybox:1.35@%[2]s")
    src  = ["/bin/busybox"]
    dest = "/bb"
  }
  run {
    command = "true"
    network = "host"
  }
}
`, env.Registry, digest)})
	r := buildlang(t, env, dir, nil, "check", "--env", "prod")
	if r.code != 1 {
		t.Fatalf("check --env prod: exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, want := range []string{
		"Error: Image not pinned", "on build.hcl line 14",
		"Error: Registry not allowed", "on build.hcl line 16",
		"Error: Network mode not allowed", "on build.hcl line 20",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("check --env prod does not say %q:\n%s", want, r.stderr)
		}
	}
	if r := buildlang(t, env, dir, nil, "check", "--env", "dev"); r.code != 0 {
		t.Errorf("check --env dev: exit %d, want 0\n%s", r.code, r.stderr)
	}
}

// At solve time BuildKit itself refuses what the policy refuses, for a
// source the build file does not spell: a named context given on the
// command line, unpinned or from an unlisted registry (docker.io, which the
// e2e daemon would otherwise pull from its mirror). A pinned image from the
// allowed registry builds, and so does anything in dev.
func TestPolicyRefusedBySolveForNamedContext(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	digest, _ := newRegistry(env).manifest(t, "library/busybox", "1.35")
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`policy "strict" {
  registries = [%q]
  pinned     = true
}

environment "dev" {}

environment "prod" {
  policy = policy.strict
}

target "app" {
  from = contexts.base
  file {
    path    = "/run-id"
    content = %q
  }
}
`, env.Registry, runID)})
	build := func(envName, base string) result {
		return buildlang(t, env, dir, nil, "build", "app", "--env", envName, "--progress", "plain",
			"--build-context", "base=docker-image://"+base, "-o", "type=local,dest="+t.TempDir())
	}
	for _, base := range []string{
		env.Registry + "/library/busybox:1.35",
		"docker.io/library/busybox:1.35@" + digest,
	} {
		r := build("prod", base)
		if r.code == 0 || !strings.Contains(r.stderr, "denied by policy") {
			t.Errorf("prod with base=%s: exit %d, want BuildKit's policy refusal:\n%s", base, r.code, tail(r.stderr))
		}
	}
	if r := build("prod", env.Registry+"/library/busybox:1.35@"+digest); r.code != 0 {
		t.Errorf("prod with a pinned base from the allowed registry: exit %d\n%s", r.code, tail(r.stderr))
	}
	if r := build("dev", env.Registry+"/library/busybox:1.35"); r.code != 0 {
		t.Errorf("dev with an unpinned base: exit %d\n%s", r.code, tail(r.stderr))
	}
}

// network = "host" under a policy that denies it never reaches BuildKit
// with the entitlement: `buildlang build --env prod` refuses it at its
// line even with --allow network.host, before anything is solved (the
// compiler refuses it as the check does, so the builder, which asks BuildKit
// only for entitlements compiled steps need, never asks for network.host
// under such a policy); and BuildKit itself refuses a host-network step
// that reaches it without the entitlement: the same step compiled in dev,
// where the policy does not apply, sent by buildctl without --allow.
func TestPolicyDeniedNetworkHostAtSolveTime(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	dir := writeFiles(t, map[string]string{"build.hcl": e2eenv.HostNetworkPolicyProject(runID)})
	r := buildlang(t, env, dir, nil, "build", "app", "--env", "prod", "--allow", "network.host", "--progress", "plain", "-o", "type=local,dest="+t.TempDir())
	if r.code != 1 || !strings.Contains(r.stderr, "Network mode not allowed") || !strings.Contains(r.stderr, "on build.hcl line 13") || strings.Contains(r.stderr, "#1 ") {
		t.Errorf("prod with --allow network.host: exit %d, want the policy's refusal at line 13 before any solve:\n%s", r.code, tail(r.stderr))
	}

	def := mustBuild(t, env, dir, nil, "compile", "app", "--env", "dev", "--format", "llb").stdout
	bin, err := e2eenv.BuildctlPath()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), bin, "--addr", env.BuildkitHost, "build", "--progress", "plain")
	cmd.Stdin = strings.NewReader(def)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "network.host is not allowed") {
		t.Errorf("buildctl build of the host-network step without --allow: %v, want BuildKit's entitlement refusal:\n%s", err, tail(string(out)))
	}
}
