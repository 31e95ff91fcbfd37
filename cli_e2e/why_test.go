package cli_e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/org/buildlang/internal/e2eenv"
	"github.com/org/buildlang/records"
)

// whyCase is one cause of a cache miss: a project built once, changed,
// predicted with why --plan, built again and explained with why.
type whyCase struct {
	files  map[string]string
	first  []string // extra build args of the first build
	change func(t *testing.T, dir string)
	second []string // extra build (and --plan) args of the second build
	// want are the reported misses, "file:line: cause" each.
	want []string
}

// misses flattens explanations to "file:line: cause" lines.
func misses(t *testing.T, stdout string) []string {
	t.Helper()
	var exs []*records.Explanation
	if err := json.Unmarshal([]byte(stdout), &exs); err != nil {
		t.Fatalf("why --format json: %v\n%s", err, stdout)
	}
	out := []string{}
	for _, ex := range exs {
		for _, m := range ex.Misses {
			for _, c := range m.Causes {
				out = append(out, m.At+": "+c.Message)
			}
		}
	}
	return out
}

func (c whyCase) run(t *testing.T, env *e2eenv.Env) (dir string) {
	t.Helper()
	dir = writeFiles(t, c.files)
	build := func(extra []string) {
		mustBuild(t, env, dir, nil, append([]string{"build", "app", "--progress", "plain"}, extra...)...)
	}
	build(c.first)
	c.change(t, dir)
	plan := mustBuild(t, env, dir, nil, append([]string{"why", "app", "--plan", "--format", "json"}, c.second...)...)
	build(c.second)
	why := mustBuild(t, env, dir, nil, "why", "app", "--format", "json")
	got := misses(t, why.stdout)
	if diff := cmp.Diff(c.want, got); diff != "" {
		text := buildlang(t, env, dir, nil, "why", "app")
		t.Errorf("why (-want +got):\n%s\n%s", diff, text.stdout)
	}
	if diff := cmp.Diff(got, misses(t, plan.stdout)); diff != "" {
		t.Errorf("why --plan predicted otherwise than the build reported (-build +plan):\n%s", diff)
	}
	return dir
}

// project is a build file whose first step makes every run's cache keys
// new, so a step cached by an earlier test run cannot hide a miss.
func project(t *testing.T, body string) string {
	return fmt.Sprintf(`variable "VERSION" { default = "1.2.3" }

target "app" {
  from = "busybox"
  file {
    path    = "/run-id"
    content = "%s"
  }
%s}
`, runID+"-"+t.Name(), body)
}

const copyGo = `  copy {
    src     = ["src"]
    dest    = "/src/"
    include = ["*.go"]
  }
  run {
    command = "ls /src > /list"
  }
`

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWhyContextFileChanged(t *testing.T) {
	t.Parallel()
	whyCase{
		files:  map[string]string{"build.hcl": project(t, copyGo), "src/main.go": "package main\n", "src/README.md": "hi\n"},
		change: func(t *testing.T, dir string) { writeFile(t, dir, "src/main.go", "package main // changed\n") },
		want:   []string{"build.hcl:9: copy at build.hcl:9 reads src/main.go, which changed"},
	}.run(t, e2eenv.Require(t))
}

func TestWhyFileOutsideIncludeIsNoMiss(t *testing.T) {
	t.Parallel()
	whyCase{
		files:  map[string]string{"build.hcl": project(t, copyGo), "src/main.go": "package main\n", "src/README.md": "hi\n"},
		change: func(t *testing.T, dir string) { writeFile(t, dir, "src/README.md", "changed\n") },
		want:   []string{},
	}.run(t, e2eenv.Require(t))
}

func TestWhyVariableChanged(t *testing.T) {
	t.Parallel()
	whyCase{
		files: map[string]string{"build.hcl": project(t, `  run {
    command = "echo ${var.VERSION} > /version"
  }
`)},
		first:  []string{"--var", "VERSION=1.2.3"},
		change: func(*testing.T, string) {},
		second: []string{"--var", "VERSION=1.2.4"},
		want:   []string{"build.hcl:9: variable VERSION changed from 1.2.3 to 1.2.4 (set by --var)"},
	}.run(t, e2eenv.Require(t))
}

func TestWhyCommandChanged(t *testing.T) {
	t.Parallel()
	body := `  run {
    command = "echo one > /out"
  }
  run {
    command = "echo two > /two"
  }
`
	whyCase{
		files: map[string]string{"build.hcl": project(t, body)},
		change: func(t *testing.T, dir string) {
			// Only the command changes: the run-id line stays as it was.
			dt, _ := os.ReadFile(filepath.Join(dir, "build.hcl"))
			writeFile(t, dir, "build.hcl", strings.Replace(string(dt), `command = "echo one > /out"`, `command = "echo 1 > /out"`, 1))
		},
		want: []string{"build.hcl:9: the command text changed"},
	}.run(t, e2eenv.Require(t))
}

