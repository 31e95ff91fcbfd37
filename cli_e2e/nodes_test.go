package cli_e2e

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	controlapi "github.com/moby/buildkit/api/services/control"
	"github.com/moby/buildkit/client"
	"github.com/org/buildlang/internal/e2eenv"
)

// A build over nodes (--node): the shared daemon and a second buildkitd
// started here, over TCP with TLS from certificates made here, whose
// worker is configured for linux/arm64 (its first
// platform, which it takes as native: standing in for an arm64 machine), plus a node nothing listens on. The down node
// is skipped with a warning; the arm64 target lands on the arm64 node, the
// amd64 one on the shared daemon (queried worker platforms, not assumed);
// the metadata file and the per-node summary say which node built what.
func TestNodesScheduleByPlatform(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	armNode := startNode(t, env, nodeSpec{platform: "linux/arm64", tls: true})
	armAddr := armNode.addr
	repo := "test/nodes-" + runID
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
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

target "multi" {
  from      = "busybox:1.35"
  platforms = ["linux/amd64", "linux/arm64"]
  tags      = [%q]
  run {
    command = "uname -m > /arch"
  }
}

target "slow" {
  from      = "busybox:1.35"
  platforms = ["linux/amd64", "linux/arm64"]
  tags      = [%q]
  no_cache  = true
  run {
    command = "echo started-$(uname -m) && sleep 4 && uname -m > /arch"
  }
}

target "bad" {
  from      = "busybox:1.35"
  platforms = ["linux/arm64"]
  run {
    command = "exit 3"
  }
}

group "default" {
  targets = [target.arm, target.amd]
}
`, env.Ref(repo+":1"), env.Ref(repo+"-slow:1"))})
	meta := filepath.Join(dir, "meta.json")
	r := mustBuild(t, env, dir, nil, "build", "--progress", "plain", "--metadata-file", meta,
		"--node", "shared="+env.BuildkitHost, "--node", armNode.node("arm"), "--node", "down=unix:///nonexistent/buildkitd.sock")
	if !strings.Contains(r.stderr, "WARNING: node down (unix:///nonexistent/buildkitd.sock) is down, building without it") {
		t.Errorf("no warning about the down node:\n%s", tail(r.stderr))
	}
	for target, arch := range map[string]string{"arm": "aarch64", "amd": "x86_64"} {
		if got, err := os.ReadFile(filepath.Join(dir, "out", target, "arch")); err != nil || strings.TrimSpace(string(got)) != arch {
			t.Errorf("out/%s/arch = %q, %v; want %s", target, got, err, arch)
		}
	}
	m := readMetadata(t, meta)
	if m["arm"]["buildlang.build.node"] != "arm" || m["amd"]["buildlang.build.node"] != "shared" {
		t.Errorf("metadata nodes: arm on %v, amd on %v; want arm, shared", m["arm"]["buildlang.build.node"], m["amd"]["buildlang.build.node"])
	}
	for _, re := range []string{`(?m)^node arm \(` + regexp.QuoteMeta(armAddr) + `\): arm; 2 steps`, `(?m)^node shared \(.*\): amd; 2 steps`} {
		if !regexp.MustCompile(re).MatchString(r.stderr) {
			t.Errorf("the summary lacks %s:\n%s", re, tail(r.stderr))
		}
	}
	// A two-platform image: each platform on the node that runs it
	// natively, pushed by digest, merged into one index under the tag.
	meta2 := filepath.Join(dir, "meta2.json")
	r = mustBuild(t, env, dir, nil, "build", "multi", "--push", "--progress", "plain", "--metadata-file", meta2,
		"--node", "shared="+env.BuildkitHost, "--node", armNode.node("arm"))
	for _, re := range []string{`(?m)^node arm \(.*\): multi; `, `(?m)^node shared \(.*\): multi; `, `(?m)^multi  index sha256:[0-9a-f]{64} pushed to `} {
		if !regexp.MustCompile(re).MatchString(r.stderr) {
			t.Errorf("the summary lacks %s:\n%s", re, tail(r.stderr))
		}
	}
	dgst, _ := readIndex(t, newRegistry(env), repo, "1")
	m2 := readMetadata(t, meta2)["multi"]
	if m2["containerimage.digest"] != dgst || m2["buildlang.build.node"] != "shared,arm" && m2["buildlang.build.node"] != "arm,shared" {
		t.Errorf("metadata of multi: digest %v (the tag has %s), nodes %v", m2["containerimage.digest"], dgst, m2["buildlang.build.node"])
	}

	// Each platform of the index is the image its node built: uname -m ran
	// on that platform.
	cdir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
target "check" {
  from      = %q
  platforms = ["linux/amd64", "linux/arm64"]
  output    = ["type=local,dest=out"]
}
`, env.Ref(repo+"@"+dgst))})
	mustBuild(t, env, cdir, nil, "build", "--progress", "plain")
	for p, arch := range map[string]string{"linux_amd64": "x86_64", "linux_arm64": "aarch64"} {
		if got, err := os.ReadFile(filepath.Join(cdir, "out", p, "arch")); err != nil || strings.TrimSpace(string(got)) != arch {
			t.Errorf("the index's %s image has /arch = %q, %v; want %s", p, got, err, arch)
		}
	}

	// A failed target's error names the node it ran on.
	r = buildlang(t, env, dir, nil, "build", "bad", "--progress", "plain", "--node", "shared="+env.BuildkitHost, "--node", armNode.node("arm"))
	if r.code != 1 || !strings.Contains(r.stderr, `target "bad" failed: on node arm (`+armAddr+`)`) {
		t.Errorf("a failed target on a node: exit %d\n%s", r.code, tail(r.stderr))
	}
	// The arm64 node is killed while it builds its part: the part is
	// built again on the node left (emulating arm64), and the one index
	// is complete.
	killed := false
	run := startBuild(t, env, dir, func(line string) {
		if !killed && strings.Contains(line, "started-aarch64") {
			killed = true
			armNode.kill()
		}
	}, "build", "slow", "--push", "--progress", "plain", "--node", "shared="+env.BuildkitHost, "--node", armNode.node("arm"))
	r = run.wait(t)
	out := r.stderr
	if r.code != 0 {
		t.Errorf("the build with a node killed failed: exit %d\n%s", r.code, tail(out))
	}
	if !strings.Contains(out, "WARNING: node arm stopped answering; rebuilding its targets on the other nodes") {
		t.Errorf("no note of the lost node:\n%s", tail(out))
	}
	readIndex(t, newRegistry(env), repo+"-slow", "1") // complete after the node was killed
	// No node left runs linux/s390x: the error names the target and the nodes.
	r = buildlang(t, env, dir, nil, "build", "arm", "--platform", "linux/s390x", "--node", "shared="+env.BuildkitHost)
	if r.code != 1 || !strings.Contains(r.stderr, `target "arm": no node runs linux/s390x (nodes: shared linux/amd64`) {
		t.Errorf("no node for the platform: exit %d\n%s", r.code, tail(r.stderr))
	}
}

