package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCacheMount checks that a cache mount persists between builds: a
// second build, with a different command, sees the file the first build's
// step wrote into the cache directory. (Not with no_cache = true: BuildKit
// empties the cache mounts of a step that ignores the cache, as it does for
// Dockerfile RUN --mount=type=cache under --no-cache.) Both commands hold
// the nonce: cache mount ids are not part of BuildKit's cache keys, so the
// same command would come from an earlier run's cache.
func TestCacheMount(t *testing.T) {
	t.Parallel()
	env := setup(t)
	id := nonce(t)
	dir := project(t, map[string]string{"build.hcl": `
target "write" {
  from = "busybox"
  run {
    command = "echo ` + id + ` > /cache/written && echo done > /wrote"
    cache "/cache" {
      id = "e2e-` + id + `"
    }
  }
}

target "read" {
  from = "busybox"
  run {
    command = "cp /cache/written /seen && echo read ` + id + `"
    cache "/cache" {
      id = "e2e-` + id + `"
    }
  }
}
`})
	out, _ := build{dir: dir, target: "write"}.local(t, env)
	if _, err := os.Stat(filepath.Join(out, "cache", "written")); err == nil {
		t.Errorf("the cache mount's content leaked into the image")
	}
	out, _ = build{dir: dir, target: "read"}.local(t, env)
	if got := readFile(t, out, "seen"); got != id {
		t.Errorf("the second build saw %q in the cache mount, want %q", got, id)
	}
}

// TestCacheReuse checks BuildKit's cache through the frontend: an
// identical second build takes every step from the cache; after one
// source file changes, only the steps that depend on it run again, while a
// copy of another file (link = true), a run before the changed copy, and
// another target that never reads the file stay cached.
func TestCacheReuse(t *testing.T) {
	t.Parallel()
	env := setup(t)
	id := nonce(t)
	dir := project(t, map[string]string{
		"build.hcl": `
target "lib" {
  from = "busybox"
  copy {
    src  = ["b.txt"]
    dest = "/b.txt"
  }
  run {
    command = "wc -c < /b.txt > /b.len"
  }
}

target "app" {
  from = "busybox"
  run {
    command = "echo ` + id + ` > /early"
  }
  copy {
    src  = ["a.txt"]
    dest = "/a.txt"
  }
  copy {
    src  = ["b.txt"]
    dest = "/b-linked.txt"
    link = true
  }
  run {
    command = "tr a-z A-Z < /a.txt > /a.upper"
  }
  copy {
    from = target.lib
    src  = ["/b.len"]
    dest = "/b.len"
  }
}
`,
		"a.txt": "a " + id + "\n",
		"b.txt": "b " + id + "\n",
	})
	b := build{dir: dir, target: "app"}

	out, first := b.local(t, env)
	for _, v := range append(stepVertices(first, "app"), stepVertices(first, "lib")...) {
		if v.Cached && !strings.Contains(v.Name, "FROM") {
			t.Errorf("first build: %q came from the cache; the nonce should make it new", v.Name)
		}
	}
	if got := readFile(t, out, "a.upper"); got != "A "+strings.ToUpper(id) {
		t.Errorf("/a.upper = %q", got)
	}

	_, second := b.local(t, env)
	steps := append(stepVertices(second, "app"), stepVertices(second, "lib")...)
	if len(steps) < 7 {
		t.Fatalf("second build: only %d step vertices:\n%s", len(steps), tail(second, 40))
	}
	for _, v := range steps {
		// The base is a source, not a step: BuildKit resolves it again.
		if !v.Cached && !strings.Contains(v.Name, "] FROM ") {
			t.Errorf("second, identical build: %q was not CACHED", v.Name)
		}
	}

	// The third build's progress is read as rawjson: a link copy is two
	// vertices (the copy, and the merge onto the steps before it) that
	// plain output shows as one progress group.
	writeTree(t, dir, map[string]string{"a.txt": "changed " + id + "\n"})
	b.progress = "rawjson"
	out, third := b.local(t, env)
	if got := readFile(t, out, "a.upper"); got != "CHANGED "+strings.ToUpper(id) {
		t.Errorf("after the change /a.upper = %q", got)
	}
	app, lib := rawStepVertices(t, third, "app"), rawStepVertices(t, third, "lib")
	for _, c := range []struct {
		vs     []*vertex
		parts  []string
		cached bool
	}{
		{app, []string{"RUN echo " + id}, true},
		{app, []string{"COPY a.txt"}, false},
		{app, []string{"] COPY --link b.txt"}, true},
		{app, []string{"LINK COPY --link b.txt"}, false},
		{app, []string{"RUN tr a-z A-Z"}, false},
		{lib, []string{"COPY b.txt"}, true},
		{lib, []string{"RUN wc -c"}, true},
	} {
		v := findVertex(t, c.vs, c.parts...)
		if v.Cached != c.cached {
			t.Errorf("after changing a.txt: %q cached = %v, want %v", v.Name, v.Cached, c.cached)
		}
	}
}
