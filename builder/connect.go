package builder

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	// Connection helpers for BUILDKIT_HOST / --addr schemes beyond unix://
	// and tcp://: docker-container://, kube-pod://, podman-container://,
	// nerdctl-container:// and ssh://.
	_ "github.com/moby/buildkit/client/connhelper/dockercontainer"
	_ "github.com/moby/buildkit/client/connhelper/kubepod"
	_ "github.com/moby/buildkit/client/connhelper/nerdctlcontainer"
	_ "github.com/moby/buildkit/client/connhelper/podmancontainer"
	_ "github.com/moby/buildkit/client/connhelper/ssh"
	"golang.org/x/sys/unix"
)

// DefaultAddr is where a system buildkitd listens.
const DefaultAddr = "unix:///run/buildkit/buildkitd.sock"

// ConnectOptions say how to reach BuildKit.
type ConnectOptions struct {
	// Addr is the daemon's address (--addr); empty means $BUILDKIT_HOST,
	// then DefaultAddr if a daemon answers there, then daemonless.
	Addr string
	// TLS client settings for tcp:// addresses.
	TLSCACert, TLSCert, TLSKey, TLSServerName string
	// Log receives notes about daemonless mode.
	Log io.Writer
	// Getenv reads BUILDKIT_HOST and BUILDKITD_FLAGS; default os.Getenv.
	Getenv func(string) string
}

// Connection is a client for a daemon, which is private to this build in
// daemonless mode.
type Connection struct {
	Client *client.Client
	Addr   string
	// Daemon is the private buildkitd of daemonless mode, or nil.
	Daemon *Daemon
}

// Platform is the daemon's own platform (its first worker's first), which
// targets without platforms are built for; false when it reports none.
func (c *Connection) Platform(ctx context.Context) (ocispecs.Platform, bool) {
	ws, err := c.Client.ListWorkers(ctx)
	if err != nil || len(ws) == 0 || len(ws[0].Platforms) == 0 {
		return ocispecs.Platform{}, false
	}
	return platforms.Normalize(ws[0].Platforms[0]), true
}

// DaemonPlatform asks a configured daemon (--addr, else $BUILDKIT_HOST;
// never a private one) for its platform, for commands that plan as build
// does without building (why --plan). False without a configured daemon.
func DaemonPlatform(ctx context.Context, co ConnectOptions) (ocispecs.Platform, bool, error) {
	co = co.configured()
	if co.Addr == "" {
		return ocispecs.Platform{}, false, nil
	}
	conn, err := Connect(ctx, co)
	if err != nil {
		return ocispecs.Platform{}, false, err
	}
	defer conn.Close()
	p, ok := conn.Platform(ctx)
	return p, ok, nil
}

// configured fills in Addr from $BUILDKIT_HOST when it is empty: the
// daemon a user configured, for commands that never start a private one.
func (co ConnectOptions) configured() ConnectOptions {
	if co.Addr == "" {
		getenv := co.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		co.Addr = getenv("BUILDKIT_HOST")
	}
	return co
}

// Close closes the client and, in daemonless mode, stops the daemon and
// removes its state.
func (c *Connection) Close() error {
	var errs []error
	if c.Client != nil {
		errs = append(errs, c.Client.Close())
	}
	if c.Daemon != nil {
		errs = append(errs, c.Daemon.Stop())
	}
	return errors.Join(errs...)
}

// ErrNoBuildKit is returned when no daemon is configured or running and
// buildkitd is not installed.
var ErrNoBuildKit = errors.New(`no BuildKit daemon: BUILDKIT_HOST is not set, nothing answers at ` + DefaultAddr + `, and buildkitd is not on PATH for daemonless mode.
Either point BUILDKIT_HOST (or --addr) at a running daemon, e.g.
    export BUILDKIT_HOST=unix:///run/buildkit/buildkitd.sock
    export BUILDKIT_HOST=docker-container://buildx_buildkit_default
    export BUILDKIT_HOST=tcp://buildkitd.example.com:1234   (with --tlscacert/--tlscert/--tlskey)
or install buildkitd (and runc) on PATH, and buildlang starts a private daemon for each build:
    go install github.com/moby/buildkit/cmd/buildkitd@latest   (as root), or
    the buildkit-*.linux-*.tar.gz of https://github.com/moby/buildkit/releases into /usr/local
In this repository, "bash hack/e2e-env up" starts one and "eval $(hack/e2e-env env)" sets BUILDKIT_HOST`)

