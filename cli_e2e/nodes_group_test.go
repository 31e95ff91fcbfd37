package cli_e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/org/buildlang/internal/e2eenv"
)

// A ten-image group over three buildkitd started here, each running one
// step at a time: a1 (unix socket, no emulators: it runs linux/amd64
// only) and a2 (unix socket, emulating linux/arm64), both declared for
// linux/amd64, and arm (TCP with TLS from certificates made here,
// configured for linux/arm64 first: the stand-in for a native arm64
// machine), declared for linux/arm64. In turn:
//
//   - all three live: every image's amd64 part lands on a1 or a2 (both
//     used), its arm64 part on arm; one index per tag; each platform's
//     image runs uname -m as that platform;
//   - Ctrl-C (SIGINT to buildlang) while every node runs a step: each
//     node's builds end, buildlang exits 130, no tag is pushed;
//   - arm is killed mid-build: its unfinished arm64 parts are built again
//     on a2, the only node left that runs arm64, and every index is
//     complete and correct;
//   - a2, now the only node that runs arm64, is killed mid-build: the
//     build fails naming a2 and the targets, and no tag is pushed.
func TestNodesTenImagesOnThree(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	a1 := startNode(t, env, nodeSpec{noEmulation: true})
	a2 := startNode(t, env, nodeSpec{})
	arm := startNode(t, env, nodeSpec{platform: "linux/arm64", tls: true})
	nodes := []string{"--node", a1.node("a1", "linux/amd64"), "--node", a2.node("a2", "linux/amd64"), "--node", arm.node("arm", "linux/arm64")}
	repo := "test/ten-" + runID
	reg := newRegistry(env)
	var checks []imageCheck // indexes to run, per platform, at the end

	t.Run("placement", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"build.hcl": tenImages(env, repo, "1", false, "echo NAME > /name && uname -m > /arch")})
		meta := filepath.Join(dir, "meta.json")
		r := mustBuild(t, env, dir, nil, append([]string{"build", "--push", "--progress", "plain", "--metadata-file", meta}, nodes...)...)
		md := readMetadata(t, meta)
		amdOn := map[string]int{}
		armDigests := digestsBuilt(t, arm)
		for i := range 10 {
			name := fmt.Sprint("t", i)
			on := partNodes(t, md[name])
			amdOn[on["linux/amd64"]]++
			if (on["linux/amd64"] != "a1" && on["linux/amd64"] != "a2") || on["linux/arm64"] != "arm" {
				t.Errorf("%s's parts: %v; want linux/amd64 on a1 or a2 (declared), linux/arm64 on arm", name, on)
			}
			dgst, idx := readIndex(t, reg, repo+"-"+name, "1")
			if md[name]["containerimage.digest"] != dgst {
				t.Errorf("%s: metadata digest %v, the tag has %s", name, md[name]["containerimage.digest"], dgst)
			}
			// The arm node's own history says it built the arm64 image.
			if d := idx["linux/arm64"]; !armDigests[d] {
				t.Errorf("%s's linux/arm64 image %s is not one the arm node's history exported (%v)", name, d, armDigests)
			}
			checks = append(checks, imageCheck{name, repo + "-" + name + "@" + dgst})
		}
		if amdOn["a1"] == 0 || amdOn["a2"] == 0 {
			t.Errorf("the amd64 parts went %v; want them spread over a1 and a2", amdOn)
		}
		for _, n := range []string{"a1", "a2", "arm"} {
			if !regexp.MustCompile(`(?m)^node ` + n + ` \(.*\): t\d`).MatchString(r.stderr) {
				t.Errorf("no summary line for node %s:\n%s", n, tail(r.stderr))
			}
		}
	})

	t.Run("ctrl-c", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"build.hcl": tenImages(env, repo, "int", true, "echo started-NAME-$(uname -m) && sleep 60")})
		// No step ends (they sleep 60s) and each node runs one at a time,
		// so three started steps are one on every node.
		running := make(chan struct{})
		started := 0
		run := startBuild(t, env, dir, func(line string) {
			if stepStarted.MatchString(line) {
				if started++; started == 3 {
					close(running)
				}
			}
		}, append([]string{"build", "--push", "--progress", "plain"}, nodes...)...)
		select {
		case <-running:
		case <-time.After(2 * time.Minute):
			run.cmd.Process.Kill()
			t.Fatalf("the steps did not start on every node:\n%s", tail(run.wait(t).stderr))
		}
		for _, d := range []*nodeDaemon{a1, a2, arm} {
			if len(d.history(t, true)) == 0 {
				t.Errorf("node %s runs no build before Ctrl-C", d.addr)
			}
		}
		signaled := time.Now()
		run.cmd.Process.Signal(syscall.SIGINT)
		r := run.wait(t)
		t.Logf("buildlang exited %d, %s after SIGINT", r.code, time.Since(signaled).Round(time.Millisecond))
		if r.code != 130 || !strings.Contains(r.stderr, "build interrupted") {
			t.Errorf("after SIGINT: exit %d in %s, want 130 and \"build interrupted\":\n%s", r.code, time.Since(signaled), tail(r.stderr))
		}
		for _, d := range []*nodeDaemon{a1, a2, arm} {
			deadline := time.Now().Add(30 * time.Second)
			for len(d.history(t, true)) > 0 {
				if time.Now().After(deadline) {
					t.Errorf("node %s still runs a build 30s after Ctrl-C", d.addr)
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
		}
		noTags(t, reg, repo, "int")
	})

	t.Run("kill-one", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"build.hcl": tenImages(env, repo, "2", true, "echo started-NAME-$(uname -m) && sleep 1 && echo NAME > /name && uname -m > /arch")})
		meta := filepath.Join(dir, "meta.json")
		armStarted := 0
		run := startBuild(t, env, dir, func(line string) {
			if m := stepStarted.FindStringSubmatch(line); m != nil && m[2] == "aarch64" {
				if armStarted++; armStarted == 3 {
					arm.kill() // two arm64 steps done, one running, seven waiting
				}
			}
		}, append([]string{"build", "--push", "--progress", "plain", "--metadata-file", meta}, nodes...)...)
		r := run.wait(t)
		if r.code != 0 {
			t.Fatalf("the build with arm killed: exit %d\n%s", r.code, tail(r.stderr))
		}
		if !strings.Contains(r.stderr, "WARNING: node arm stopped answering; rebuilding its targets on the other nodes") {
			t.Errorf("no note of the lost node:\n%s", tail(r.stderr))
		}
		md := readMetadata(t, meta)
		armOn := map[string]int{}
		for i := range 10 {
			name := fmt.Sprint("t", i)
			on := partNodes(t, md[name])
			armOn[on["linux/arm64"]]++
			dgst, _ := readIndex(t, reg, repo+"-"+name, "2")
			checks = append(checks, imageCheck{name, repo + "-" + name + "@" + dgst})
		}
		t.Logf("arm64 parts built on: %v", armOn)
		// The unfinished arm64 parts (at least the seven waiting) went to
		// a2, the only node left that runs arm64; a1 has no emulator.
		if armOn["a2"] < 7 || armOn["a2"]+armOn["arm"] != 10 {
			t.Errorf("the arm64 parts went %v; want at least 7 rebuilt on a2, the rest kept from arm", armOn)
		}
	})

	t.Run("kill-all-arm64", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"build.hcl": tenImages(env, repo, "3", true, "echo started-NAME-$(uname -m) && sleep 1")})
		killed := false
		run := startBuild(t, env, dir, func(line string) {
			if m := stepStarted.FindStringSubmatch(line); !killed && m != nil && m[2] == "aarch64" {
				killed = true
				a2.kill()
			}
		}, "build", "--push", "--progress", "plain", "--node", a1.node("a1", "linux/amd64"), "--node", a2.node("a2", "linux/amd64"))
		r := run.wait(t)
		if m := regexp.MustCompile(`(?m)^buildlang: .*$`).FindString(r.stderr); m != "" {
			t.Log(m)
		}
		if r.code != 1 || !regexp.MustCompile(`buildlang: node a2 stopped answering, and no node left runs linux/arm64 for targets? "t\d"[^\n]*\(nodes left: a1 linux/amd64`).MatchString(r.stderr) {
			t.Errorf("arm64 nodes all killed: exit %d, want 1 and an error naming node a2 and the target:\n%s", r.code, tail(r.stderr))
		}
		noTags(t, reg, repo, "3")
	})

	// Every index's images run as their platform, and hold what their
	// node built.
	t.Run("run", func(t *testing.T) {
		if len(checks) == 0 {
			t.Skip("no index was pushed")
		}
		runImages(t, env, checks)
	})
}

