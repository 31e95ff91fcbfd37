package spec

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/internal/diagtext"
	"github.com/org/buildlang/internal/textdiff"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/format"
	"github.com/org/buildlang/lang/lint"
)

func TestReferenceUpToDate(t *testing.T) {
	got, err := os.ReadFile("reference.md")
	if err != nil {
		t.Fatalf("%v\nregenerate it with: go run ./internal/gendocs", err)
	}
	want := RenderReference()
	if !bytes.Equal(got, want) {
		t.Fatalf("spec/reference.md is out of date; regenerate it from the repository root with:\n\tgo run ./internal/gendocs\n(-file +generated):\n%s",
			textdiff.Lines(string(got), string(want)))
	}
}

// docs are the Markdown files whose samples are checked. Strict ones
// (written by hand, copied by users) must also be free of lint warnings
// except in samples fenced as "hcl warning".
func docs(t *testing.T) map[string]bool {
	t.Helper()
	names, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{"../README.md": true}
	for _, n := range names {
		out[n] = n == "language.md" || n == "dockerfile.md"
	}
	return out
}

// TestSamples checks every hcl sample of spec/*.md and README.md: it is
// formatted, and it loads (with lint) as its fence says it does.
func TestSamples(t *testing.T) {
	counts := map[string]int{}
	for doc, strict := range docs(t) {
		md, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		samples, err := Samples(doc, md)
		if err != nil {
			t.Fatal(err)
		}
		fsys := fstest.MapFS{} // the file= samples seen so far
		for _, s := range samples {
			counts[doc]++
			t.Run(s.String(), func(t *testing.T) {
				checkSample(t, s, fsys, strict)
			})
		}
	}
	total := 0
	for doc, n := range counts {
		t.Logf("%s: %d samples", doc, n)
		total += n
	}
	t.Logf("%d samples in all", total)
	// A floor, so a broken extractor cannot pass by finding nothing.
	if counts["language.md"] < 40 {
		t.Errorf("language.md has %d hcl samples; expected at least 40", counts["language.md"])
	}
}

func checkSample(t *testing.T, s Sample, fsys fstest.MapFS, strict bool) {
	_, pdiags := lang.Parse([]byte(s.Code), s.File)
	if !pdiags.HasErrors() {
		out, diags := format.Source([]byte(s.Code), s.File)
		if diags.HasErrors() {
			t.Errorf("format: %s", diags.Error())
		} else if string(out) != s.Code {
			t.Errorf("sample is not formatted (-sample +formatted):\n%s", textdiff.Lines(s.Code, string(out)))
		}
	}
	if s.Kind == "file" {
		if pdiags.HasErrors() {
			t.Errorf("file sample has syntax errors: %s", pdiags.Error())
		}
		fsys[s.File] = &fstest.MapFile{Data: []byte(s.Code)}
		return
	}

	files := fstest.MapFS{}
	for k, v := range fsys {
		files[k] = v
	}
	files[s.File] = &fstest.MapFile{Data: []byte(s.Code)}
	b, diags := lang.Load(lang.FS(files), []string{s.File}, lang.Options{Env: s.Env})
	diags = lint.Check(b, diags)
	var errs, warns int
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs++
		} else {
			warns++
		}
	}
	rendered := render(b, diags)
	switch s.Kind {
	case "error":
		if errs == 0 {
			t.Errorf("fenced as hcl error, but it loads without errors:\n%s", rendered)
		}
	case "warning":
		if errs > 0 || warns == 0 {
			t.Errorf("fenced as hcl warning, so it must load with warnings and no errors; got:\n%s", rendered)
		}
	default:
		if errs > 0 || strict && warns > 0 {
			t.Errorf("sample does not load cleanly (fence it as hcl error or hcl warning if that is its point):\n%s", rendered)
		}
	}
	if s.Want != "" && strings.TrimSpace(rendered) != strings.TrimSpace(s.Want) {
		t.Errorf("diagnostics differ from the text block after the sample (-doc +got):\n%s", textdiff.Lines(strings.TrimSpace(s.Want)+"\n", strings.TrimSpace(rendered)+"\n"))
	}
}

// render prints diagnostics as `buildlang check` does when not on a terminal.
func render(b *lang.Build, diags hcl.Diagnostics) string {
	var buf bytes.Buffer
	var files map[string]*hcl.File
	if b != nil {
		files = b.Files
	}
	_ = diagtext.NewWriter(&buf, files, 0, false).WriteDiagnostics(lint.WithRuleIDs(diags))
	return buf.String()
}

