package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// frontendSource is the frontend image as users name it: buildkitd maps
// docker.io to the e2e registry, where hack/e2e-env pushed the image built
// from this working tree.
const frontendSource = "org/buildlang"

// platforms both multi-platform tests build.
var bothPlatforms = []string{"linux/amd64", "linux/arm64"}

// setup skips (or fails under CI=true) without the e2e environment and
// checks it has both workers.
func setup(t *testing.T) *e2eenv.Env {
	t.Helper()
	env := e2eenv.Require(t)
	for _, p := range bothPlatforms {
		if !env.HasPlatform(p) {
			t.Fatalf("buildkitd at %s has no %s worker (platforms %v); run hack/e2e-env up", env.BuildkitHost, p, env.Platforms)
		}
	}
	return env
}

// nonce returns a random hex string, so a test's steps are new to the
// BuildKit cache on every run, however often the suite ran before.
func nonce(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// writeTree writes files (path relative to dir → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// project makes a temporary build context holding files.
func project(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	return dir
}

// build describes one buildctl build of a project.
type build struct {
	dir string
	// syntax builds through dockerfile.v0 and the file's # syntax= line
	// instead of gateway.v0 with source=org/buildlang.
	syntax   bool
	filename string   // default build.hcl
	target   string   // --opt target
	opts     []string // more --opt values, e.g. "build-arg:X=1"
	args     []string // more buildctl build arguments, e.g. --secret
	output   string   // --output value; empty for none
	progress string   // default plain
}

func (b build) argv() []string {
	progress := b.progress
	if progress == "" {
		progress = "plain"
	}
	args := []string{"build", "--progress=" + progress,
		"--local", "context=" + b.dir, "--local", "dockerfile=" + b.dir}
	if b.syntax {
		args = append(args, "--frontend", "dockerfile.v0")
	} else {
		args = append(args, "--frontend", "gateway.v0", "--opt", "source="+frontendSource)
	}
	if b.filename != "" {
		args = append(args, "--opt", "filename="+b.filename)
	}
	if b.target != "" {
		args = append(args, "--opt", "target="+b.target)
	}
	for _, o := range b.opts {
		args = append(args, "--opt", o)
	}
	args = append(args, b.args...)
	if b.output != "" {
		args = append(args, "--output", b.output)
	}
	return args
}

// run runs the build and returns buildctl's output and error.
func (b build) run(t *testing.T, env *e2eenv.Env) (string, error) {
	t.Helper()
	return env.Buildctl(t, b.argv()...)
}

// must runs the build and fails the test if it fails.
func (b build) must(t *testing.T, env *e2eenv.Env) string {
	t.Helper()
	out, err := b.run(t, env)
	if err != nil {
		t.Fatalf("buildctl %s: %v\n%s", strings.Join(b.argv(), " "), err, tail(out, 60))
	}
	return out
}

// fails runs the build, which must fail, and returns its output.
func (b build) fails(t *testing.T, env *e2eenv.Env) string {
	t.Helper()
	out, err := b.run(t, env)
	if err == nil {
		t.Fatalf("buildctl %s succeeded, want an error\n%s", strings.Join(b.argv(), " "), tail(out, 40))
	}
	return out
}

// local builds to a new local directory and returns it.
func (b build) local(t *testing.T, env *e2eenv.Env) (dir, log string) {
	t.Helper()
	dir = t.TempDir()
	b.output = "type=local,dest=" + dir
	return dir, b.must(t, env)
}

// oci builds to a new OCI layout directory and returns it.
func (b build) oci(t *testing.T, env *e2eenv.Env) (*layout, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "oci")
	b.output = "type=oci,tar=false,dest=" + dir
	log := b.must(t, env)
	return openLayout(t, dir), log
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// readFile returns a file of a local export, trimmed.
func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("reading the build's output: %v", err)
	}
	return strings.TrimSpace(string(b))
}

// vertex is one vertex of --progress=plain output.
type vertex struct {
	Name   string
	Cached bool
	Done   bool
	Error  bool
}

var plainLine = regexp.MustCompile(`^#(\d+) (.*)$`)

// vertices parses --progress=plain output into its vertices, in order.
func vertices(log string) []*vertex {
	byID := map[string]*vertex{}
	var out []*vertex
	for _, line := range strings.Split(log, "\n") {
		m := plainLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		v := byID[m[1]]
		if v == nil {
			v = &vertex{Name: m[2]}
			byID[m[1]] = v
			out = append(out, v)
			continue
		}
		switch {
		case m[2] == "CACHED":
			v.Cached = true
		case strings.HasPrefix(m[2], "DONE"):
			v.Done = true
		case strings.HasPrefix(m[2], "ERROR"):
			v.Error = true
		}
	}
	return out
}

// stepVertices are the vertices of a target's steps ("[NAME linux/amd64
// 2/5] RUN ..."), the ones the build file's steps and base make.
func stepVertices(log, target string) []*vertex {
	var out []*vertex
	for _, v := range vertices(log) {
		if strings.HasPrefix(v.Name, "["+target+" ") {
			out = append(out, v)
		}
	}
	return out
}

// findVertex returns the one step vertex whose name contains all parts.
func findVertex(t *testing.T, vs []*vertex, parts ...string) *vertex {
	t.Helper()
	var found []*vertex
	for _, v := range vs {
		if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(v.Name, p) }) {
			found = append(found, v)
		}
	}
	if len(found) != 1 {
		var names []string
		for _, v := range vs {
			names = append(names, v.Name)
		}
		t.Fatalf("want one vertex named like %q, found %d among:\n  %s", parts, len(found), strings.Join(names, "\n  "))
	}
	return found[0]
}

// rawStepVertices parses --progress=rawjson output and returns the step
// vertices of a target, one per LLB vertex (by digest), in first-seen order.
func rawStepVertices(t *testing.T, log, target string) []*vertex {
	t.Helper()
	byDigest := map[string]*vertex{}
	var out []*vertex
	for _, line := range strings.Split(log, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var st struct {
			Vertexes []struct {
				Digest    string  `json:"digest"`
				Name      string  `json:"name"`
				Cached    bool    `json:"cached"`
				Completed *string `json:"completed"`
				Error     string  `json:"error"`
			} `json:"vertexes"`
		}
		if err := json.Unmarshal([]byte(line), &st); err != nil {
			t.Fatalf("rawjson progress: %v: %s", err, line)
		}
		for _, rv := range st.Vertexes {
			if !strings.HasPrefix(rv.Name, "["+target+" ") {
				continue
			}
			v := byDigest[rv.Digest]
			if v == nil {
				v = &vertex{Name: rv.Name}
				byDigest[rv.Digest] = v
				out = append(out, v)
			}
			v.Cached = v.Cached || rv.Cached
			v.Done = v.Done || rv.Completed != nil
			v.Error = v.Error || rv.Error != ""
		}
	}
	return out
}

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
	cliDir  string
)

// buildlangCLI builds cmd/buildlang once per test binary.
func buildlangCLI(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		cliDir, cliErr = os.MkdirTemp("", "buildlang-e2e-cli-")
		if cliErr != nil {
			return
		}
		cliPath = filepath.Join(cliDir, "buildlang")
		out, err := exec.Command(goTool(), "build", "-o", cliPath, "github.com/org/buildlang/cmd/buildlang").CombinedOutput()
		if err != nil {
			cliErr = fmt.Errorf("go build ./cmd/buildlang: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliPath
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if cliDir != "" {
		os.RemoveAll(cliDir)
	}
	os.Exit(code)
}

func readFileErr(dir, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
}
