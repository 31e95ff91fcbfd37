package cli_e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// The nodes of a build come from --node, else --builder (a builder a real
// `buildx create --driver remote` wrote to buildx's own store), else the
// selected environment's nodes; --node overrides the environment, and
// --addr builds on its one daemon. Whichever names them, each target lands
// on the node that runs its platform.
func TestNodesFromBuilderAndEnvironment(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	armNode := startNode(t, env, nodeSpec{platform: "linux/arm64", tls: true})
	armAddr, tls := armNode.addr, armNode.tls
	repo := "test/nodes-sources-" + runID
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
cache "reg" {
  import = [{ type = "registry", ref = %[6]q }]
  export = [{ type = "registry", ref = %[6]q, mode = "max" }]
}

target "multi" {
  from      = "busybox:1.35"
  platforms = ["linux/amd64", "linux/arm64"]
  tags      = [%[7]q]
  cache     = cache.reg
  run {
    command = "uname -m > /arch"
  }
}

environment "ci" {
  nodes = [
    { name = "shared", address = %[1]q },
    { name = "arm", address = %[2]q, tls = { ca_cert = %[3]q, cert = %[4]q, key = %[5]q } },
  ]
}

target "arm" {
  from      = "busybox:1.35"
  platforms = ["linux/arm64"]
  run {
    command = "uname -m > /arch"
  }
  output = ["type=local,dest=out/arm"]
}

target "amd" {
  from      = "busybox:1.35"
  platforms = ["linux/amd64"]
  run {
    command = "uname -m > /arch"
  }
  output = ["type=local,dest=out/amd"]
}

group "default" {
  targets = [target.arm, target.amd]
}
`, env.BuildkitHost, armAddr, tls["tlscacert"], tls["tlscert"], tls["tlskey"], env.Ref(repo+":cache"), env.Ref(repo+":1"))})
	nodesOf := func(meta string) (string, string) {
		m := readMetadata(t, meta)
		arm, _ := m["arm"]["buildlang.build.node"].(string)
		amd, _ := m["amd"]["buildlang.build.node"].(string)
		return arm, amd
	}
	checkArch := func(what string) {
		t.Helper()
		for target, arch := range map[string]string{"arm": "aarch64", "amd": "x86_64"} {
			if got, err := os.ReadFile(filepath.Join(dir, "out", target, "arch")); err != nil || strings.TrimSpace(string(got)) != arch {
				t.Errorf("%s: out/%s/arch = %q, %v; want %s", what, target, got, err, arch)
			}
		}
		os.RemoveAll(filepath.Join(dir, "out"))
	}

	// The environment's nodes.
	meta := filepath.Join(dir, "env.json")
	mustBuild(t, env, dir, nil, "build", "--env", "ci", "--progress", "plain", "--metadata-file", meta)
	if arm, amd := nodesOf(meta); arm != "arm" || amd != "shared" {
		t.Errorf("--env ci: arm on %q, amd on %q; want arm, shared", arm, amd)
	}
	checkArch("--env ci")

	// An image's platforms on two nodes: each part exports the registry
	// cache under a tag of its own, so neither overwrites the other's.
	mustBuild(t, env, dir, nil, "build", "multi", "--env", "ci", "--push", "--progress", "plain")
	tags := newRegistry(env).tags(t, repo)
	for _, want := range []string{"1", "cache-linux-amd64", "cache-linux-arm64"} {
		if !slices.Contains(tags, want) {
			t.Errorf("%s has tags %v, want %s among them", repo, tags, want)
		}
	}

	// --node overrides them: one node, which emulates arm64.
	meta = filepath.Join(dir, "node.json")
	mustBuild(t, env, dir, nil, "build", "--env", "ci", "--progress", "plain", "--metadata-file", meta, "--node", "only="+env.BuildkitHost)
	if arm, amd := nodesOf(meta); arm != "only" || amd != "only" {
		t.Errorf("--env ci --node only=...: arm on %q, amd on %q; want only, only", arm, amd)
	}
	checkArch("--node")

	// --addr builds on its one daemon: no node in the metadata.
	meta = filepath.Join(dir, "addr.json")
	mustBuild(t, env, dir, nil, "build", "--env", "ci", "--progress", "plain", "--metadata-file", meta, "--addr", env.BuildkitHost)
	if arm, amd := nodesOf(meta); arm != "" || amd != "" {
		t.Errorf("--env ci --addr: arm on %q, amd on %q; want no nodes", arm, amd)
	}
	checkArch("--addr")

	// A buildx builder of two remote nodes, the arm64 one over TLS (the
	// driver options buildx keeps), made by buildx itself.
	bin, err := e2eenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(bin, "buildx")); err != nil {
		msg := "buildx not built (" + err.Error() + "); hack/e2e-env up builds it from hack/buildx"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cfg := t.TempDir()
	bxEnv := map[string]string{"BUILDX_CONFIG": filepath.Join(cfg, "buildx"), "DOCKER_CONFIG": filepath.Join(cfg, "docker")}
	buildx := func(args ...string) {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), filepath.Join(bin, "buildx"), args...)
		cmd.Env = cmdEnv(env, bxEnv)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("buildx %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	buildx("create", "--name", "Pool", "--node", "armnode", "--driver", "remote", "--platform", "linux/arm64",
		"--driver-opt", fmt.Sprintf("cacert=%s,cert=%s,key=%s", tls["tlscacert"], tls["tlscert"], tls["tlskey"]), armAddr)
	buildx("create", "--name", "Pool", "--append", "--node", "amdnode", "--driver", "remote", env.BuildkitHost)
	meta = filepath.Join(dir, "builder.json")
	r := mustBuild(t, env, dir, bxEnv, "build", "--builder", "Pool", "--progress", "plain", "--metadata-file", meta)
	if arm, amd := nodesOf(meta); arm != "armnode" || amd != "amdnode" {
		t.Errorf("--builder Pool: arm on %q, amd on %q; want armnode, amdnode\n%s", arm, amd, tail(r.stderr))
	}
	checkArch("--builder")

	// Mistakes: an unknown builder, --builder with --node.
	r = buildlang(t, env, dir, bxEnv, "build", "--builder", "nosuch")
	if r.code != 2 || !strings.Contains(r.stderr, "--builder nosuch: buildx has no builder of that name") {
		t.Errorf("--builder nosuch: exit %d\n%s", r.code, tail(r.stderr))
	}
	r = buildlang(t, env, dir, bxEnv, "build", "--builder", "Pool", "--node", "a="+env.BuildkitHost)
	if r.code != 2 || !strings.Contains(r.stderr, "--builder and --node both name the nodes to build on") {
		t.Errorf("--builder with --node: exit %d\n%s", r.code, tail(r.stderr))
	}
}

// A target that feeds another is built on the node that builds its
// dependent, where load alone would send it to the other node: lib goes
// with svc (which reads it through mid), while x and y spread.
func TestNodesFeedingTargetGoesWhereNeeded(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	two := startNode(t, env, nodeSpec{platform: "linux/amd64", tls: true})
	dir := writeFiles(t, map[string]string{"build.hcl": `
target "lib" {
  from      = "busybox:1.35"
  platforms = ["linux/amd64"]
  run {
    command = "echo lib > /lib.txt"
  }
}

target "mid" {
  from      = target.lib
  platforms = ["linux/amd64"]
}

target "svc" {
  from      = target.mid
  platforms = ["linux/amd64"]
  run {
    command = "cat /lib.txt > /svc.txt"
  }
  output = ["type=local,dest=out/svc"]
}

target "x" {
  from      = "busybox:1.35"
  platforms = ["linux/amd64"]
  run {
    command = "echo x > /x.txt"
  }
}

target "y" {
  from      = "busybox:1.35"
  platforms = ["linux/amd64"]
  run {
    command = "echo y > /y.txt"
  }
}
`})
	meta := filepath.Join(dir, "meta.json")
	r := mustBuild(t, env, dir, nil, "build", "lib", "x", "y", "svc", "--progress", "plain", "--metadata-file", meta,
		"--node", "one="+env.BuildkitHost, "--node", two.node("two"))
	m := readMetadata(t, meta)
	node := func(t string) any { return m[t]["buildlang.build.node"] }
	if node("x") != "one" || node("y") != "two" || node("svc") != "one" || node("lib") != "one" {
		t.Errorf("nodes: x %v, y %v, svc %v, lib %v; want one, two, one, one (lib with svc)\n%s", node("x"), node("y"), node("svc"), node("lib"), tail(r.stderr))
	}
	if got, err := os.ReadFile(filepath.Join(dir, "out", "svc", "svc.txt")); err != nil || strings.TrimSpace(string(got)) != "lib" {
		t.Errorf("out/svc/svc.txt = %q, %v", got, err)
	}
}
