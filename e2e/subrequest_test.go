package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/frontend/subrequests/targets"
)

const subrequestBuild = `# syntax=org/buildlang

variable "VERSION" {
  description = "Version stamped into the image."
  default     = "1.2.3"
}

variable "unused" {
  description = "Nobody reads this."
  default     = "x"
}

secret "token" {
  description = "API token."
}

target "app" {
  description = "The application image."
  from        = "busybox:latest"
  run {
    command = "echo ${var.VERSION} > /version && test -s /run/secrets/token"
    secret "token" {}
  }
}

target "docs" {
  description = "The documentation."
  from        = "busybox"
  file {
    path    = "/doc.txt"
    content = "docs"
  }
}

group "default" {
  targets = [target.app]
}
`

// TestSubrequests asks the frontend, through the Go client as buildx does,
// for frontend.targets, frontend.outline and frontend.lint, and checks the
// answers come from the build file.
func TestSubrequests(t *testing.T) {
	t.Parallel()
	env := setup(t)
	dir := project(t, map[string]string{"build.hcl": subrequestBuild})

	t.Run("targets", func(t *testing.T) {
		md := frontendSolve(t, env, dir, map[string]string{"requestid": targets.RequestTargets})
		var l targets.List
		unmarshalResult(t, md, &l)
		got := map[string]targets.Target{}
		for _, tg := range l.Targets {
			got[tg.Name] = tg
		}
		if app := got["app"]; app.Description != "The application image." || !app.Default || app.Location == nil {
			t.Errorf("app = %+v, want its description, default and a location", app)
		}
		if docs := got["docs"]; docs.Description != "The documentation." || docs.Default {
			t.Errorf("docs = %+v, want its description, not default", docs)
		}
		if len(l.Targets) != 2 {
			t.Errorf("targets = %+v, want app and docs", l.Targets)
		}
		if len(l.Sources) != 1 || !strings.Contains(string(l.Sources[0]), `target "app"`) {
			t.Errorf("sources do not hold build.hcl")
		}
		if loc := got["app"].Location; loc != nil && loc.Ranges[0].Start.Line != 17 {
			t.Errorf("app is declared on line 17, location says %d", loc.Ranges[0].Start.Line)
		}
		if txt := string(md["result.txt"]); !strings.Contains(txt, "app") || !strings.Contains(txt, "The application image.") {
			t.Errorf("result.txt = %q", txt)
		}
	})

	t.Run("outline", func(t *testing.T) {
		md := frontendSolve(t, env, dir, map[string]string{"requestid": outline.RequestSubrequestsOutline, "target": "app"})
		var o outline.Outline
		unmarshalResult(t, md, &o)
		if o.Name != "app" || o.Description != "The application image." {
			t.Errorf("outline name/description = %q/%q", o.Name, o.Description)
		}
		i := slices.IndexFunc(o.Args, func(a outline.Arg) bool { return a.Name == "VERSION" })
		if i < 0 {
			t.Fatalf("outline args %+v have no VERSION", o.Args)
		}
		if a := o.Args[i]; a.Description != "Version stamped into the image." || a.Value != "1.2.3" || a.Location == nil {
			t.Errorf("VERSION = %+v", a)
		}
		if len(o.Secrets) != 1 || o.Secrets[0].Name != "token" || !o.Secrets[0].Required {
			t.Errorf("secrets = %+v, want token, required", o.Secrets)
		}
	})

	t.Run("outline-default-target", func(t *testing.T) {
		md := frontendSolve(t, env, dir, map[string]string{"requestid": outline.RequestSubrequestsOutline})
		var o outline.Outline
		unmarshalResult(t, md, &o)
		if o.Name != "app" || o.Description != "The application image." {
			t.Errorf("without a target, outline name/description = %q/%q, want the default group's one target", o.Name, o.Description)
		}
	})

	t.Run("lint", func(t *testing.T) {
		md := frontendSolve(t, env, dir, map[string]string{"requestid": lint.RequestLint})
		var r lint.LintResults
		unmarshalResult(t, md, &r)
		if r.Error != nil {
			t.Errorf("lint reports an error: %+v", r.Error)
		}
		rules := map[string]lint.Warning{}
		for _, w := range r.Warnings {
			rules[w.RuleName] = w
		}
		for _, want := range []struct {
			rule string
			line int32
		}{
			{"unused-variable", 8},
			{"latest-base-image", 19},
			{"untagged-base-image", 28},
		} {
			w, ok := rules[want.rule]
			if !ok {
				t.Errorf("no %s warning among %+v", want.rule, r.Warnings)
				continue
			}
			if w.Description == "" || w.Location == nil || w.Location.Ranges[0].Start.Line != want.line {
				t.Errorf("%s: %+v, want a description and line %d", want.rule, w, want.line)
			}
		}
		if len(r.Sources) != 1 || r.Sources[0].Filename != "build.hcl" {
			t.Errorf("sources = %+v", r.Sources)
		}
	})

	t.Run("lint-check-error", func(t *testing.T) {
		dir := project(t, map[string]string{"build.hcl": strings.Replace(subrequestBuild, "${var.VERSION}", "${var.VERSON}", 1)})
		md := frontendSolve(t, env, dir, map[string]string{"requestid": lint.RequestLint})
		var r lint.LintResults
		unmarshalResult(t, md, &r)
		if r.Error == nil {
			t.Fatalf("lint of a build with a check error reports no error: %+v", r)
		}
		if !strings.Contains(r.Error.Message, "build.hcl:21:") || !strings.Contains(r.Error.Message, `Did you mean "VERSION"?`) {
			t.Errorf("error = %q", r.Error.Message)
		}
		if len(r.Error.Location.Ranges) == 0 || r.Error.Location.Ranges[0].Start.Line != 21 {
			t.Errorf("error location = %v, want line 21", r.Error.Location.Ranges)
		}
	})

	t.Run("targets-check-error", func(t *testing.T) {
		dir := project(t, map[string]string{"build.hcl": strings.Replace(subrequestBuild, "${var.VERSION}", "${var.VERSON}", 1)})
		_, err := frontendSolveErr(t, env, dir, map[string]string{"requestid": targets.RequestTargets})
		if err == nil || !strings.Contains(err.Error(), `Did you mean "VERSION"?`) {
			t.Errorf("targets of a broken build: err = %v, want the check error", err)
		}
	})
}

func unmarshalResult(t *testing.T, md map[string][]byte, v any) {
	t.Helper()
	dt, ok := md["result.json"]
	if !ok {
		t.Fatalf("no result.json in the result metadata (keys %v)", keys(md))
	}
	if err := json.Unmarshal(dt, v); err != nil {
		t.Fatalf("result.json: %v\n%s", err, dt)
	}
}