// runningBuild is a buildlang build started by startBuild.
type runningBuild struct {
	cmd    *exec.Cmd
	start  time.Time
	stderr strings.Builder
	done   chan struct{}
	cancel context.CancelFunc
}

// startBuild starts buildlang in dir (as buildlang does, at most 3
// minutes) and calls watch with each line of its stderr as it comes, on
// another goroutine: watch may kill a node or signal the build.
func startBuild(t *testing.T, env *e2eenv.Env, dir string, watch func(line string), args ...string) *runningBuild {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	b := &runningBuild{cmd: exec.CommandContext(ctx, binary, args...), done: make(chan struct{}), cancel: cancel}
	b.cmd.Dir = dir
	b.cmd.Env = cmdEnv(env, nil)
	stderr, err := b.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	b.start = time.Now()
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(b.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			b.stderr.WriteString(sc.Text() + "\n")
			watch(sc.Text())
		}
	}()
	return b
}

// wait waits for the build to exit and gives its result.
func (b *runningBuild) wait(t *testing.T) result {
	t.Helper()
	defer b.cancel()
	<-b.done
	err := b.cmd.Wait()
	return exited(t, b.cmd.Args[1:], err, result{stderr: b.stderr.String(), elapsed: time.Since(b.start)})
}

// nodeSpec says how startNode starts a buildkitd.
type nodeSpec struct {
	// platform is its worker's configured platform, the first it lists
	// (which buildlang takes as native); buildkitd lists the host's
	// platforms after it. "" leaves the worker's platforms to buildkitd.
	platform string
	// tls serves it over TCP on an ephemeral port of 127.0.0.1 with TLS
	// both ways, from certificates made here; else on a unix socket.
	tls bool
	// noEmulation hides the host's emulators from it, so it lists only
	// the host's own platform (and the configured one): buildkitd finds
	// emulated platforms by running a test binary per architecture from
	// $TMPDIR, which is here a noexec tmpfs. It stands in for an amd64
	// machine without qemu.
	noEmulation bool
}

// nodeDaemon is a buildkitd a test started, with its root, socket or
// port, config and log under a temporary directory of its own; every step
// runs one at a time (max-parallelism = 1).
type nodeDaemon struct {
	// addr is its address; flag is addr with the TLS options --node takes.
	addr, flag string
	// tls are the client's files for a node over TLS: tlscacert,
	// tlscert, tlskey.
	tls      map[string]string
	dir      string
	cmd      *exec.Cmd
	dialOpts []client.ClientOpt
}

// node is the --node value naming d, with declared platforms if any.
func (d *nodeDaemon) node(name string, platforms ...string) string {
	s := name + "=" + d.flag
	if len(platforms) > 0 {
		s += ",platforms=" + strings.Join(platforms, ",")
	}
	return s
}

// kill kills the daemon at once (SIGKILL), as a machine that goes away.
func (d *nodeDaemon) kill() { d.cmd.Process.Kill() }

