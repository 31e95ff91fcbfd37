package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/client/llb"
	"github.com/org/buildlang/frontend"
	"github.com/org/buildlang/internal/e2eenv"
	"github.com/tonistiigi/fsutil"
)

// busyboxDigest is the digest of the e2e registry's busybox:1.35.
func busyboxDigest(t *testing.T, registry string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodHead, "http://"+registry+"/v2/library/busybox/manifests/1.35", nil)
	req.Header.Set("Accept", "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	d := resp.Header.Get("Docker-Content-Digest")
	if d == "" {
		t.Fatalf("no digest for busybox:1.35: %s", resp.Status)
	}
	return d
}

// The frontend reads build.lock from the dockerfile local, as the CLI
// does, so the prod policy (pinned images only) passes for a locked base
// and fails at the base's line without the lock; and BuildKit refuses, by
// the source policy the frontend sends with its solve, a named context the
// build file does not spell, from an unlisted registry (docker.io, which
// the e2e daemon mirrors). (A named context from the allowed registry is
// pinned by dockerui to the digest it resolves, so it passes.)
func TestFrontendLockAndPolicy(t *testing.T) {
	env := setup(t)
	files := map[string]string{"build.hcl": fmt.Sprintf(`policy "strict" {
  registries = [%[1]q]
  pinned     = true
}

environment "prod" {
  policy = policy.strict
}

target "app" {
  from = "%[1]s/library/busybox:1.35"
  file {
    path    = "/nonce"
    content = %[2]q
  }
}

target "ctx" {
  from = contexts.base
}
`, env.Registry, nonce(t))}
	unlocked := project(t, files)
	files["build.lock"] = fmt.Sprintf("image %q {\n  digest    = %q\n  platforms = [\"linux/amd64\"]\n}\n",
		env.Registry+"/library/busybox:1.35", busyboxDigest(t, env.Registry))
	locked := project(t, files)

	out, _ := build{dir: locked, target: "app", opts: []string{"env=prod", "platform=linux/amd64"}}.local(t, env)
	if got := readFile(t, out, "nonce"); got == "" {
		t.Error("the locked build wrote no /nonce")
	}

	log := build{dir: unlocked, target: "app", opts: []string{"env=prod", "platform=linux/amd64"}}.fails(t, env)
	for _, want := range []string{"build.hcl:11", "Image not pinned"} {
		if !strings.Contains(log, want) {
			t.Errorf("without build.lock the error does not say %q:\n%s", want, tail(log, 12))
		}
	}

	log = build{dir: locked, target: "ctx", opts: []string{"env=prod", "platform=linux/amd64",
		"context:base=docker-image://docker.io/library/busybox:1.35"}}.fails(t, env)
	if !strings.Contains(log, `source "docker-image://docker.io/library/busybox:1.35`) || !strings.Contains(log, "denied by policy") {
		t.Errorf("a named context from an unlisted registry was not refused by BuildKit's source policy:\n%s", tail(log, 12))
	}
}

// Through the frontend, a network = "host" step under a policy that
// denies it is refused by the frontend inside the solve, at its line,
// whatever the client grants; where no policy applies (dev), the step
// reaches BuildKit, which refuses it itself unless the client grants
// network.host (buildctl --allow, docker buildx --allow).
func TestFrontendPolicyNetworkHost(t *testing.T) {
	env := setup(t)
	dir := project(t, map[string]string{"build.hcl": e2eenv.HostNetworkPolicyProject(nonce(t))})
	log := build{dir: dir, target: "app", opts: []string{"env=prod"}}.fails(t, env)
	for _, want := range []string{"build.hcl:13", "Network mode not allowed"} {
		if !strings.Contains(log, want) {
			t.Errorf("prod: the frontend's refusal does not say %q:\n%s", want, tail(log, 12))
		}
	}
	log = build{dir: dir, target: "app", opts: []string{"env=dev"}}.fails(t, env)
	if !strings.Contains(log, "network.host is not allowed") {
		t.Errorf("dev without --allow network.host: want BuildKit's entitlement refusal:\n%s", tail(log, 12))
	}
}

// A step whose network mode only the frontend sees, at solve time: a named
// context the client sends as LLB (buildx's input: contexts, as bake's
// target: contexts send a Dockerfile target) that runs on the host's
// network. Under the prod policy the frontend refuses it at the
// contexts.base line; in dev it reaches BuildKit, which refuses it for
// want of the network.host entitlement. The frontend runs in this test's
// process (the Go client's Build), so this tree's frontend is tested.
func TestFrontendPolicyNetworkHostInNamedContext(t *testing.T) {
	t.Parallel()
	env := setup(t)
	dir := project(t, map[string]string{"build.hcl": `policy "strict" {
  deny_network = ["host"]
}

environment "dev" {}

environment "prod" {
  policy = policy.strict
}

target "app" {
  from = contexts.base
}
`})
	fs, err := fsutil.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	base := llb.Image(env.Ref("library/busybox:1.35")).
		Run(llb.Shlex("sh -c 'cat /proc/net/dev > /netdev-"+nonce(t)+"'"), llb.Network(llb.NetModeHost)).Root()
	solve := func(envName string) error {
		_, err := env.Client(t).Build(t.Context(), client.SolveOpt{
			LocalMounts:    map[string]fsutil.FS{"context": fs, "dockerfile": fs},
			FrontendInputs: map[string]llb.State{"base": base},
			FrontendAttrs: map[string]string{"target": "app", "platform": "linux/amd64",
				"context:base": "input:base", "build-arg:BUILDLANG_ENV": envName},
		}, "buildlang-e2e", frontend.Build, nil)
		return err
	}
	err = solve("prod")
	if err == nil {
		t.Fatal("prod: the build succeeded")
	}
	for _, want := range []string{"build.hcl:12", "Network mode not allowed", "contexts.base"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("prod: the error does not say %q:\n%v", want, err)
		}
	}
	if err := solve("dev"); err == nil || !strings.Contains(err.Error(), "network.host is not allowed") {
		t.Errorf("dev: %v, want BuildKit's entitlement refusal", err)
	}
}