// stepStarted is the progress line of a step's "echo started-NAME-$(uname -m)".
var stepStarted = regexp.MustCompile(`^#\d+ [\d.]+ started-(t\d)-(x86_64|aarch64)$`)

// tenImages is a build file of a default group of ten images t0..t9, for
// linux/amd64 and linux/arm64, tagged REPO-tN:TAG, each running command
// with NAME replaced by its name.
func tenImages(env *e2eenv.Env, repo, tag string, noCache bool, command string) string {
	var b strings.Builder
	var names []string
	for i := range 10 {
		name := fmt.Sprint("t", i)
		names = append(names, "target."+name)
		fmt.Fprintf(&b, `target %q {
  from      = "busybox:1.35"
  platforms = ["linux/amd64", "linux/arm64"]
  tags      = [%q]
  no_cache  = %t
  run {
    command = %q
  }
}

`, name, env.Ref(repo+"-"+name+":"+tag), noCache, strings.ReplaceAll(command, "NAME", name))
	}
	fmt.Fprintf(&b, "group \"default\" {\n  targets = [%s]\n}\n", strings.Join(names, ", "))
	return b.String()
}

// partNodes pairs a split image's platforms with the nodes that built
// them, from its --metadata-file entry.
func partNodes(t *testing.T, m map[string]any) map[string]string {
	t.Helper()
	ps := strings.Split(fmt.Sprint(m["buildlang.build.platforms"]), ",")
	ns := strings.Split(fmt.Sprint(m["buildlang.build.node"]), ",")
	if len(ps) != len(ns) {
		t.Fatalf("metadata: platforms %q, nodes %q", ps, ns)
	}
	out := map[string]string{}
	for i, p := range ps {
		out[p] = ns[i]
	}
	return out
}

