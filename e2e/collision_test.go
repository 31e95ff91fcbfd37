package e2e

import (
	"strings"
	"testing"
)

// TestFrontendOneTargetBesideCollidingSiblings: two targets of the default
// group write one dest, which check reports and a build of the default
// group refuses; a frontend build of another target (--opt target=app) is
// not refused for what its siblings write, as buildlang build app is not
// (cmd/buildlang TestBuildBesideSiblingsCollision).
func TestFrontendOneTargetBesideCollidingSiblings(t *testing.T) {
	t.Parallel()
	env := setup(t)
	dir := project(t, map[string]string{"build.hcl": `group "default" {
  targets = [target.a, target.b]
}

target "app" "busybox" {
  run "echo app > /app" {}
}

target "a" "busybox" {
  output = ["type=local,dest=site"]
}

target "b" "busybox" {
  output = ["type=tar,dest=site"]
}
`})
	out, _ := build{dir: dir, target: "app"}.local(t, env)
	if got := readFile(t, out, "app"); got != "app" {
		t.Errorf("--opt target=app: /app = %q, want %q", got, "app")
	}
	log := build{dir: dir}.fails(t, env)
	for _, w := range []string{"build.hcl:", `"a"`, `"b"`} {
		if !strings.Contains(log, w) {
			t.Errorf("the default build's error does not say %q:\n%s", w, tail(log, 20))
		}
	}
}
