package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/internal/e2eenv"
	"github.com/org/buildlang/lang"
)

// offlineImages are the tags of the one image the e2e registry holds
// (hack/e2e-env pushes busybox as latest and as Debian's version).
var offlineImages = map[string]bool{
	"docker-image://docker.io/library/busybox:latest": true,
	"docker-image://docker.io/library/busybox:1.35":   true,
}

// TestExamples builds, through the frontend, every default target of every
// example in examples/ that needs no network; see the package doc for the
// rule. Examples that pull anything else are skipped, naming what.
func TestExamples(t *testing.T) {
	t.Parallel()
	env := setup(t)
	root, err := e2eenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(root, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	built := 0
	for _, e := range entries {
		dir := filepath.Join(root, "examples", e.Name())
		if _, err := os.Stat(filepath.Join(dir, "build.hcl")); err != nil {
			continue
		}
		targets, remote := offlineTargets(t, dir)
		if len(remote) > 0 {
			t.Logf("examples/%s: not built, it pulls %s", e.Name(), strings.Join(remote, ", "))
			continue
		}
		built++
		for _, target := range targets {
			t.Run(e.Name()+"/"+target, func(t *testing.T) {
				out, _ := build{dir: dir, target: target}.local(t, env)
				if check := exampleChecks[e.Name()+"/"+target]; check != nil {
					check(t, dir, out)
				} else if entries, err := os.ReadDir(out); err != nil || len(entries) == 0 {
					t.Errorf("the build exported nothing (%v)", err)
				}
			})
		}
	}
	if built == 0 {
		t.Errorf("no example in examples/ builds offline; the busybox example should")
	}
}

// exampleChecks are assertions on specific examples' outputs, beyond "it
// built and exported files".
var exampleChecks = map[string]func(t *testing.T, dir, out string){
	"busybox/hello": func(t *testing.T, dir, out string) {
		msg, err := os.ReadFile(filepath.Join(dir, "message.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]string{
			"srv/message.txt": strings.TrimSpace(string(msg)),
			"srv/name.txt":    "BUILDLANG",
			"srv/words.txt":   strconv.Itoa(len(strings.Fields(string(msg)))),
		} {
			if got := readFile(t, out, name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		if got, err := os.Readlink(filepath.Join(out, "usr/local/bin/greet")); got != "/srv/greet.sh" {
			t.Errorf("usr/local/bin/greet links to %q (%v), want /srv/greet.sh", got, err)
		}
		if got := readFile(t, out, "srv/greet.sh"); !strings.Contains(got, "cat /srv/message.txt") {
			t.Errorf("greet.sh = %q", got)
		}
	},
}

// offlineTargets loads an example's build.hcl and compiles its default
// targets without a daemon. It returns the targets and, sorted, every
// source they read that is neither busybox nor a local directory.
func offlineTargets(t *testing.T, dir string) (targets, remote []string) {
	t.Helper()
	b, diags := lang.Load(lang.FS(os.DirFS(dir)), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatalf("%s: %v", dir, diags)
	}
	targets, diags = b.Expand(nil)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", dir, diags)
	}
	// Named contexts are the client's: give each an empty local.
	res, diags := compiler.Compile(t.Context(), b, compiler.Request{Targets: targets, NamedContexts: emptyContexts})
	if diags.HasErrors() {
		t.Fatalf("%s: compile: %v", dir, diags)
	}
	for _, o := range res.Outputs {
		def, err := o.Marshal(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, dt := range def.Def {
			var op pb.Op
			if err := op.UnmarshalVT(dt); err != nil {
				t.Fatal(err)
			}
			src := op.GetSource()
			if src == nil {
				continue
			}
			id := src.Identifier
			if strings.HasPrefix(id, "local://") || offlineImages[id] {
				continue
			}
			if !slices.Contains(remote, id) {
				remote = append(remote, id)
			}
		}
	}
	slices.Sort(remote)
	return targets, remote
}

func emptyContexts(_ context.Context, name string, _ ocispecs.Platform) (*compiler.NamedContext, error) {
	return &compiler.NamedContext{State: llb.Local(name)}, nil
}
