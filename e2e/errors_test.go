package e2e

import (
	"strings"
	"testing"
)

// TestRunErrorSource checks that a failing run step's error points at the
// build file: buildctl prints build.hcl with the step's lines marked, from
// the source map the frontend attaches to the step's vertex.
func TestRunErrorSource(t *testing.T) {
	t.Parallel()
	env := setup(t)
	id := nonce(t)
	dir := project(t, map[string]string{"build.hcl": `# syntax=org/buildlang
target "broken" {
  from = "busybox"
  run {
    command = "echo fine ` + id + ` > /fine"
  }
  run {
    command = "echo about to fail ` + id + `; exit 3"
  }
}
`})
	for _, b := range []build{{dir: dir}, {dir: dir, syntax: true, filename: "build.hcl"}} {
		out := b.fails(t, env)
		for _, want := range []string{
			"about to fail " + id, // the step's output
			"exit code: 3",        // its status
			"build.hcl:7",         // file and first line of the step
			">>>   run {",         // the snippet marks the step's block
			`>>>     command = "echo about to fail`,
			"   9 | >>>   }",
			"  10 |     }", // with context lines around it
		} {
			if !strings.Contains(out, want) {
				t.Errorf("syntax=%v: the error output does not show %q:\n%s", b.syntax, want, tail(out, 25))
			}
		}
		if strings.Contains(out, ">>>     command = \"echo fine") {
			t.Errorf("the snippet marks the step that did not fail:\n%s", tail(out, 25))
		}
	}
}

// TestCheckErrorSource checks that a check error (an unknown variable)
// names file:line:col, carries the suggestion, and comes with the source
// snippet.
func TestCheckErrorSource(t *testing.T) {
	t.Parallel()
	env := setup(t)
	dir := project(t, map[string]string{"build.hcl": `variable "GREETING" {
  default = "hi"
}

target "t" {
  from = "busybox"
  run {
    command = "echo ${var.GREETNG} > /greeting"
  }
}
`})
	out := build{dir: dir}.fails(t, env)
	for _, want := range []string{
		`build.hcl:8:23: Unknown variable`,
		`Did you mean "GREETING"?`,
		"build.hcl:8\n",
		`   8 | >>>     command = "echo ${var.GREETNG} > /greeting"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the error output does not show %q:\n%s", want, tail(out, 15))
		}
	}
}
