package cli_e2e

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/org/buildlang/internal/e2eenv"
)

func listenLocal() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// A release pushed with semver_tags lands under every tag, all pointing at
// the digest the build reports.
func TestPushSemverTags(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
variable "RUN" {}

target "app" {
  from = "busybox"
  file {
    path    = "/run-id"
    content = var.RUN
  }
  tags = semver_tags("%s/test/app", "1.2.3")
}
`, env.Registry)})
	md := filepath.Join(dir, "md.json")
	r := mustBuild(t, env, dir, nil, "build", "--push", "--var", "RUN="+runID, "--progress", "plain", "--metadata-file", md)

	digest, _ := readMetadata(t, md)["app"]["containerimage.digest"].(string)
	if !strings.HasPrefix(digest, "sha256:") {
		t.Fatalf("metadata has no containerimage.digest:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "pushed  "+env.Registry+"/test/app:1.2.3") || !strings.Contains(r.stderr, digest) {
		t.Errorf("summary does not show the push and digest:\n%s", r.stderr)
	}
	reg := newRegistry(env)
	tags := reg.tags(t, "test/app")
	for _, tag := range []string{"1.2.3", "1.2", "1", "latest"} {
		if !slices.Contains(tags, tag) {
			t.Errorf("tag %s missing from %v", tag, tags)
			continue
		}
		got, body := reg.manifest(t, "test/app", tag)
		if got != digest {
			t.Errorf("test/app:%s is %s, want %s", tag, got, digest)
		}
		var m struct {
			MediaType string
			Layers    []any
		}
		if err := json.Unmarshal(body, &m); err != nil || len(m.Layers) < 2 {
			t.Errorf("test/app:%s: not an image manifest with the base and file layers: %s", tag, body)
		}
	}
}

// The targets of a group solve at the same time: their steps' run times
// (from the rawjson progress, BuildKit's own clock) overlap. How long a
// group takes against its slowest target is hack/bench-build's figure.
func TestGroupBuildsInParallel(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	var b strings.Builder
	for _, n := range []string{"one", "two", "three"} {
		fmt.Fprintf(&b, `
target %q {
  from     = "busybox"
  no_cache = true
  run {
    command = "sleep 3 && echo %s > /out"
  }
}
`, n, n)
	}
	b.WriteString("\ngroup \"default\" {\n  targets = [target.one, target.two, target.three]\n}\n")
	dir := writeFiles(t, map[string]string{"build.hcl": b.String()})
	r := mustBuild(t, env, dir, nil, "build", "--progress", "rawjson")

	var starts, ends []time.Time
	for name, v := range vertices(t, r.stderr) {
		if !strings.Contains(name, "RUN sleep 3") {
			continue
		}
		if v.Started == nil || v.Completed == nil || v.Cached {
			t.Fatalf("%s: not run (started %v, completed %v, cached %v)", name, v.Started, v.Completed, v.Cached)
		}
		starts, ends = append(starts, *v.Started), append(ends, *v.Completed)
	}
	if len(starts) != 3 {
		t.Fatalf("found %d sleep steps in the progress, want 3:\n%s", len(starts), r.stderr)
	}
	lastStart, firstEnd := slices.MaxFunc(starts, time.Time.Compare), slices.MinFunc(ends, time.Time.Compare)
	if !lastStart.Before(firstEnd) {
		t.Errorf("steps did not overlap: the last started at %s, after the first finished at %s", lastStart, firstEnd)
	}
	for _, n := range []string{"one", "two", "three"} {
		if !regexp.MustCompile(`(?m)^` + n + `\s+built `).MatchString(r.stderr) {
			t.Errorf("summary has no line for %s:\n%s", n, r.stderr)
		}
	}
}

// Without BUILDKIT_HOST and without a daemon at the default socket,
// buildlang starts its own buildkitd with its own state and socket, builds,
// and removes it, leaving the shared daemon alone.
func TestDaemonless(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	const otelSock = "/run/buildkit/otel-grpc.sock"
	before, _ := os.Stat(otelSock)
	dir := writeFiles(t, map[string]string{
		"build.hcl": `
target "hello" {
  from = "busybox"
  copy {
    src  = ["msg.txt"]
    dest = "/msg.txt"
  }
  run {
    command = "cat /msg.txt > /out.txt && echo built >> /out.txt"
  }
  output = ["type=local,dest=out"]
}
`,
		"msg.txt": "from the context\n",
	})
	r := mustBuild(t, env, dir, daemonlessEnv(t, env), "build", "--progress", "plain")

	m := regexp.MustCompile(`started a private buildkitd \(pid (\d+), state in (\S+)\)`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no private buildkitd was started:\n%s", r.stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "out", "out.txt"))
	if err != nil || string(got) != "from the context\nbuilt\n" {
		t.Errorf("out/out.txt = %q, %v", got, err)
	}
	if _, err := os.Stat(m[2]); !os.IsNotExist(err) {
		t.Errorf("the private daemon's state %s was not removed (%v)", m[2], err)
	}
	var pid int
	fmt.Sscan(m[1], &pid)
	if syscall.Kill(pid, 0) == nil {
		t.Errorf("the private buildkitd (pid %d) is still running", pid)
	}
	// The shared daemon still answers, and its trace socket is untouched.
	if _, err := env.Client(t).ListWorkers(t.Context()); err != nil {
		t.Errorf("the shared buildkitd stopped answering: %v", err)
	}
	if after, _ := os.Stat(otelSock); before != nil && (after == nil || !os.SameFile(before, after)) {
		t.Errorf("%s of the shared daemon was replaced", otelSock)
	}
}

// A target without platforms is built for the daemon's platform, not
// the client's: a private daemon whose only worker platform is linux/arm64
// (through qemu) builds for linux/arm64.
func TestDefaultsToDaemonPlatform(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	if !env.HasPlatform("linux/arm64") {
		t.Fatalf("no linux/arm64 emulation (platforms %v); hack/e2e-env up registers qemu", env.Platforms)
	}
	dir := writeFiles(t, map[string]string{"build.hcl": `
target "app" {
  from = "busybox"
  run {
    command = "uname -m > /arch"
  }
  output = ["type=local,dest=out"]
}
`})
	denv := daemonlessEnv(t, env)
	denv["BUILDKITD_FLAGS"] += " --oci-worker-platform linux/arm64"
	r := mustBuild(t, env, dir, denv, "build", "--progress", "plain")
	if got, err := os.ReadFile(filepath.Join(dir, "out", "arch")); err != nil || strings.TrimSpace(string(got)) != "aarch64" {
		t.Errorf("out/arch = %q, %v; want aarch64", got, err)
	}
	if !regexp.MustCompile(`(?m)^app\s+built\s+linux/arm64 `).MatchString(r.stderr) {
		t.Errorf("summary does not say linux/arm64:\n%s", tail(r.stderr))
	}
}

// A cache policy exporting to a local directory, then a fresh daemon (a
// second daemonless run, with empty state) importing it: the run step is a
// cache hit.
func TestCacheAcrossFreshDaemons(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	cacheDir := filepath.Join(t.TempDir(), "cache")
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
variable "RUN" {}

cache "local" {
  import = [{ type = "local", src = %[1]q }]
  export = [{ type = "local", dest = %[1]q, mode = "max" }]
}

target "app" {
  from  = "busybox"
  cache = cache.local
  run {
    command = "echo ${var.RUN} > /stamp && sleep 1"
  }
}
`, cacheDir)})
	denv := daemonlessEnv(t, env)
	// The cache directory is outside the build context: the user grants it.
	allow := "--allow=fs=" + cacheDir
	first := mustBuild(t, env, dir, denv, "build", allow, "--var", "RUN="+runID, "--progress", "rawjson")
	step := "[app linux/amd64 2/2] RUN echo " + runID + " > /stamp && sleep 1"
	if v := vertices(t, first.stderr)[step]; v == nil || v.Cached {
		t.Fatalf("first build: %q should run uncached: %+v", step, v)
	}
	if _, err := os.Stat(filepath.Join(cacheDir, "index.json")); err != nil {
		t.Fatalf("no cache exported: %v", err)
	}
	second := mustBuild(t, env, dir, denv, "build", allow, "--var", "RUN="+runID, "--progress", "rawjson")
	if v := vertices(t, second.stderr)[step]; v == nil || !v.Cached {
		t.Errorf("second build on a fresh daemon: %q should be a cache hit: %+v", step, v)
	}
	// The base image is pulled by the fresh daemon; the run step is cached.
	if !strings.Contains(second.stderr, "2 steps (1 cached)") {
		t.Errorf("summary does not count the cached steps:\n%s", tail(second.stderr))
	}
}

