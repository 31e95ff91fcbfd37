package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestOnbuildRefused: a base image whose config carries ONBUILD triggers
// (here declared by a buildlang target's onbuild, pushed to the e2e
// registry) is built FROM by the Dockerfile frontend, which runs the
// triggers, and refused by buildlang, which does not run Dockerfile
// instructions: the same error, naming the triggers, at the from line of
// build.hcl, through the frontend (buildctl) and the CLI. (That onbuild
// makes the config a Dockerfile's ONBUILD makes, imgdiff proves in the
// config-only parity case.)
func TestOnbuildRefused(t *testing.T) {
	t.Parallel()
	env := setup(t)
	id := nonce(t)
	ref := env.Registry + "/test/onbuild-" + id + ":1"
	base := project(t, map[string]string{"build.hcl": `target "base" {
  from    = "busybox"
  onbuild = ["RUN echo triggered ` + id + ` > /triggered"]
}
`})
	build{dir: base, target: "base", output: "type=image,name=" + ref + ",push=true"}.must(t, env)

	// The Dockerfile frontend runs the trigger.
	df := project(t, map[string]string{"Dockerfile": "FROM " + ref + "\nRUN cat /triggered > /seen\n"})
	out, _ := build{dir: df, syntax: true, filename: "Dockerfile"}.local(t, env)
	if got := readFile(t, out, "seen"); got != "triggered "+id {
		t.Errorf("the Dockerfile frontend did not run the trigger: /seen = %q", got)
	}

	// buildlang refuses, at the from line, naming the trigger.
	dir := project(t, map[string]string{"build.hcl": `target "app" {
  from = "` + ref + `"
  run { command = "true" }
}
`})
	want := []string{"Base image has ONBUILD triggers", "1 ONBUILD trigger(s) (RUN echo triggered " + id + " > /triggered)",
		"Write the triggers as steps of this target"}
	log := build{dir: dir, target: "app"}.fails(t, env)
	for _, w := range append(want, "build.hcl:2:10") {
		if !strings.Contains(log, w) {
			t.Errorf("the frontend's error does not say %q:\n%s", w, tail(log, 20))
		}
	}
	cmd := exec.CommandContext(t.Context(), buildlangCLI(t), "build", "app", "--progress", "plain")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BUILDKIT_HOST="+env.BuildkitHost)
	cli, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("buildlang build from a base with ONBUILD triggers succeeded:\n%s", tail(string(cli), 20))
	}
	for _, w := range append(want, "on build.hcl line 2", `2:   from = "`+ref) {
		if !strings.Contains(string(cli), w) {
			t.Errorf("the CLI's error does not say %q:\n%s", w, tail(string(cli), 20))
		}
	}
}
