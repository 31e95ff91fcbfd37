package e2eenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
)

// FakeCDISpec is a CDI spec of one device, vendor.test/fake=dev0, that
// needs no hardware: CDI's container edits give a step using it the
// environment variables FAKE_DEVICE (the device's) and FAKE_VENDOR (the
// kind's), which is how a test sees that the step got the device.
const FakeCDISpec = `{
  "cdiVersion": "0.6.0",
  "kind": "vendor.test/fake",
  "devices": [
    {"name": "dev0", "containerEdits": {"env": ["FAKE_DEVICE=dev0"]}}
  ],
  "containerEdits": {"env": ["FAKE_VENDOR=test"]}
}
`

// CDIDaemon starts a buildkitd of its own (root, socket and config in a
// temporary directory, the e2e registry as its docker.io mirror) whose CDI
// spec directory holds FakeCDISpec and which grants the device
// entitlement to builds that ask for it (buildctl --allow device). It is
// stopped when the test ends. The returned Env addresses it.
func CDIDaemon(t testing.TB, env *Env) *Env {
	t.Helper()
	bin, err := BinDir()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "bl-cdi-") // short: a socket path has at most 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	specs := filepath.Join(dir, "cdi")
	if err := os.MkdirAll(specs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(specs, "fake.json"), []byte(FakeCDISpec), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := DaemonConfig(env.Registry, "insecure-entitlements = [\"device\"]\n", "",
		fmt.Sprintf("[cdi]\n  disabled = false\n  specDirs = [%q]\n", specs))
	if err := os.WriteFile(filepath.Join(dir, "buildkitd.toml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "buildkitd.log"))
	if err != nil {
		t.Fatal(err)
	}
	addr := "unix://" + filepath.Join(dir, "buildkitd.sock")
	cmd := exec.Command(filepath.Join(bin, "buildkitd"), "--config", filepath.Join(dir, "buildkitd.toml"),
		"--root", filepath.Join(dir, "root"), "--addr", addr, "--otel-socket-path", filepath.Join(dir, "otel.sock"))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// SIGTERM lets buildkitd detach its steps' mounts before the
		// directory goes.
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		logf.Close()
		os.RemoveAll(dir)
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		if c, err := client.New(t.Context(), addr); err == nil {
			ws, err := c.ListWorkers(t.Context())
			c.Close()
			if err == nil && len(ws) > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "buildkitd.log"))
			t.Fatalf("buildkitd at %s did not answer within 60s:\n%s", addr, log)
		}
		time.Sleep(200 * time.Millisecond)
	}
	own := *env
	own.BuildkitHost = addr
	return &own
}