// A secret from a host environment variable reaches the step that mounts
// it, and nothing else: not the image, not the metadata, not the output.
func TestSecretFromEnv(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	secret := "s3cret-" + runID
	dir := writeFiles(t, map[string]string{"build.hcl": `
secret "token" {
  env = "E2E_TOKEN"
}

target "app" {
  from     = "busybox"
  no_cache = true # a secret is not part of the cache key
  run {
    command = "printf %s \"$TOKEN\" | sha256sum | cut -d' ' -f1 > /token.sha256"
    secret "token" {
      env = "TOKEN"
    }
  }
  output = ["type=local,dest=out", "type=oci,dest=app.tar"]
}
`})
	md := filepath.Join(dir, "md.json")
	r := mustBuild(t, env, dir, map[string]string{"E2E_TOKEN": secret}, "build", "--allow", "env=E2E_TOKEN", "--progress", "plain", "--metadata-file", md)

	sum := sha256.Sum256([]byte(secret))
	got, err := os.ReadFile(filepath.Join(dir, "out", "token.sha256"))
	if err != nil || strings.TrimSpace(string(got)) != hex.EncodeToString(sum[:]) {
		t.Errorf("the step did not see the secret: token.sha256 = %q, %v", got, err)
	}
	err = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		dt, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(dt), secret) {
			t.Errorf("%s contains the secret", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, blob := range ociBlobs(t, filepath.Join(dir, "app.tar")) {
		if strings.Contains(string(blob), secret) {
			t.Errorf("the OCI image contains the secret")
		}
	}
	if strings.Contains(r.stdout+r.stderr, secret) {
		t.Errorf("the output shows the secret")
	}
}

// --platform with two platforms gives an OCI index of two images, each
// built (run step included) for its own architecture.
func TestMultiPlatformIndex(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	if !env.HasPlatform("linux/arm64") {
		t.Fatalf("the e2e buildkitd has no linux/arm64 worker (platforms %v); hack/e2e-env up registers qemu", env.Platforms)
	}
	dir := writeFiles(t, map[string]string{"build.hcl": `
target "app" {
  from = "busybox"
  run {
    command = "uname -m > /arch"
  }
}
`})
	r := mustBuild(t, env, dir, nil, "build", "--platform", "linux/amd64,linux/arm64", "--output", "type=oci,dest=app.tar", "--progress", "plain")
	if !strings.Contains(r.stderr, "linux/amd64,linux/arm64") {
		t.Errorf("summary does not list both platforms:\n%s", tail(r.stderr))
	}
	blobs := ociBlobs(t, filepath.Join(dir, "app.tar"))
	var top struct {
		Manifests []struct {
			MediaType string
			Digest    string
		}
	}
	if err := json.Unmarshal(blobs["index.json"], &top); err != nil || len(top.Manifests) != 1 {
		t.Fatalf("index.json: %v %s", err, blobs["index.json"])
	}
	var index struct {
		MediaType string
		Manifests []struct {
			Digest   string
			Platform struct{ Architecture, OS string }
		}
	}
	if err := json.Unmarshal(blobs[top.Manifests[0].Digest], &index); err != nil {
		t.Fatal(err)
	}
	if index.MediaType != "application/vnd.oci.image.index.v1+json" || len(index.Manifests) != 2 {
		t.Fatalf("want an OCI index of two manifests, got %s", blobs[top.Manifests[0].Digest])
	}
	want := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}
	for _, m := range index.Manifests {
		var man struct {
			Config struct{ Digest string }
			Layers []struct{ Digest string }
		}
		if err := json.Unmarshal(blobs[m.Digest], &man); err != nil || len(man.Layers) == 0 {
			t.Fatalf("manifest %s: %v", m.Digest, err)
		}
		var cfg struct{ Architecture, OS string }
		json.Unmarshal(blobs[man.Config.Digest], &cfg)
		if cfg.Architecture != m.Platform.Architecture || cfg.OS != "linux" {
			t.Errorf("manifest for %s has config %s/%s", m.Platform.Architecture, cfg.OS, cfg.Architecture)
		}
		arch := fileInLayer(t, blobs[man.Layers[len(man.Layers)-1].Digest], "arch")
		if strings.TrimSpace(arch) != want[m.Platform.Architecture] {
			t.Errorf("%s image: uname -m said %q, want %q", m.Platform.Architecture, arch, want[m.Platform.Architecture])
		}
		delete(want, m.Platform.Architecture)
	}
	if len(want) != 0 {
		t.Errorf("no manifest for %v", want)
	}
}