// Connect reaches BuildKit: --addr, else $BUILDKIT_HOST, else a daemon at
// DefaultAddr, else a private daemonless buildkitd.
func Connect(ctx context.Context, opts ConnectOptions) (*Connection, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if c, err := ConnectRunning(ctx, opts); c != nil || err != nil {
		return c, err
	}
	d, err := StartDaemon(ctx, strings.Fields(getenv("BUILDKITD_FLAGS")), opts.Log)
	if err != nil {
		return nil, err
	}
	c, err := client.New(ctx, d.Addr)
	if err != nil {
		d.Stop()
		return nil, err
	}
	return &Connection{Client: c, Addr: d.Addr, Daemon: d}, nil
}

// ConnectRunning is Connect without daemonless mode: --addr, else
// $BUILDKIT_HOST, else a daemon at DefaultAddr. It returns nil, nil when
// none is configured or answers, where Connect would start a private
// daemon.
func ConnectRunning(ctx context.Context, opts ConnectOptions) (*Connection, error) {
	co := opts.configured()
	if co.Addr != "" {
		c, err := dial(ctx, co.Addr, co, 0)
		if err != nil {
			return nil, err
		}
		return &Connection{Client: c, Addr: co.Addr}, nil
	}
	if sock := strings.TrimPrefix(DefaultAddr, "unix://"); fileExists(sock) {
		if c, err := dial(ctx, DefaultAddr, co, 5*time.Second); err == nil {
			return &Connection{Client: c, Addr: DefaultAddr}, nil
		}
	}
	return nil, nil
}

// HostPlatform is the platform a private daemon builds for: this
// machine's.
func HostPlatform() ocispecs.Platform { return platforms.Normalize(platforms.DefaultSpec()) }

// dial connects and checks that the daemon answers (within timeout, if
// not 0), so a wrong address fails here with a clear message.
func dial(ctx context.Context, addr string, opts ConnectOptions, timeout time.Duration) (*client.Client, error) {
	var copts []client.ClientOpt
	if opts.TLSCACert != "" || opts.TLSServerName != "" {
		copts = append(copts, client.WithServerConfig(opts.TLSServerName, opts.TLSCACert))
	}
	if opts.TLSCert != "" || opts.TLSKey != "" {
		copts = append(copts, client.WithCredentials(opts.TLSCert, opts.TLSKey))
	}
	c, err := client.New(ctx, addr, copts...)
	if err != nil {
		return nil, fmt.Errorf("connecting to BuildKit at %s: %w", addr, err)
	}
	pctx := ctx
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	pctx, cancel := context.WithTimeout(pctx, timeout)
	defer cancel()
	if _, err := c.ListWorkers(pctx); err != nil {
		c.Close()
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, fmt.Errorf("BuildKit at %s does not answer: %w (check BUILDKIT_HOST or --addr; is buildkitd running?)", addr, err)
	}
	return c, nil
}

// Daemon is a private buildkitd with its own state directory and socket,
// as BuildKit's buildctl-daemonless.sh runs one.
type Daemon struct {
	Addr string
	Dir  string // state, socket and log; removed by Stop
	Pid  int
	cmd  *exec.Cmd
	done chan struct{}
	err  error // set when done is closed
}