func TestSamplesParse(t *testing.T) {
	md := "text\n\n```hcl\na = 1\n```\n\n```hcl error env=prod\nb =\n```\n\n```text\nError: x\n```\n\n```go\nx\n```\n\n```hcl file=inc/x.hcl\nc = 1\n```\n"
	got, err := Samples("t.md", []byte(md))
	if err != nil {
		t.Fatal(err)
	}
	want := []Sample{
		{Doc: "t.md", Line: 3, Code: "a = 1\n", File: "build.hcl"},
		{Doc: "t.md", Line: 7, Code: "b =\n", File: "build.hcl", Kind: "error", Env: "prod", Want: "Error: x\n"},
		{Doc: "t.md", Line: 19, Code: "c = 1\n", File: "inc/x.hcl", Kind: "file"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d samples, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		got[i].end = 0
		if got[i] != want[i] {
			t.Errorf("sample %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := Samples("t.md", []byte("```hcl bogus\n```\n")); err == nil {
		t.Error("an unknown fence word is not an error")
	}
	if _, err := Samples("t.md", []byte("```hcl\na = 1\n")); err == nil {
		t.Error("an unclosed fence is not an error")
	}
}

// TestClaims checks statements of language.md that its samples cannot show
// by loading alone: what a build evaluates to.
func TestClaims(t *testing.T) {
	load := func(t *testing.T, src string, opts lang.Options) *lang.Build {
		t.Helper()
		b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, opts)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		return b
	}
	platforms := func(b *lang.Build, name string) string {
		var ps []string
		for _, p := range b.Target(name).DefaultPlatforms {
			ps = append(ps, p.OS+"/"+p.Architecture)
		}
		return strings.Join(ps, ",")
	}

	t.Run("default platforms", func(t *testing.T) {
		b := load(t, `
environment "prod" {
  platforms = ["linux/s390x"]
}
target "base" {
  platforms = ["linux/arm64"]
}
target "child" {
  inherits = [target.base]
}
target "stage" {}
target "app" {
  platforms = ["linux/amd64", "linux/riscv64"]
  from      = target.stage
}
target "lone" {}
`, lang.Options{Env: "prod"})
		for name, want := range map[string]string{
			"base":  "linux/arm64",               // its own
			"child": "linux/arm64",               // inherited
			"stage": "linux/amd64,linux/riscv64", // its consumers'
			"lone":  "linux/s390x",               // the environment's
		} {
			if got := platforms(b, name); got != want {
				t.Errorf("%s: default platforms %s, want %s", name, got, want)
			}
		}
		if got := platforms(load(t, `target "lone" {}`, lang.Options{}), "lone"); got != "linux/amd64" {
			t.Errorf("without environment platforms: %s, want the build platform linux/amd64", got)
		}
	})

	// language.md, "Overriding target attributes": --set wins over the
	// file and over --var.
	t.Run("set overrides", func(t *testing.T) {
		var sets []lang.Set
		for _, f := range []string{"app.tags=localhost:5000/app:rc", "app.platform=linux/arm64"} {
			s, err := lang.ParseSet(f)
			if err != nil {
				t.Fatal(err)
			}
			sets = append(sets, s)
		}
		b := load(t, `
variable "TAG" {
  default = "dev"
}

target "app" {
  from      = "alpine:3.20"
  platforms = ["linux/amd64"]
  tags      = ["localhost:5000/app:${var.TAG}"]
}
`, lang.Options{Vars: map[string]string{"TAG": "1.0"}, Set: sets})
		if got := platforms(b, "app"); got != "linux/arm64" {
			t.Errorf("platforms %s, want linux/arm64", got)
		}
		spec, diags := b.Resolve("app", b.Target("app").DefaultPlatforms[0])
		if diags.HasErrors() || strings.Join(spec.Tags, ",") != "localhost:5000/app:rc" {
			t.Errorf("tags %v (%v), want localhost:5000/app:rc", spec.Tags, diags)
		}
	})

	t.Run("matrix names and order", func(t *testing.T) {
		b := load(t, `
target "t" {
  matrix = {
    b = ["2", "1"]
    a = ["linux/amd64"]
    exclude = [{ b = "1" }]
    include = [{ a = "x", b = "3" }]
  }
}
`, lang.Options{})
		var names []string
		for _, tg := range b.Targets {
			names = append(names, tg.Name)
		}
		if got, want := strings.Join(names, " "), "t-2-linux-amd64 t-3-x"; got != want {
			t.Errorf("instances %q, want %q", got, want)
		}
	})

	t.Run("env matrix key", func(t *testing.T) {
		b := load(t, `
variable "flags" {
  default = ""
}
environment "plain" {}
environment "race" {
  vars = { flags = "-race" }
}
locals {
  cmd = "go test ${var.flags}"
}
target "test" {
  matrix = { env = ["plain", "race"] }
  labels = { cmd = local.cmd, env = env.name }
}
`, lang.Options{})
		for name, want := range map[string]string{"test-plain": "go test ", "test-race": "go test -race"} {
			s, diags := b.Resolve(name, b.Target(name).DefaultPlatforms[0])
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if s.Image.Labels["cmd"] != want || s.Image.Labels["env"] != strings.TrimPrefix(name, "test-") {
				t.Errorf("%s: labels %v, want cmd %q", name, s.Image.Labels, want)
			}
		}
	})

	t.Run("variable precedence", func(t *testing.T) {
		src := `
variable "v" {
  default = "default"
  env     = "HOST_V"
}
variable "w" {
  default = "default"
}
environment "default" {
  vars = { v = "environment", w = "environment" }
}
target "t" {
  labels = { v = var.v, w = var.w }
}
`
		host := func(k string) (string, bool) {
			if k == "HOST_V" || k == "w" {
				return "host", true
			}
			return "", false
		}
		for _, tc := range []struct {
			opts lang.Options
			v, w string
		}{
			{lang.Options{}, "environment", "environment"},
			{lang.Options{HostEnv: host, Allow: lang.Allow{Env: []string{"HOST_V"}}}, "host", "environment"}, // w has no env attribute: never read
			{lang.Options{HostEnv: host, Vars: map[string]string{"v": "override"}}, "override", "environment"},
		} {
			b := load(t, src, tc.opts)
			got := map[string]string{}
			for _, v := range b.Variables {
				got[v.Name] = v.Value.AsString()
			}
			if got["v"] != tc.v || got["w"] != tc.w {
				t.Errorf("with %+v: v=%q w=%q, want v=%q w=%q", tc.opts.Vars, got["v"], got["w"], tc.v, tc.w)
			}
		}
		// Set but not granted (--allow env=HOST_V): an error, not read.
		_, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, lang.Options{HostEnv: host})
		if len(diags) != 1 || lang.DiagInfoOf(diags[0]).Kind != lang.KindNotGranted || !strings.Contains(diags[0].Detail, "--allow env=HOST_V") {
			t.Errorf("not granted: %v", diags)
		}
	})

	t.Run("inherits", func(t *testing.T) {
		b := load(t, `
target "base" {
  from   = "alpine:3.20"
  labels = { a = "1", b = "1" }
  cmd    = ["base"]
  run {
    command = "echo base"
  }
}
target "child" {
  inherits = [target.base]
  labels   = { b = "2" }
  run {
    command = "echo child"
  }
}
target "bare" {
  inherits = [target.base]
}
`, lang.Options{})
		p := b.Target("child").DefaultPlatforms[0]
		child, _ := b.Resolve("child", p)
		bare, _ := b.Resolve("bare", p)
		if child.From.Ref != "alpine:3.20" || child.Image.Labels["a"] != "1" || child.Image.Labels["b"] != "2" || child.Image.Cmd[0] != "base" {
			t.Errorf("child: from %q labels %v cmd %v", child.From.Ref, child.Image.Labels, child.Image.Cmd)
		}
		if len(child.Steps) != 1 || child.Steps[0].Run.Args[2] != "echo child" {
			t.Errorf("child's own steps must replace the parent's: %+v", child.Steps)
		}
		if len(bare.Steps) != 1 || bare.Steps[0].Run.Args[2] != "echo base" {
			t.Errorf("a target without steps takes its parent's: %+v", bare.Steps)
		}
	})
}

// TestLimitsDocumented keeps the Limits table of language.md equal to
// lang.DefaultLimits.
func TestLimitsDocumented(t *testing.T) {
	md, err := os.ReadFile("language.md")
	if err != nil {
		t.Fatal(err)
	}
	l := lang.DefaultLimits
	for _, row := range []string{
		fmt.Sprintf("| size of one build file | %d MiB |", l.MaxFileSize>>20),
		fmt.Sprintf("| files in a build, included ones counted | %d |", l.MaxIncludes),
		fmt.Sprintf("| combinations of one matrix | %d |", l.MaxMatrix),
		fmt.Sprintf("| targets in a build, matrix instances counted | %d |", l.MaxTargets),
		fmt.Sprintf("| depth of nested user function calls | %d |", l.MaxCallDepth),
		fmt.Sprintf("| tokens of one build file (names, numbers, operators, strings...) | %d |", l.MaxTokens),
		fmt.Sprintf("| nesting depth of blocks and expressions | %d |", l.MaxNesting),
		fmt.Sprintf("| platforms in one `platforms` list | %d |", l.MaxPlatforms),
		fmt.Sprintf("| evaluation budget of a build, in units | %d |", l.MaxEvalCost),
	} {
		if !strings.Contains(string(md), row) {
			t.Errorf("language.md, Limits: no row %q", row)
		}
	}
}

// TestExamples holds examples/*, which README.md points users to, to what
// users copy: each is a build.hcl starting with the syntax line that checks
// without errors or lint warnings (but for the warnings listed here).
func TestExamples(t *testing.T) {
	allowed := map[string]string{}
	dirs, _ := filepath.Glob("../examples/*/build.hcl")
	if len(dirs) < 7 {
		t.Errorf("found %d examples, want at least 7", len(dirs))
	}
	for _, file := range dirs {
		name := filepath.Base(filepath.Dir(file))
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(src), "# syntax=org/buildlang\n") {
				t.Errorf("%s does not start with # syntax=org/buildlang", file)
			}
			b, diags := lang.Load(lang.OSFiles{}, []string{file}, lang.Options{})
			diags = lint.Check(b, diags)
			for _, d := range diags {
				if r, ok := hcl.DiagnosticExtra[interface{ RuleID() string }](d); ok && d.Severity == hcl.DiagWarning && allowed[name] == r.RuleID() {
					continue
				}
				t.Errorf("%s", render(b, hcl.Diagnostics{d}))
			}
			// Every environment it declares builds too.
			for _, env := range b.Environments {
				if _, diags := lang.Load(lang.OSFiles{}, []string{file}, lang.Options{Env: env.Name}); diags.HasErrors() {
					t.Errorf("--env %s:\n%s", env.Name, render(b, diags))
				}
			}
		})
	}
}