// Pushes through a registry that refuses the manifest (503) and then
// accepts it. Refused twice, BuildKit's own retries (containerd retries a
// 503 once at once, BuildKit's resolver after 1s, 2s, 4s) get it through;
// refused eight times, BuildKit gives up after about 7s and buildlang
// solves again, the steps cached, and pushes. Either way the retries are
// reported and the tag ends up at the reported digest.
func TestPushRetriesTransientErrors(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	for _, tc := range []struct {
		name    string
		refuse  int
		summary string
		ours    int // "retrying" notes from buildlang
	}{
		{"refused twice", 2, "retried 1 registry request(s) (in BuildKit) after: ", 0},
		{"refused eight times", 8, "retried the push 1 time(s) after: ", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			px := newProxy(t, env, func(r *http.Request, n int) int {
				if n < tc.refuse {
					return http.StatusServiceUnavailable
				}
				return 0
			})
			repo := fmt.Sprintf("test/retry%d-%s", tc.refuse, runID)
			dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
target "app" {
  from = "busybox"
  file {
    path    = "/id"
    content = %q
  }
  tags = ["%s/%s:1"]
}
`, repo, px.addr, repo)})
			md := filepath.Join(dir, "md.json")
			r := mustBuild(t, env, dir, nil, "build", "--push", "--progress", "plain", "--metadata-file", md)

			if n := strings.Count(r.stderr, "push failed with a transient registry error, retrying"); n != tc.ours {
				t.Errorf("buildlang retried the solve %d times, want %d:\n%s", n, tc.ours, tail(r.stderr))
			}
			if !strings.Contains(r.stderr, tc.summary) || !strings.Contains(r.stderr, "503 Service Unavailable") {
				t.Errorf("summary does not say what was retried (%q):\n%s", tc.summary, tail(r.stderr))
			}
			puts := count(px.requests(), func(s string) bool { return strings.HasPrefix(s, "PUT ") && strings.Contains(s, "/manifests/") })
			if puts != tc.refuse+1 {
				t.Errorf("registry saw %d manifest PUTs, want %d (%d refused, 1 accepted)", puts, tc.refuse+1, tc.refuse)
			}
			digest, _ := readMetadata(t, md)["app"]["containerimage.digest"].(string)
			if got, _ := newRegistry(env).manifest(t, repo, "1"); got == "" || got != digest {
				t.Errorf("%s:1 is %q, want %q", repo, got, digest)
			}
		})
	}
}

// A push that fails after uploading the layers leaves the tag where it
// was: the manifest, which moves the tag, is pushed last.
func TestFailedPushKeepsOldTag(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	repo := "test/atomic-" + runID
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
variable "REGISTRY" {}
variable "CONTENT" {}

target "app" {
  from = "busybox"
  file {
    path    = "/content"
    content = var.CONTENT
  }
  tags = ["${var.REGISTRY}/%s:1"]
}
`, repo)})
	mustBuild(t, env, dir, nil, "build", "--push", "--var", "REGISTRY="+env.Registry, "--var", "CONTENT=old "+runID, "--progress", "plain")
	reg := newRegistry(env)
	old, _ := reg.manifest(t, repo, "1")
	if old == "" {
		t.Fatal("the first push left no tag")
	}

	// The new content goes through a proxy that refuses manifests outright
	// (400 is not transient: no retry).
	px := newProxy(t, env, func(*http.Request, int) int { return http.StatusBadRequest })
	r := buildlang(t, env, dir, nil, "build", "--push", "--var", "REGISTRY="+px.addr, "--var", "CONTENT=new "+runID, "--progress", "plain")
	if r.code != 1 {
		t.Fatalf("the refused push exited %d, want 1:\n%s", r.code, tail(r.stderr))
	}
	if strings.Contains(r.stderr, "retrying") {
		t.Errorf("a 400 was retried:\n%s", tail(r.stderr))
	}
	reqs := px.requests()
	if count(reqs, func(s string) bool { return strings.Contains(s, "/blobs/uploads/") }) == 0 {
		t.Errorf("no blob was uploaded before the manifest, so the test shows nothing: %v", reqs)
	}
	if got, _ := reg.manifest(t, repo, "1"); got != old {
		t.Errorf("%s:1 moved from %s to %s after a failed push", repo, old, got)
	}
}

