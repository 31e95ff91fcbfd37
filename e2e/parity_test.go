package e2e

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/org/buildlang/internal/e2eenv"
	"github.com/org/buildlang/internal/imgdiff"
	"golang.org/x/tools/txtar"
)

// A parity case (testdata/parity/NAME.txtar) is a Dockerfile and its
// buildlang twin, build.hcl (whose target "app" is built), with the
// context files they read: one per gap of issue 11, or, named port-*, a
// real project's Dockerfile (its comment names the repository and commit)
// adapted only as far as building offline needs. The
// archive's comment may hold "opt: KEY=VALUE" lines, passed to both
// builds (e.g. opt: build-arg:HTTP_PROXY=...), "arg: ARG" lines, more
// buildctl arguments for both (e.g. arg: --allow=device), and the line
// "daemon: cdi", which builds both on a buildkitd of the test's own with
// a fake CDI device (e2eenv.CDIDaemon). A file named *.tar is
// written as a tar archive of the files of the txtar archive it holds,
// for ADD's extraction.
type parityCase struct {
	name  string
	files map[string][]byte
	opts  []string
	args  []string
	cdi   bool
}

func parityCases(t *testing.T) []parityCase {
	t.Helper()
	paths, err := filepath.Glob("testdata/parity/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no parity cases in testdata/parity")
	}
	var out []parityCase
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := parityCase{name: strings.TrimSuffix(filepath.Base(p), ".txtar"), files: map[string][]byte{}}
		for _, line := range strings.Split(string(a.Comment), "\n") {
			line = strings.TrimSpace(line)
			if o, ok := strings.CutPrefix(line, "opt: "); ok {
				c.opts = append(c.opts, o)
			}
			if a, ok := strings.CutPrefix(line, "arg: "); ok {
				c.args = append(c.args, a)
			}
			c.cdi = c.cdi || line == "daemon: cdi"
		}
		for _, f := range a.Files {
			data := f.Data
			if strings.HasSuffix(f.Name, ".tar") {
				data = tarOf(t, txtar.Parse(f.Data))
			}
			c.files[f.Name] = data
		}
		if c.files["Dockerfile"] == nil || c.files["build.hcl"] == nil {
			t.Fatalf("%s: a parity case needs a Dockerfile and a build.hcl", p)
		}
		out = append(out, c)
	}
	return out
}

// tarOf makes a reproducible tar archive: fixed times, root-owned, 0644.
func tarOf(t *testing.T, a *txtar.Archive) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range a.Files {
		h := &tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Data)), ModTime: time.Unix(1700000000, 0), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDockerfileParity builds each case's Dockerfile with BuildKit's
// Dockerfile frontend and its twin with buildlang's, on the same
// buildkitd, and compares the images with imgdiff: file tree and config
// must be equal. The two builds of a case run concurrently, and so do the
// cases.
func TestDockerfileParity(t *testing.T) {
	env := setup(t)
	for _, c := range parityCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, data := range c.files {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opts := append([]string{"platform=linux/amd64"}, c.opts...)
			builds := []build{
				{dir: dir, syntax: true, filename: "Dockerfile", opts: opts, args: c.args},
				{dir: dir, filename: "build.hcl", target: "app", opts: opts, args: c.args},
			}
			env := env
			if c.cdi {
				env = e2eenv.CDIDaemon(t, env)
			}
			imgs := make([]*imgdiff.Image, len(builds))
			var wg sync.WaitGroup
			var mu sync.Mutex
			var errs []string
			for i, b := range builds {
				wg.Add(1)
				go func() {
					defer wg.Done()
					out := filepath.Join(t.TempDir(), "oci")
					b.output = "type=oci,tar=false,dest=" + out
					log, err := b.run(t, env)
					if err == nil {
						imgs[i], err = imgdiff.Open(out, "linux/amd64")
					}
					if err != nil {
						mu.Lock()
						errs = append(errs, b.filename+": "+err.Error()+"\n"+tail(log, 30))
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if len(errs) > 0 {
				sort.Strings(errs)
				t.Fatal(strings.Join(errs, "\n"))
			}
			if d := imgdiff.Diff(imgs[0], imgs[1]); len(d) > 0 {
				t.Errorf("the Dockerfile's image (first) and build.hcl's (second) differ:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

// parityLineGoal is what issue 11 asks of the twins: at most 1.5 times the
// Dockerfiles' lines over the parity set. parityLineBound is what they
// are held to today, the gap cases alone and the whole set, so they cannot
// grow unnoticed; lower it as the language gets shorter forms. (The
// device, mount-dynamic and mount-sets cases raised it from 1.92 when they
// came: one-line RUNs whose flags are blocks in a twin, ×3.00, ×3.25,
// ×2.29; the target's base label, target "app" "busybox" {, took the gap
// cases from 1.72 to 1.46, 104/71 lines. With the ports of prometheus and
// node_exporter the set is ×1.37, 138/101.)
const (
	parityLineGoal  = 1.5
	parityLineBound = 1.47
)

// TestParityLineRatio counts non-blank, non-comment lines of the parity
// cases' Dockerfiles and twins, over the whole set and over the gap cases
// alone (those not named port-*, the ports of real projects' Dockerfiles,
// whose longer stages make the ratio smaller), so the gap cases cannot
// grow behind the ports. It needs no BuildKit.
func TestParityLineRatio(t *testing.T) {
	type count struct{ df, hcl int }
	var all, gaps, ports count
	for _, c := range parityCases(t) {
		d, h := codeLines(c.files["Dockerfile"], "#"), codeLines(c.files["build.hcl"], "#", "//")
		t.Logf("%-20s Dockerfile %3d  build.hcl %3d  ×%.2f", c.name, d, h, float64(h)/float64(d))
		sum := &gaps
		if strings.HasPrefix(c.name, "port-") {
			sum = &ports
		}
		sum.df, sum.hcl = sum.df+d, sum.hcl+h
		all.df, all.hcl = all.df+d, all.hcl+h
	}
	for _, s := range []struct {
		what string
		n    count
	}{{"gap cases", gaps}, {"ports", ports}, {"all", all}} {
		if s.n.df == 0 {
			continue
		}
		ratio := float64(s.n.hcl) / float64(s.n.df)
		t.Logf("%s: Dockerfiles %d lines, twins %d lines: ×%.2f (goal ×%.1f)", s.what, s.n.df, s.n.hcl, ratio, parityLineGoal)
		if ratio > parityLineBound {
			t.Errorf("%s: the twins are ×%.2f the Dockerfiles' lines, over the bound ×%.2f (goal ×%.1f)", s.what, ratio, parityLineBound, parityLineGoal)
		}
	}
}

// codeLines counts the lines that are neither blank nor comments.
func codeLines(src []byte, comments ...string) int {
	n := 0
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || slices.ContainsFunc(comments, func(c string) bool { return strings.HasPrefix(line, c) }) {
			continue
		}
		n++
	}
	return n
}
