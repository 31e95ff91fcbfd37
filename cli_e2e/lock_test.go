package cli_e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// `buildlang lock` pins every image of every environment to the registry's
// digest; compile then writes the same pinned LLB from two fresh copies of
// the files (no daemon, no cache, another HOME). The lock is stable while
// the tags move, and --update IMAGE moves only that image's entry.
func TestLockPinsAndUpdatesOnlyTheNamedImage(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	repo := env.Registry + "/supply-lock-" + runID
	a1 := pushBusybox(t, env, repo+"/a:1", "a1")
	b1 := pushBusybox(t, env, repo+"/b:1", "b1")
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`
environment "dev" {}
environment "prod" {
  platforms = ["linux/amd64", "linux/arm64"]
}
target "app" {
  from = %q
  copy {
    from = image(%q)
    src  = ["/bin/busybox"]
    dest = "/bb"
  }
}
`, repo+"/a:1", repo+"/b:1")})
	r := mustBuild(t, env, dir, nil, "lock")
	lockPath := filepath.Join(dir, "build.lock")
	locked := readFile(t, lockPath)
	for _, want := range []string{
		fmt.Sprintf("image %q {\n  digest    = %q\n  platforms = [\"linux/amd64\", \"linux/arm64\"]\n}", repo+"/a:1", a1),
		fmt.Sprintf("image %q {\n  digest    = %q\n  platforms = [\"linux/amd64\", \"linux/arm64\"]\n}", repo+"/b:1", b1),
	} {
		if !strings.Contains(locked, want) {
			t.Fatalf("build.lock lacks\n%s\nin\n%s\n(stderr: %s)", want, locked, r.stderr)
		}
	}

	compileIn := func(name string) []byte {
		fresh := writeFiles(t, map[string]string{
			"build.hcl":  readFile(t, filepath.Join(dir, "build.hcl")),
			"build.lock": readFile(t, lockPath),
		})
		home := t.TempDir()
		r := mustBuild(t, env, fresh, map[string]string{"HOME": home, "BUILDKIT_HOST": "", "XDG_CACHE_HOME": home},
			"compile", "--env", "prod", "--platform", "linux/arm64")
		if strings.Contains(r.stderr, "lock") {
			t.Errorf("%s: compile warned about the lock:\n%s", name, r.stderr)
		}
		return []byte(r.stdout)
	}
	one, two := compileIn("first"), compileIn("second")
	if !bytes.Equal(one, two) {
		t.Fatal("compile gave different LLB from two fresh copies of the same files and lock")
	}
	for _, want := range []string{repo + "/a:1@" + a1, repo + "/b:1@" + b1} {
		if !bytes.Contains(one, []byte(want)) {
			t.Errorf("the compiled LLB does not pull %s", want)
		}
	}

	// Both tags move. lock keeps the file as it is; --update a moves a only.
	a2 := pushBusybox(t, env, repo+"/a:1", "a2")
	pushBusybox(t, env, repo+"/b:1", "b2")
	mustBuild(t, env, dir, nil, "lock")
	if again := readFile(t, lockPath); again != locked {
		t.Fatalf("lock without --update changed build.lock:\n%s", again)
	}
	r = mustBuild(t, env, dir, nil, "lock", "--update", repo+"/a")
	updated := readFile(t, lockPath)
	if want := strings.Replace(locked, a1, a2, 1); updated != want {
		t.Fatalf("lock --update %s/a: want only a's digest changed:\n%s\ngot:\n%s", repo, want, updated)
	}
	if !strings.Contains(r.stderr, "updated "+repo+"/a:1 "+a2) {
		t.Errorf("lock --update did not say what it changed:\n%s", r.stderr)
	}
	if r := buildlang(t, env, dir, nil, "lock", "--update", "localhost:5000/not/used"); r.code == 0 || !strings.Contains(r.stderr, "not an image this build reads") {
		t.Errorf("lock --update of an image the build does not read: exit %d\n%s", r.code, r.stderr)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	dt, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(dt)
}