func TestWhyStepOrderChanged(t *testing.T) {
	t.Parallel()
	a := "  run {\n    command = \"echo a > /a\"\n  }\n"
	b := "  run {\n    command = \"echo b > /b\"\n  }\n"
	whyCase{
		files: map[string]string{"build.hcl": project(t, a+b)},
		change: func(t *testing.T, dir string) {
			dt, _ := os.ReadFile(filepath.Join(dir, "build.hcl"))
			writeFile(t, dir, "build.hcl", strings.Replace(string(dt), a+b, b+a, 1))
		},
		want: []string{"build.hcl:9: step order changed: this step was step 4 and is now step 3"},
	}.run(t, e2eenv.Require(t))
}

func TestWhyNoCache(t *testing.T) {
	t.Parallel()
	whyCase{
		files: map[string]string{"build.hcl": project(t, `  run {
    command  = "date > /now"
    no_cache = true
  }
`)},
		change: func(*testing.T, string) {},
		want:   []string{"build.hcl:9: no_cache = true"},
	}.run(t, e2eenv.Require(t))
}

func TestWhyNewStep(t *testing.T) {
	t.Parallel()
	whyCase{
		files: map[string]string{"build.hcl": project(t, `  run {
    command = "echo a > /a"
  }
`)},
		change: func(t *testing.T, dir string) {
			dt, _ := os.ReadFile(filepath.Join(dir, "build.hcl"))
			writeFile(t, dir, "build.hcl", strings.TrimSuffix(string(dt), "}\n")+"  run {\n    command = \"echo b > /b\"\n  }\n}\n")
		},
		want: []string{"build.hcl:12: the previous record has no such step"},
	}.run(t, e2eenv.Require(t))
}