// StartDaemon starts buildkitd from PATH with a temporary root and socket
// and waits until it answers. extraFlags (from $BUILDKITD_FLAGS) come last,
// e.g. --config FILE for registry mirrors.
func StartDaemon(ctx context.Context, extraFlags []string, log io.Writer) (*Daemon, error) {
	bin, err := exec.LookPath("buildkitd")
	if err != nil {
		return nil, ErrNoBuildKit
	}
	args := []string{}
	if os.Geteuid() != 0 {
		rk, err := exec.LookPath("rootlesskit")
		if err != nil {
			return nil, fmt.Errorf("daemonless mode runs buildkitd, which needs root or rootlesskit on PATH (not found); run as root, install rootlesskit, or set BUILDKIT_HOST to a running daemon")
		}
		args = append(args, bin, "--oci-worker-no-process-sandbox")
		bin = rk
	}
	dir, err := os.MkdirTemp("", "buildlang-buildkitd-")
	if err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "buildkitd.sock")
	args = append(args,
		"--root", filepath.Join(dir, "root"),
		"--addr", "unix://"+sock,
		// buildkitd's default trace socket is /run/buildkit/otel-grpc.sock;
		// keep clear of a system daemon's.
		"--otel-socket-path", filepath.Join(dir, "otel-grpc.sock"),
	)
	args = append(args, extraFlags...)
	logf, err := os.Create(filepath.Join(dir, "buildkitd.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own process group: a Ctrl-C at the terminal reaches buildlang,
	// which cancels the build and then stops the daemon in order.
	// If buildlang is killed outright, the kernel stops the daemon too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logf.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	logf.Close()
	d := &Daemon{Addr: "unix://" + sock, Dir: dir, Pid: cmd.Process.Pid, cmd: cmd, done: make(chan struct{})}
	go func() {
		d.err = cmd.Wait()
		close(d.done)
	}()
	fmt.Fprintf(log, "buildlang: no BUILDKIT_HOST and no daemon at %s: started a private buildkitd (pid %d, state in %s) for this build\n", DefaultAddr, d.Pid, dir)
	if err := d.waitReady(ctx, 60*time.Second); err != nil {
		d.Stop()
		return nil, err
	}
	return d, nil
}

func (d *Daemon) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	sock := strings.TrimPrefix(d.Addr, "unix://")
	for {
		select {
		case <-d.done:
			return fmt.Errorf("the private buildkitd exited during startup (%v):\n%s", d.err, d.logTail(30))
		case <-ctx.Done():
			return context.Cause(ctx)
		default:
		}
		if fileExists(sock) {
			cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			c, err := client.New(cctx, d.Addr)
			if err == nil {
				ws, err := c.ListWorkers(cctx)
				c.Close()
				if err == nil && len(ws) > 0 {
					cancel()
					return nil
				}
			}
			cancel()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the private buildkitd did not answer within %s:\n%s", timeout, d.logTail(30))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop stops the daemon (SIGTERM, SIGKILL after 10s) and removes its state.
func (d *Daemon) Stop() error {
	if d.cmd != nil && d.cmd.Process != nil {
		select {
		case <-d.done:
		default:
			_ = d.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-d.done:
			case <-time.After(10 * time.Second):
				_ = d.cmd.Process.Kill()
				<-d.done
			}
		}
	}
	unmountUnder(d.Dir)
	if err := os.RemoveAll(d.Dir); err != nil {
		return fmt.Errorf("removing the private buildkitd's state: %w", err)
	}
	return nil
}

// logTail returns the last n lines of the daemon's log.
func (d *Daemon) logTail(n int) string {
	dt, _ := os.ReadFile(filepath.Join(d.Dir, "buildkitd.log"))
	lines := strings.Split(strings.TrimRight(string(dt), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

// unmountUnder lazily unmounts whatever a killed daemon left mounted under
// dir, deepest first, so its state can be removed.
func unmountUnder(dir string) {
	dt, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	var mounts []string
	sc := bufio.NewScanner(bytes.NewReader(dt))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 4 && (f[4] == dir || strings.HasPrefix(f[4], dir+"/")) {
			mounts = append(mounts, f[4])
		}
	}
	for i := len(mounts) - 1; i >= 0; i-- {
		_ = unix.Unmount(mounts[i], unix.MNT_DETACH)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
