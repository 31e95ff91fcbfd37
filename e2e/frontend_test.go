package e2e

import (
	"strings"
	"testing"
)

// helloBuild is a small build using every kind of step.
const helloBuild = `# syntax=org/buildlang

variable "GREETING" {
  description = "First word of the greeting."
  default     = "hello"
}

target "hello" {
  description = "Greets from busybox."
  from        = "busybox"
  workdir     = "/srv"

  copy {
    src  = ["message.txt"]
    dest = "message.txt"
  }
  file {
    path    = "/srv/greeting.txt"
    content = "${var.GREETING}, world\n"
  }
  mkdir {
    path = "/srv/data/nested"
  }
  run {
    command = "tr a-z A-Z < message.txt > shout.txt && echo $(wc -l < message.txt) > lines.txt"
  }
  symlink {
    path   = "/srv/latest"
    target = "shout.txt"
  }
  remove {
    paths = ["/srv/data/nested"]
  }
}
`

// TestSyntaxAndGateway builds the same file through the two ways BuildKit
// reaches the frontend: the Dockerfile frontend forwarding on the file's
// "# syntax=org/buildlang" line, and gateway.v0 with source=org/buildlang.
func TestSyntaxAndGateway(t *testing.T) {
	t.Parallel()
	env := setup(t)
	dir := project(t, map[string]string{
		"build.hcl":   helloBuild,
		"message.txt": "from the context\nsecond line\n",
	})
	for _, tc := range []struct {
		name string
		b    build
	}{
		{"syntax", build{dir: dir, syntax: true, filename: "build.hcl"}},
		{"gateway", build{dir: dir}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, log := tc.b.local(t, env)
			want := map[string]string{
				"srv/message.txt":  "from the context\nsecond line",
				"srv/greeting.txt": "hello, world",
				"srv/shout.txt":    "FROM THE CONTEXT\nSECOND LINE",
				"srv/lines.txt":    "2",
			}
			for name, w := range want {
				if got := readFile(t, out, name); got != w {
					t.Errorf("%s = %q, want %q", name, got, w)
				}
			}
			if got := readFile(t, out, "srv/latest"); got != want["srv/shout.txt"] {
				t.Errorf("srv/latest (symlink) reads %q", got)
			}
			if _, err := readFileErr(out, "srv/data/nested"); err == nil {
				t.Errorf("srv/data/nested was not removed")
			}
			if _, err := readFileErr(out, "bin/busybox"); err != nil {
				t.Errorf("the busybox base is missing: %v", err)
			}
			if tc.b.syntax && !strings.Contains(log, "resolve image config for docker-image://docker.io/org/buildlang") {
				t.Errorf("the build did not go through the syntax directive:\n%s", tail(log, 30))
			}
		})
	}
}

// TestFrontendOptions checks how the frontend maps BuildKit's options onto
// the language: target selection (groups, matrix instances), build args as
// variables, environment selection, named contexts and no-cache.
func TestFrontendOptions(t *testing.T) {
	t.Parallel()
	env := setup(t)
	id := nonce(t)
	dir := project(t, map[string]string{
		"build.hcl": `
variable "WHO" {
  default = "default-who"
}
environment "prod" {
  vars = { WHO = "prod-who" }
}
target "m" {
  matrix = { v = ["a", "b"] }
  name   = "m-${matrix.v}"
  from   = "busybox"
  run {
    command = "echo ${matrix.v} ${var.WHO} > /m"
  }
}
target "n" {
  from = "busybox"
  copy {
    from = contexts.foo
    src  = ["n.txt"]
    dest = "/n.txt"
  }
}
target "fresh" {
  from = "busybox"
  run {
    command = "echo ` + id + ` && cat /proc/sys/kernel/random/uuid > /uuid"
  }
}
group "all" {
  targets = [target.m, target.n]
}
`,
		"extra/n.txt": "from the named context\n",
	})
	b := build{dir: dir}

	t.Run("group", func(t *testing.T) {
		b := b
		b.target = "all"
		out := b.fails(t, env)
		for _, want := range []string{`"all" is a group of m-a, m-b, n`, "--target"} {
			if !strings.Contains(out, want) {
				t.Errorf("error does not say %q:\n%s", want, tail(out, 10))
			}
		}
	})
	t.Run("matrix-base-name", func(t *testing.T) {
		b := b
		b.target = "m"
		out := b.fails(t, env)
		if !strings.Contains(out, `"m" is a matrix target with instances m-a, m-b`) {
			t.Errorf("error does not list the instances:\n%s", tail(out, 10))
		}
	})
	t.Run("no-target", func(t *testing.T) {
		out := b.fails(t, env)
		for _, want := range []string{"no target given and the build defines 4", "m-a, m-b", "pass one with --target"} {
			if !strings.Contains(out, want) {
				t.Errorf("error does not say %q:\n%s", want, tail(out, 10))
			}
		}
	})
	for _, tc := range []struct {
		name string
		b    build
		want string
	}{
		{"matrix-instance", build{target: "m-a"}, "a default-who"},
		{"build-arg", build{target: "m-b", opts: []string{"build-arg:WHO=from-arg"}}, "b from-arg"},
		{"env-opt", build{target: "m-b", opts: []string{"env=prod"}}, "b prod-who"},
		{"env-build-arg", build{target: "m-b", opts: []string{"build-arg:BUILDLANG_ENV=prod"}}, "b prod-who"},
		{"build-arg-over-env", build{target: "m-b", opts: []string{"env=prod", "build-arg:WHO=from-arg"}}, "b from-arg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.b.dir = dir
			out, _ := tc.b.local(t, env)
			if got := readFile(t, out, "m"); got != tc.want {
				t.Errorf("/m = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("named-context", func(t *testing.T) {
		b := b
		b.target = "n"
		b.opts = []string{"context:foo=local:foo"}
		b.args = []string{"--local", "foo=" + dir + "/extra"}
		out, _ := b.local(t, env)
		if got := readFile(t, out, "n.txt"); got != "from the named context" {
			t.Errorf("/n.txt = %q", got)
		}
	})
	t.Run("named-context-missing", func(t *testing.T) {
		b := b
		b.target = "n"
		out := b.fails(t, env)
		for _, want := range []string{"build.hcl:19:12", "contexts.foo", "--local foo=DIR --opt context:foo=local:foo"} {
			if !strings.Contains(out, want) {
				t.Errorf("error does not say %q:\n%s", want, tail(out, 12))
			}
		}
	})
	t.Run("no-cache", func(t *testing.T) {
		b := b
		b.target = "fresh"
		first, _ := b.local(t, env)
		cached, log := b.local(t, env)
		if v := findVertex(t, stepVertices(log, "fresh"), "RUN"); !v.Cached {
			t.Errorf("the second build ran the step again: %+v", v)
		}
		if readFile(t, first, "uuid") != readFile(t, cached, "uuid") {
			t.Errorf("a cached build changed /uuid")
		}
		b.args = []string{"--no-cache"}
		again, log := b.local(t, env)
		if v := findVertex(t, stepVertices(log, "fresh"), "RUN"); v.Cached || !v.Done {
			t.Errorf("with --no-cache the step was not run: %+v", v)
		}
		if readFile(t, first, "uuid") == readFile(t, again, "uuid") {
			t.Errorf("--no-cache kept /uuid = %s", readFile(t, again, "uuid"))
		}
	})
}