// pushBase pushes a one-file image under ref with mkimage, for every
// platform the daemon runs.
func pushBase(t *testing.T, env *e2eenv.Env, ref, content string) {
	t.Helper()
	bin, err := e2eenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "payload")
	if err := os.WriteFile(f, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"binary", "--path", "/payload", "--ref", ref}
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		args = append(args, "--binary", p+"="+f)
	}
	if out, err := exec.Command(filepath.Join(bin, "mkimage"), args...).CombinedOutput(); err != nil {
		t.Fatalf("mkimage %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func TestWhyBaseMoved(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	ref := env.Ref("test/why-base-" + runID + ":v1")
	pushBase(t, env, ref, "one "+runID)
	dir := writeFiles(t, map[string]string{"build.hcl": fmt.Sprintf(`target "app" {
  from = %q
  file {
    path    = "/x"
    content = "x"
  }
}
`, ref)})
	mustBuild(t, env, dir, nil, "build", "app", "--progress", "plain")
	before := baseDigest(t, env, dir)
	pushBase(t, env, ref, "two "+runID)
	plan := mustBuild(t, env, dir, nil, "why", "app", "--plan", "--format", "json")
	mustBuild(t, env, dir, nil, "build", "app", "--progress", "plain")
	after := baseDigest(t, env, dir)
	if before == after || before == "" {
		t.Fatalf("the base digest did not move: %s, %s", before, after)
	}
	got := misses(t, mustBuild(t, env, dir, nil, "why", "app", "--format", "json").stdout)
	want := []string{fmt.Sprintf("build.hcl:2: base %s moved from %s to %s", ref, before, after)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("why (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(got, misses(t, plan.stdout)); diff != "" {
		t.Errorf("why --plan predicted otherwise than the build reported (-build +plan):\n%s", diff)
	}
}

// baseDigest is the base digest of the latest record's FROM step.
func baseDigest(t *testing.T, env *e2eenv.Env, dir string) string {
	t.Helper()
	var r records.Record
	out := mustBuild(t, env, dir, nil, "history", "show", "latest", "--format", "json").stdout
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Steps {
		if s.Base != nil {
			return s.Base.Digest
		}
	}
	return ""
}

// No secret and no sensitive value reaches the state directory: a
// sensitive variable giving a secret's value is recorded as a keyed hash.
func TestRecordsKeepNoSecrets(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	sensitive, secret := "sensitive-marker-"+runID, "secret-marker-"+runID
	dir := writeFiles(t, map[string]string{"build.hcl": `
variable "TOKEN" {
  sensitive = true
}

secret "tok" {
  var = var.TOKEN
}

secret "env" {}

target "app" {
  from = "busybox"
  run {
    command = "test -s /run/secrets/tok && test -n \"$S\""
    secret "tok" {}
    secret "env" {
      env = "S"
    }
  }
}
`})
	mustBuild(t, env, dir, map[string]string{"E2E_SECRET": secret}, "build", "app", "--progress", "plain", "--var", "TOKEN="+sensitive, "--secret", "id=env,env=E2E_SECRET")
	var r records.Record
	if err := json.Unmarshal([]byte(mustBuild(t, env, dir, nil, "history", "show", "latest", "--format", "json").stdout), &r); err != nil {
		t.Fatal(err)
	}
	if v := r.Vars["TOKEN"]; v == nil || !v.Sensitive || !strings.HasPrefix(v.Hash, "hmac-sha256:") || v.Value != "" {
		t.Errorf("the record's TOKEN = %+v, want a keyed hash only", v)
	}
	n := 0
	err := filepath.Walk(filepath.Join(dir, records.StateDir), func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		n++
		dt, err := os.ReadFile(p)
		for _, m := range []string{sensitive, secret} {
			if strings.Contains(string(dt), m) {
				t.Errorf("%s contains %s", p, m)
			}
		}
		return err
	})
	if err != nil || n < 3 {
		t.Fatalf("walked %d files of the state directory: %v", n, err)
	}
}

// The example of spec/records.md (and README.md) is what buildlang why
// prints for it, record ids aside.
func TestWhySpecExample(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	for _, doc := range []string{"../spec/records.md", "../README.md"} {
		if _, err := os.Stat(doc); err != nil {
			t.Fatal(err)
		}
	}
	md, err := os.ReadFile("../spec/records.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(md), "building with `--var VERSION=1.2.4`:\n\n```hcl\n")
	src, rest, _ := strings.Cut(rest, "```\n")
	_, rest, _ = strings.Cut(rest, "```text\n$ buildlang why\n")
	want, _, _ := strings.Cut(rest, "```\n")
	if src == "" || want == "" {
		t.Fatal("spec/records.md has no why example")
	}
	readme, _ := os.ReadFile("../README.md")
	if !strings.Contains(string(readme), want) {
		t.Errorf("README.md does not show the output of spec/records.md's example:\n%s", want)
	}
	// The run id in main.go makes this run's keys new.
	dir := writeFiles(t, map[string]string{"build.hcl": src, "src/main.go": "package main // " + runID + "\n", "src/README.md": "hi\n"})
	mustBuild(t, env, dir, nil, "build", "app", "--progress", "plain")
	writeFile(t, dir, "src/main.go", "package main // "+runID+" v2\n")
	writeFile(t, dir, "src/README.md", "changed\n")
	mustBuild(t, env, dir, nil, "build", "app", "--progress", "plain", "--var", "VERSION=1.2.4")
	if show := mustBuild(t, env, dir, nil, "history", "show", "latest").stdout; !strings.Contains(show, "in BuildKit's history: ") {
		t.Errorf("history show does not link the record to the daemon's history:\n%s", show)
	}
	got := mustBuild(t, env, dir, nil, "why").stdout
	ids := regexp.MustCompile(`\d{8}-\d{6}\.\d{3}-[0-9a-f]{4}`)
	if ids.ReplaceAllString(got, "ID") != ids.ReplaceAllString(want, "ID") {
		t.Errorf("buildlang why printed:\n%s\nspec/records.md shows:\n%s", got, want)
	}
}

// The state directory lies in the build context but is not sent: a copy
// of the whole context stays cached although each build adds a record.
func TestRecordsAreNotInTheContext(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	dir := writeFiles(t, map[string]string{"build.hcl": `target "app" {
  from = "busybox"
  copy {
    src  = ["."]
    dest = "/ctx/"
  }
}
`, "run-id": runID})
	for range 2 {
		mustBuild(t, env, dir, nil, "build", "app", "--progress", "plain")
	}
	if got := misses(t, mustBuild(t, env, dir, nil, "why", "app", "--format", "json").stdout); len(got) != 0 {
		t.Errorf("the second build missed: %q", got)
	}
	var r records.Record
	if err := json.Unmarshal([]byte(mustBuild(t, env, dir, nil, "history", "show", "latest", "--format", "json").stdout), &r); err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Files {
		if strings.HasPrefix(f.Path, records.StateDir) {
			t.Errorf("the copy read %s", f.Path)
		}
	}
	if cp := r.Steps[len(r.Steps)-1]; cp.Kind() != "copy" || cp.Status != records.StatusCached {
		t.Errorf("the copy of the context: %s %s, want a cached copy", cp.Name, cp.Status)
	}
}