// readIndex reads repo:tag, which must be an OCI index of exactly
// linux/amd64 and linux/arm64, and gives its digest and its images'.
func readIndex(t *testing.T, reg registry, repo, tag string) (string, map[string]string) {
	t.Helper()
	dgst, body := reg.manifest(t, repo, tag)
	var idx struct {
		MediaType string
		Manifests []struct {
			Digest   string
			Platform struct{ OS, Architecture string }
		}
	}
	if err := json.Unmarshal(body, &idx); err != nil {
		t.Fatalf("%s:%s: %v\n%s", repo, tag, err, body)
	}
	out := map[string]string{}
	for _, m := range idx.Manifests {
		out[m.Platform.OS+"/"+m.Platform.Architecture] = m.Digest
	}
	if idx.MediaType != "application/vnd.oci.image.index.v1+json" || len(out) != 2 || out["linux/amd64"] == "" || out["linux/arm64"] == "" {
		t.Errorf("%s:%s is %s with %v, want an OCI index of linux/amd64 and linux/arm64:\n%s", repo, tag, idx.MediaType, out, body)
	}
	return dgst, out
}

// digestsBuilt are the images a node's builds exported, from its own
// build history.
func digestsBuilt(t *testing.T, d *nodeDaemon) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, r := range d.history(t, false) {
		if r.Result != nil {
			for _, desc := range r.Result.Results {
				out[desc.Digest] = true
			}
		}
	}
	return out
}

// noTags fails unless no image of the ten has tag.
func noTags(t *testing.T, reg registry, repo, tag string) {
	t.Helper()
	for i := range 10 {
		r := fmt.Sprint(repo, "-t", i)
		if slices.Contains(reg.tags(t, r), tag) {
			t.Errorf("%s:%s was pushed", r, tag)
		}
	}
}

// imageCheck is an index to run: the target that built it, and its
// reference by digest.
type imageCheck struct{ target, ref string }

// runImages builds, on the shared daemon, one target per index FROM it
// for both platforms that runs uname -m, and checks each platform's
// image: it runs as that platform, and holds the /arch and /name its node
// wrote.
func runImages(t *testing.T, env *e2eenv.Env, checks []imageCheck) {
	t.Helper()
	var b strings.Builder
	for i, c := range checks {
		fmt.Fprintf(&b, `target "c%d" {
  from      = %q
  platforms = ["linux/amd64", "linux/arm64"]
  run {
    command = "uname -m > /ran"
  }
  output = ["type=local,dest=out/c%d"]
}

`, i, env.Ref(c.ref), i)
	}
	dir := writeFiles(t, map[string]string{"build.hcl": b.String()})
	var all []string
	for i := range checks {
		all = append(all, fmt.Sprint("c", i))
	}
	mustBuild(t, env, dir, nil, append([]string{"build", "--progress", "plain"}, all...)...)
	for i, c := range checks {
		for p, arch := range map[string]string{"linux_amd64": "x86_64", "linux_arm64": "aarch64"} {
			for file, want := range map[string]string{"ran": arch, "arch": arch, "name": c.target} {
				got, err := os.ReadFile(filepath.Join(dir, "out", fmt.Sprint("c", i), p, file))
				if err != nil || strings.TrimSpace(string(got)) != want {
					t.Errorf("%s's %s image: /%s = %q, %v; want %s", c.ref, p, file, got, err, want)
				}
			}
		}
	}
}
