package cli_e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/org/buildlang/internal/e2eenv"
)

// binary is the buildlang command built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "buildlang-cli-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "buildlang")
	out, err := exec.Command("go", "build", "-o", binary, "../cmd/buildlang").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build ../cmd/buildlang: %v\n%s", err, out)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runID makes image contents and repository names unique to this run, so
// a test never passes because of what an earlier run pushed.
var runID = strconv.FormatInt(time.Now().UnixNano(), 36)

// writeFiles writes files (name → content) into a new directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type result struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
}

// cmdEnv is the environment for the binary: the test's, with BUILDKIT_HOST
// set to the e2e daemon unless overridden (a value of "" unsets a name).
func cmdEnv(env *e2eenv.Env, extra map[string]string) []string {
	vars := map[string]string{"BUILDKIT_HOST": env.BuildkitHost, "NO_COLOR": "1"}
	for k, v := range extra {
		vars[k] = v
	}
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := vars[k]; !ok {
			out = append(out, kv)
		}
	}
	for k, v := range vars {
		if v != "" {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// buildlang runs the binary in dir and waits for it (at most 3 minutes).
func buildlang(t *testing.T, env *e2eenv.Env, dir string, extra map[string]string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = cmdEnv(env, extra)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	return exited(t, args, err, result{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)})
}

// exited completes the result of buildlang ARGS that exited with err:
// its exit status. It fails the test when buildlang did not run or crashed.
func exited(t *testing.T, args []string, err error, r result) result {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("buildlang %s: %v", strings.Join(args, " "), err)
	}
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") {
		t.Fatalf("buildlang %s crashed:\n%s", strings.Join(args, " "), r.stderr)
	}
	return r
}

// mustBuild runs buildlang and fails the test unless it exits 0.
func mustBuild(t *testing.T, env *e2eenv.Env, dir string, extra map[string]string, args ...string) result {
	t.Helper()
	r := buildlang(t, env, dir, extra, args...)
	if r.code != 0 {
		t.Fatalf("buildlang %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// registry is a small client for the e2e registry's HTTP API.
type registry struct{ base string }

func newRegistry(env *e2eenv.Env) registry { return registry{"http://" + env.Registry} }

var manifestAccept = []string{
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.docker.distribution.manifest.v2+json",
}

// tags lists a repository's tags; nil when the repository does not exist.
func (r registry) tags(t *testing.T, repo string) []string {
	t.Helper()
	resp, err := http.Get(r.base + "/v2/" + repo + "/tags/list")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET tags of %s: %s", repo, resp.Status)
	}
	var tl struct{ Tags []string }
	if err := json.NewDecoder(resp.Body).Decode(&tl); err != nil {
		t.Fatal(err)
	}
	return tl.Tags
}

// manifest returns the digest and body of repo:ref; "" when there is none.
func (r registry) manifest(t *testing.T, repo, ref string) (string, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.base+"/v2/"+repo+"/manifests/"+ref, nil)
	req.Header.Set("Accept", strings.Join(manifestAccept, ", "))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNotFound {
		return "", nil
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET manifest %s:%s: %s\n%s", repo, ref, resp.Status, body)
	}
	return resp.Header.Get("Docker-Content-Digest"), body
}

// readMetadata reads a --metadata-file.
func readMetadata(t *testing.T, path string) map[string]map[string]any {
	t.Helper()
	dt, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var md map[string]map[string]any
	if err := json.Unmarshal(dt, &md); err != nil {
		t.Fatalf("metadata file: %v\n%s", err, dt)
	}
	return md
}

// vertices reads --progress rawjson output: the last state of each vertex.
func vertices(t *testing.T, rawjson string) map[string]*client.Vertex {
	t.Helper()
	byDigest := map[string]*client.Vertex{}
	sc := bufio.NewScanner(strings.NewReader(rawjson))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var ss client.SolveStatus
		if err := json.Unmarshal(line, &ss); err != nil {
			continue
		}
		for _, v := range ss.Vertexes {
			byDigest[v.Digest.String()] = v
		}
	}
	byName := map[string]*client.Vertex{}
	for _, v := range byDigest {
		byName[v.Name] = v
	}
	return byName
}

// stepOutput says whether a step printed line, in --progress plain output
// ("#5 20.05 slow done"; the step's own "#5 [slow 2/2] RUN ..." line, which
// names the command, does not count).
func stepOutput(plain, line string) bool {
	return regexp.MustCompile(`(?m)^#\d+ \d+\.\d+ ` + regexp.QuoteMeta(line) + `$`).MatchString(plain)
}

// daemonlessEnv is the environment for daemonless mode: no BUILDKIT_HOST,
// the e2e binaries first on PATH, and a buildkitd config that mirrors
// docker.io from the e2e registry (buildkitd reads it through
// BUILDKITD_FLAGS, as buildctl-daemonless.sh does).
func daemonlessEnv(t *testing.T, env *e2eenv.Env) map[string]string {
	t.Helper()
	bin, err := e2eenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(bin, "buildkitd")); err != nil {
		t.Fatalf("daemonless mode needs %s/buildkitd (hack/e2e-env up builds it): %v", bin, err)
	}
	cfg := filepath.Join(t.TempDir(), "buildkitd.toml")
	conf := e2eenv.DaemonConfig(env.Registry, "", "", "")
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"BUILDKIT_HOST":   "",
		"PATH":            bin + string(os.PathListSeparator) + os.Getenv("PATH") + ":/usr/local/sbin:/usr/sbin:/sbin",
		"BUILDKITD_FLAGS": "--config " + cfg,
	}
}

// proxy is a registry in front of the e2e registry that can refuse
// requests, and records what it saw.
type proxy struct {
	addr   string
	mu     sync.Mutex
	seen   []string // "METHOD /path" of every request
	refuse func(r *http.Request, n int) int
	n      int // requests refuse was asked about
}

// newProxy starts a proxy; refuse returns a status to answer with instead
// of forwarding (0 forwards). It is called for manifest PUTs only, with
// how many came before.
func newProxy(t *testing.T, env *e2eenv.Env, refuse func(r *http.Request, n int) int) *proxy {
	t.Helper()
	p := &proxy{refuse: refuse}
	target := "http://" + env.Registry
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+r.URL.Path)
		code := 0
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/") {
			code = p.refuse(r, p.n)
			p.n++
		}
		p.mu.Unlock()
		if code != 0 {
			io.Copy(io.Discard, r.Body)
			http.Error(w, http.StatusText(code), code)
			return
		}
		req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		req.ContentLength = r.ContentLength
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			for _, v := range vs {
				// Upload locations point at the registry; keep them on the proxy.
				if k == "Location" {
					v = strings.Replace(v, target, "http://"+p.addr, 1)
				}
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	})}
	ln, err := listenLocal()
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return p
}

func (p *proxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

func count(xs []string, pred func(string) bool) int {
	n := 0
	for _, x := range xs {
		if pred(x) {
			n++
		}
	}
	return n
}