// TestDockerfileChapter checks the table of dockerfile.md: every row's
// buildlang form appears (spacing aside) in an hcl sample of the section
// its Sample column links to, and TestSamples checks those samples load
// cleanly. The sections also hold the Dockerfile each sample mirrors.
func TestDockerfileChapter(t *testing.T) {
	md, err := os.ReadFile("dockerfile.md")
	if err != nil {
		t.Fatal(err)
	}
	samples, err := Samples("dockerfile.md", md)
	if err != nil {
		t.Fatal(err)
	}
	// The hcl of each section, by the anchor of its heading.
	sections := map[string]string{}
	lines := strings.Split(string(md), "\n")
	heading := func(line int) string { // the ## heading above a line (from 1)
		for i := line - 1; i >= 0; i-- {
			if h, ok := strings.CutPrefix(lines[i], "## "); ok {
				return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(h), " ", "-"))
			}
		}
		return ""
	}
	for _, s := range samples {
		sections[heading(s.Line)] += " " + strings.Join(strings.Fields(s.Code), " ")
	}
	rows := 0
	for i, line := range lines {
		cells := strings.Split(line, "|")
		if len(cells) != 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		rows++
		form := strings.TrimSpace(cells[2])
		start, end := strings.Index(form, "`"), strings.LastIndex(form, "`")
		_, anchor, ok := strings.Cut(cells[3], "(#")
		if start < 0 || end <= start || !ok {
			t.Errorf("dockerfile.md:%d: a row needs a `buildlang form` and a [sample](#section) link", i+1)
			continue
		}
		anchor = strings.TrimSuffix(strings.TrimSpace(anchor), ")")
		code := strings.Join(strings.Fields(form[start+1:end]), " ")
		hcl, found := sections[anchor]
		switch {
		case !found:
			t.Errorf("dockerfile.md:%d: the row links to #%s, which is no section with an hcl sample", i+1, anchor)
		case !strings.Contains(hcl, code):
			t.Errorf("dockerfile.md:%d: %q is in no hcl sample of section #%s", i+1, code, anchor)
		}
	}
	if rows < 40 {
		t.Errorf("dockerfile.md's table has %d rows; expected at least 40", rows)
	}
}