// history is the daemon's build history: every build it knows of, or
// only the running ones.
func (d *nodeDaemon) history(t *testing.T, activeOnly bool) []*controlapi.BuildHistoryRecord {
	t.Helper()
	c, err := client.New(t.Context(), d.addr, d.dialOpts...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	stream, err := c.ControlClient().ListenBuildHistory(t.Context(), &controlapi.BuildHistoryRequest{ActiveOnly: activeOnly, EarlyExit: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []*controlapi.BuildHistoryRecord
	for {
		ev, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("build history of %s: %v", d.addr, err)
		}
		if ev.Record != nil {
			out = append(out, ev.Record)
		}
	}
}

// startNode starts a buildkitd of its own and stops it when the test ends.
func startNode(t *testing.T, env *e2eenv.Env, spec nodeSpec) *nodeDaemon {
	t.Helper()
	bin, err := e2eenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "bl-node-") // short: a socket path has at most 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	d := &nodeDaemon{dir: dir}
	t.Cleanup(func() {
		unmountUnder(dir) // a killed daemon leaves its steps' mounts
		os.RemoveAll(dir)
	})
	platforms := ""
	if spec.platform != "" {
		platforms = fmt.Sprintf("  platforms = [%q]\n", spec.platform)
	}
	conf := e2eenv.DaemonConfig(env.Registry, "", platforms+"  max-parallelism = 1\n", "")
	if err := os.WriteFile(filepath.Join(dir, "buildkitd.toml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--config", filepath.Join(dir, "buildkitd.toml"), "--root", filepath.Join(dir, "root"),
		"--otel-socket-path", filepath.Join(dir, "otel.sock")}
	if spec.tls {
		d.addr = fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t))
		ca, srv, cli := writeCerts(t, dir)
		d.tls = map[string]string{"tlscacert": ca, "tlscert": cli + ".crt", "tlskey": cli + ".key"}
		d.flag = d.addr + fmt.Sprintf(",tlscacert=%s,tlscert=%s,tlskey=%s", ca, cli+".crt", cli+".key")
		d.dialOpts = []client.ClientOpt{client.WithServerConfig("127.0.0.1", ca), client.WithCredentials(cli+".crt", cli+".key")}
		args = append(args, "--tlscacert", ca, "--tlscert", srv+".crt", "--tlskey", srv+".key")
	} else {
		d.addr = "unix://" + filepath.Join(dir, "buildkitd.sock")
		d.flag = d.addr
	}
	args = append(args, "--addr", d.addr)
	logf, err := os.Create(filepath.Join(dir, "buildkitd.log"))
	if err != nil {
		t.Fatal(err)
	}
	d.cmd = exec.Command(filepath.Join(bin, "buildkitd"), args...)
	d.cmd.Stdout, d.cmd.Stderr = logf, logf
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if spec.noEmulation {
		tmp := filepath.Join(dir, "tmp")
		if err := os.Mkdir(tmp, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mount("tmpfs", tmp, "tmpfs", syscall.MS_NOEXEC|syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0700"); err != nil {
			t.Fatalf("mounting a noexec tmpfs for a node without emulators: %v", err)
		}
		d.cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // runs before the directory's removal
		d.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { d.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			d.cmd.Process.Kill()
			<-done
		}
		logf.Close()
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := client.New(t.Context(), d.addr, d.dialOpts...)
		if err == nil {
			ws, err := c.ListWorkers(t.Context())
			c.Close()
			if err == nil && len(ws) > 0 {
				return d
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "buildkitd.log"))
			t.Fatalf("buildkitd at %s did not answer within 60s:\n%s", d.addr, log)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// writeCerts writes a CA and, signed by it, a server certificate for
// 127.0.0.1 and a client certificate: dir/ca.crt, dir/server.{crt,key},
// dir/client.{crt,key}. It returns the CA file and the two stems.
func writeCerts(t *testing.T, dir string) (ca, server, client string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "buildlang e2e CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	write := func(name, typ string, der []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("ca.crt", "CERTIFICATE", caDER)
	leaf := func(stem string, serial int64, usage x509.ExtKeyUsage) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: stem},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kd, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		write(stem+".crt", "CERTIFICATE", der)
		write(stem+".key", "EC PRIVATE KEY", kd)
	}
	leaf("server", 2, x509.ExtKeyUsageServerAuth)
	leaf("client", 3, x509.ExtKeyUsageClientAuth)
	return filepath.Join(dir, "ca.crt"), filepath.Join(dir, "server"), filepath.Join(dir, "client")
}

// unmountUnder detaches every mount below dir, deepest first.
func unmountUnder(dir string) {
	dt, _ := os.ReadFile("/proc/mounts")
	var ms []string
	for _, line := range strings.Split(string(dt), "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[1], dir+"/") {
			ms = append(ms, f[1])
		}
	}
	slices.Sort(ms)
	slices.Reverse(ms)
	for _, m := range ms {
		syscall.Unmount(m, syscall.MNT_DETACH)
	}
}