// Ctrl-C during a long step: the build stops without waiting for the step
// (its output after the sleep never shows), exits 130, and pushes nothing;
// in daemonless mode the private daemon is stopped and its state removed
// too.
func TestInterruptCancelsCleanly(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	for _, daemonless := range []bool{false, true} {
		name := "shared daemon"
		if daemonless {
			name = "daemonless"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			repo := fmt.Sprintf("test/sigint-%s-%v", runID, daemonless)
			dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
target "slow" {
  from     = "busybox"
  no_cache = true
  run {
    command = "echo started && sleep 30 && echo slept"
  }
  tags = ["%s/%s:1"]
}
`, env.Registry, repo)})
			var extra map[string]string
			if daemonless {
				extra = daemonlessEnv(t, env)
			}
			cmd := exec.CommandContext(t.Context(), binary, "build", "--push", "--progress", "plain")
			cmd.Dir = dir
			cmd.Env = cmdEnv(env, extra)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var log strings.Builder
			started := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				sc := bufio.NewScanner(stderr)
				once := false
				for sc.Scan() {
					log.WriteString(sc.Text() + "\n")
					// The step's own output: it is running.
					if !once && strings.HasSuffix(sc.Text(), " started") && strings.HasPrefix(sc.Text(), "#") {
						once = true
						close(started)
					}
				}
			}()
			select {
			case <-started:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("the step never started:\n%s", log.String())
			}
			time.Sleep(500 * time.Millisecond)
			sent := time.Now()
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			<-done
			err = cmd.Wait()
			out := log.String()
			t.Logf("stopped %s after SIGINT", time.Since(sent).Round(time.Millisecond))
			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Errorf("exit %d (%v), want 130:\n%s", code, err, tail(out))
			}
			if stepOutput(out, "slept") {
				t.Errorf("the build waited for the step to finish after SIGINT:\n%s", tail(out))
			}
			if !strings.Contains(out, "build interrupted") || !regexp.MustCompile(`(?m)^slow\s+canceled`).MatchString(out) {
				t.Errorf("no interruption message:\n%s", tail(out))
			}
			if tags := newRegistry(env).tags(t, repo); len(tags) > 0 {
				t.Errorf("an interrupted build pushed %s:%v", repo, tags)
			}
			if daemonless {
				m := regexp.MustCompile(`started a private buildkitd \(pid (\d+), state in (\S+)\)`).FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("no private buildkitd was started:\n%s", out)
				}
				var pid int
				fmt.Sscan(m[1], &pid)
				if syscall.Kill(pid, 0) == nil {
					t.Errorf("the private buildkitd (pid %d) still runs after Ctrl-C", pid)
				}
				if _, err := os.Stat(m[2]); !os.IsNotExist(err) {
					t.Errorf("the private daemon's state %s was not removed after Ctrl-C (%v)", m[2], err)
				}
			}
		})
	}
}

// One failing target stops the others, unless --keep-going; both exit 1
// and name the failed target.
func TestFailureStopsOthersUnlessKeepGoing(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	dir := writeFiles(t, map[string]string{"build.hcl": `
target "broken" {
  from     = "busybox"
  no_cache = true
  run {
    command = "sleep 1 && echo failing on purpose && exit 3"
  }
}

target "slow" {
  from     = "busybox"
  no_cache = true
  run {
    command = "sleep 20 && echo slow done"
  }
}

group "default" {
  targets = [target.broken, target.slow]
}
`})
	r := buildlang(t, env, dir, nil, "build", "--progress", "plain")
	if r.code != 1 || !strings.Contains(r.stderr, `target "broken" failed`) {
		t.Errorf("exit %d; want 1 naming the broken target:\n%s", r.code, tail(r.stderr))
	}
	// slow sleeps 20 s, well past the broken step even on a loaded
	// machine: canceled, it never prints what it prints after the sleep.
	if !regexp.MustCompile(`(?m)^slow\s+canceled`).MatchString(r.stderr) || stepOutput(r.stderr, "slow done") {
		t.Errorf("slow was not canceled:\n%s", tail(r.stderr))
	}

	r = buildlang(t, env, dir, nil, "build", "--progress", "plain", "--keep-going")
	if r.code != 1 || !strings.Contains(r.stderr, `target "broken" failed`) {
		t.Errorf("--keep-going: exit %d; want 1 naming the broken target:\n%s", r.code, tail(r.stderr))
	}
	if !regexp.MustCompile(`(?m)^slow\s+built`).MatchString(r.stderr) || !stepOutput(r.stderr, "slow done") {
		t.Errorf("--keep-going: slow did not finish:\n%s", tail(r.stderr))
	}
}

// A required secret nobody provides stops the build before BuildKit is
// contacted, saying which secret, which target and how to provide it.
func TestMissingSecretFailsBeforeBuilding(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	dir := writeFiles(t, map[string]string{"build.hcl": `
secret "npm_token" {
  env = "E2E_UNSET_TOKEN"
}

target "deps" {
  from = "busybox"
  run {
    command = "true"
    secret "npm_token" {
      env = "NPM_TOKEN"
    }
  }
}
`})
	// An address nothing listens on: the check must come first.
	r := buildlang(t, env, dir, map[string]string{"E2E_UNSET_TOKEN": "", "BUILDKIT_HOST": "unix:///nonexistent.sock"}, "build")
	for _, want := range []string{`secret "npm_token"`, `target "deps"`, "E2E_UNSET_TOKEN is not set", "--secret id=npm_token"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("message lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 1 || strings.Contains(r.stderr, "nonexistent") {
		t.Errorf("exit %d; want 1 without contacting BuildKit:\n%s", r.code, r.stderr)
	}
}

// ociBlobs reads an OCI layout tarball: index.json and blobs by digest.
func ociBlobs(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		dt, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		name := h.Name
		if rest, ok := strings.CutPrefix(name, "blobs/sha256/"); ok {
			name = "sha256:" + rest
		}
		out[name] = dt
	}
	return out
}

// fileInLayer returns a file's content from a gzipped layer tarball.
func fileInLayer(t *testing.T, layer []byte, name string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(string(layer)))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return ""
		}
		if strings.TrimPrefix(h.Name, "./") == name {
			dt, _ := io.ReadAll(tr)
			return string(dt)
		}
	}
}

func tail(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}

// A step's CDI device needs the device entitlement: buildlang build asks
// the daemon for it only with --allow device (every device) or
// --allow device=NAME, on a buildkitd of its own with a fake device
// (e2eenv.CDIDaemon), which permits the entitlement. Without the grant
// BuildKit refuses the step.
func TestDeviceEntitlement(t *testing.T) {
	t.Parallel()
	env := e2eenv.CDIDaemon(t, e2eenv.Require(t))
	dir := writeFiles(t, map[string]string{"build.hcl": `
target "app" {
  from     = "busybox"
  no_cache = true
  run {
    command = "test \"$FAKE_DEVICE\" = dev0"
    device "vendor.test/fake=dev0" {
      required = true
    }
  }
}
`})
	r := buildlang(t, env, dir, nil, "build", "--progress", "plain")
	if r.code != 1 || !strings.Contains(r.stderr, "device vendor.test/fake=dev0 is requested by the build but not allowed; if you trust this build file, pass --allow device") {
		t.Errorf("without --allow device: exit %d, want 1, BuildKit's refusal and the flag:\n%s", r.code, tail(r.stderr))
	}
	for _, grant := range []string{"device", "device=vendor.test/fake=dev0"} {
		mustBuild(t, env, dir, nil, "build", "--progress", "plain", "--allow", grant)
	}
}
