package format_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/format"
	"github.com/org/buildlang/spec"
	"github.com/org/buildlang/stdlib"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/tools/txtar"
)

const root = "../.."

func TestRules(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"indent and align",
			"target \"a\" {\nfrom = \"x\"\n    description=\"y\"\n}\n",
			"target \"a\" {\n  from        = \"x\"\n  description = \"y\"\n}\n"},
		{"blank lines at start and end",
			"\n\n# c\na = 1\n\n\n",
			"# c\na = 1\n"},
		{"blank lines in a row",
			"a = 1\n\n\n\nb = 2\n",
			"a = 1\n\nb = 2\n"},
		{"blank lines inside braces",
			"target \"a\" {\n\n  from = \"x\"\n\n}\n",
			"target \"a\" {\n  from = \"x\"\n}\n"},
		{"blank lines inside an object",
			"x = {\n\n  a = 1\n\n  b = 2\n\n}\n",
			"x = {\n  a = 1\n\n  b = 2\n}\n"},
		{"final newline added",
			"a = 1",
			"a = 1\n"},
		{"comment at the end without newline",
			"a = 1\n# end",
			"a = 1\n# end\n"},
		{"trailing spaces on the last line",
			"a = 1   ",
			"a = 1\n"},
		{"heredoc content kept",
			"x = <<-EOT\n\n\n    kept\n\n\n  EOT\n",
			"x = <<-EOT\n\n\n    kept\n\n\n  EOT\n"},
		{"blank line after a comment line kept",
			"# one\n\na = 1\n",
			"# one\n\na = 1\n"},
		{"blank lines between blocks kept once",
			"a {\n}\n\n\n\nb {\n}\n",
			"a {\n}\n\nb {\n}\n"},
		{"spacing that would change tokens is left alone",
			"A=0 .0\n\n\nB = 1",
			"A=0 .0\n\nB = 1\n"},
		{"short-form steps kept on their line",
			"target \"a\" {\nfrom=\"x\"\n  run   \"make  all\"   {}\ncopy \"a\"  \"b\" \"/d/\" {chmod=\"0755\"}\n    run \"make\" {\n  cache \"/c\" {}\n  }\n}\n",
			"target \"a\" {\n  from = \"x\"\n  run \"make  all\" {}\n  copy \"a\" \"b\" \"/d/\" { chmod = \"0755\" }\n  run \"make\" {\n    cache \"/c\" {}\n  }\n}\n"},
		{"a target's base label kept in its header",
			"target  \"a\"   \"alpine:3.20\"  {\nrun \"make\" {}\n}\ntarget \"b\" \"scratch\" {}\n",
			"target \"a\" \"alpine:3.20\" {\n  run \"make\" {}\n}\ntarget \"b\" \"scratch\" {}\n"},
		{"crlf",
			"a {\r\n\r\n  b = 1\r\n}\r\n",
			"a {\r\n  b = 1\r\n}\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := format.Source([]byte(tt.in), "build.hcl")
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if string(got) != tt.want {
				t.Errorf("Source(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			again, _ := format.Source(got, "build.hcl")
			if !bytes.Equal(again, got) {
				t.Errorf("not idempotent: %q then %q", got, again)
			}
		})
	}
}

func TestSyntaxError(t *testing.T) {
	src := []byte("target \"a\" {\n  from = \n}\n")
	out, diags := format.Source(src, "build.hcl")
	if !diags.HasErrors() || out != nil {
		t.Fatalf("Source of a file with a syntax error = %q, %v; want nil and errors", out, diags)
	}
	if got := diags[0].Subject; got == nil || got.Filename != "build.hcl" || got.Start.Line != 2 {
		t.Errorf("diagnostic subject = %v, want build.hcl line 2", got)
	}
}

// significant is the token stream of src that formatting must keep: every
// token but newlines and the end of file, with comments' line endings
// dropped. It is written independently of format.Tokens on purpose.
func significant(t testing.TB, src []byte) []string {
	t.Helper()
	toks, diags := hclsyntax.LexConfig(src, "x.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("lex: %s", diags.Error())
	}
	var out []string
	for _, tok := range toks {
		switch tok.Type {
		case hclsyntax.TokenNewline, hclsyntax.TokenEOF:
			continue
		case hclsyntax.TokenComment:
			out = append(out, tok.Type.String()+" "+strings.TrimRight(string(tok.Bytes), "\r\n"))
		default:
			out = append(out, tok.Type.String()+" "+string(tok.Bytes))
		}
	}
	return out
}

// A build is a set of build files loaded together, as one test case of
// the round trip.
type build struct {
	name  string
	files map[string][]byte
	roots []string
	opts  lang.Options
}

// builds collects every build file the repository has: the examples, the
// samples of spec/*.md and README.md, and the archives of
// lang/testdata/**/*.txtar.
func builds(t testing.TB) []build {
	t.Helper()
	var out []build

	// examples/NAME/**: one build per example, rooted at its build.hcl.
	examples, _ := filepath.Glob(filepath.Join(root, "examples", "*", "build.hcl"))
	for _, ex := range examples {
		dir := filepath.Dir(ex)
		b := build{name: "examples/" + filepath.Base(dir), files: map[string][]byte{}, roots: []string{"build.hcl"}}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".hcl") {
				return err
			}
			src, err := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			b.files[filepath.ToSlash(rel)] = src
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	if len(examples) < 6 {
		t.Errorf("found %d examples, want at least 6", len(examples))
	}

	// Spec samples: each sample that is a build file, with the file=
	// samples before it.
	docs, _ := filepath.Glob(filepath.Join(root, "spec", "*.md"))
	docs = append(docs, filepath.Join(root, "README.md"))
	for _, doc := range docs {
		md, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		samples, err := spec.Samples(filepath.Base(doc), md)
		if err != nil {
			t.Fatal(err)
		}
		extra := map[string][]byte{}
		for _, s := range samples {
			if s.Kind == "file" {
				extra[s.File] = []byte(s.Code)
				continue
			}
			b := build{name: s.String(), files: map[string][]byte{s.File: []byte(s.Code)}, roots: []string{s.File}, opts: lang.Options{Env: s.Env}}
			for k, v := range extra {
				b.files[k] = v
			}
			out = append(out, b)
		}
	}

	// lang/testdata/**/*.txtar: the .hcl files of each archive.
	var archives []string
	_ = filepath.WalkDir(filepath.Join(root, "lang", "testdata"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".txtar") {
			archives = append(archives, p)
		}
		return nil
	})
	for _, p := range archives {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, p)
		b := build{name: filepath.ToSlash(rel), files: map[string][]byte{}, roots: []string{"build.hcl"}}
		for _, f := range ar.Files {
			switch {
			case strings.HasSuffix(f.Name, ".hcl"):
				b.files[f.Name] = f.Data
			case f.Name == "options":
				b.opts, b.roots = txtarOptions(string(f.Data), b.roots)
			}
		}
		if len(b.files) > 0 {
			out = append(out, b)
		}
	}
	return out
}

// txtarOptions reads the options section of lang's check cases (see
// lang/check_test.go); options it does not know do not matter here.
func txtarOptions(s string, roots []string) (lang.Options, []string) {
	opts := lang.Options{Vars: map[string]string{}}
	host := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch key {
		case "env":
			opts.Env = val
		case "var":
			k, v, _ := strings.Cut(val, "=")
			opts.Vars[k] = v
		case "hostenv":
			k, v, _ := strings.Cut(val, "=")
			host[k] = v
		case "files":
			roots = strings.Fields(val)
		case "build-platform":
			if p, err := stdlib.ParsePlatform(val); err == nil {
				opts.BuildPlatform = p
			}
		case "lenient":
			opts.Lenient = val == "true"
		}
	}
	opts.HostEnv = func(k string) (string, bool) { v, ok := host[k]; return v, ok }
	return opts, roots
}

// TestRoundTrip formats every build file of the repository and checks that
// only whitespace changed: the tokens are the same, formatting again
// changes nothing, and the build loads to the same model.
func TestRoundTrip(t *testing.T) {
	all := builds(t)
	formatted := 0
	for _, b := range all {
		t.Run(b.name, func(t *testing.T) {
			after := map[string][]byte{}
			for name, src := range b.files {
				out, diags := format.Source(src, name)
				if diags.HasErrors() {
					if _, pdiags := hclsyntax.ParseConfig(src, name, hcl.InitialPos); !pdiags.HasErrors() {
						t.Errorf("%s: refused a file that parses: %s", name, diags.Error())
					}
					after[name] = src // not parsable: left as it is
					continue
				}
				formatted++
				if diff := cmp.Diff(significant(t, src), significant(t, out)); diff != "" {
					t.Errorf("%s: tokens changed (-before +after):\n%s", name, diff)
				}
				again, _ := format.Source(out, name)
				if !bytes.Equal(again, out) {
					t.Errorf("%s: not idempotent:\n%s\nthen:\n%s", name, out, again)
				}
				after[name] = out
			}
			if diff := cmp.Diff(load(t, b, b.files), load(t, b, after), modelOptions...); diff != "" {
				t.Errorf("the model changed (-before +after):\n%s", diff)
			}
		})
	}
	t.Logf("%d builds, %d files formatted", len(all), formatted)
}

// TestExamplesFormatted holds the examples to the canonical format, as
// `buildlang fmt -check examples` does.
func TestExamplesFormatted(t *testing.T) {
	for _, b := range builds(t) {
		if !strings.HasPrefix(b.name, "examples/") {
			continue
		}
		for name, src := range b.files {
			out, diags := format.Source(src, name)
			if diags.HasErrors() || !bytes.Equal(out, src) {
				t.Errorf("%s/%s is not formatted; run buildlang fmt -w %s", b.name, name, b.name)
			}
		}
	}
}

// model is what a build means: everything Load and Resolve produce,
// without source ranges.
type model struct {
	Diagnostics  []string
	Env          *lang.Environment
	Environments []*lang.Environment
	Variables    []*lang.Variable
	Locals       []*lang.Local
	Functions    []string
	Secrets      []*lang.Secret
	SSH          []*lang.SSH
	Caches       []*lang.CachePolicy
	Groups       []*lang.Group
	Targets      []*lang.Target
	Specs        map[string]*lang.TargetSpec // by "target platform"
}

var modelOptions = []cmp.Option{
	cmpopts.IgnoreTypes(hcl.Range{}),
	cmpopts.IgnoreUnexported(lang.Target{}),
	cmp.Comparer(func(a, b cty.Value) bool { return a.RawEquals(b) }),
	cmp.Comparer(func(a, b cty.Type) bool { return a.Equals(b) }),
	cmpopts.EquateEmpty(),
}

func load(t *testing.T, b build, files map[string][]byte) *model {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[path.Clean(name)] = &fstest.MapFile{Data: src}
	}
	bl, diags := lang.Load(lang.FS(fsys), b.roots, b.opts)
	m := &model{Specs: map[string]*lang.TargetSpec{}}
	for _, d := range diags {
		// Details may quote positions, which formatting moves.
		m.Diagnostics = append(m.Diagnostics, fmt.Sprintf("%v: %s", d.Severity, d.Summary))
	}
	sort.Strings(m.Diagnostics)
	if bl == nil {
		return m
	}
	m.Env, m.Environments, m.Variables, m.Locals = bl.Env, bl.Environments, bl.Variables, bl.Locals
	m.Secrets, m.SSH, m.Caches, m.Groups, m.Targets = bl.Secrets, bl.SSH, bl.Caches, bl.Groups, bl.Targets
	for _, f := range bl.Functions {
		m.Functions = append(m.Functions, f.Name)
	}
	if diags.HasErrors() {
		return m
	}
	for _, tg := range bl.Targets {
		for _, p := range tg.DefaultPlatforms {
			s, _ := bl.Resolve(tg.Name, p)
			m.Specs[tg.Name+" "+p.OS+"/"+p.Architecture+p.Variant] = s
		}
	}
	return m
}

// FuzzFormat: formatting never panics, is idempotent and changes only
// whitespace, and refuses only files that do not parse.
func FuzzFormat(f *testing.F) {
	for _, b := range builds(f) {
		for _, src := range b.files {
			f.Add(src)
		}
	}
	bad, _ := filepath.Glob(filepath.Join("..", "testdata", "bad", "*.hcl"))
	for _, p := range bad {
		if data, err := os.ReadFile(p); err == nil && len(data) <= 64<<10 {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"a = 1", "a {\n\n}\n", "x = <<EOT\nhi\nEOT\n", "# c", "/* c */ a = 1 // d\n",
		"a = [\n\n1,\n\n2\n]\n", "b \"l\" { c = { d = 1 } }\n", "x = \"${a}\\n%{if b}c%{endif}\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, diags := format.Source(src, "fuzz.hcl")
		if diags.HasErrors() {
			if lang.CheckSize(src, "fuzz.hcl") != nil {
				return // over lang's limits: refused before parsing
			}
			if _, pdiags := hclsyntax.ParseConfig(src, "fuzz.hcl", hcl.InitialPos); !pdiags.HasErrors() {
				t.Fatalf("refused a file that parses: %s", diags.Error())
			}
			return
		}
		if !format.SameTokens(src, out) {
			t.Fatalf("tokens changed:\n%q\n%q", src, out)
		}
		again, diags := format.Source(out, "fuzz.hcl")
		if diags.HasErrors() {
			t.Fatalf("formatted output does not format: %s\n%q", diags.Error(), out)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("not idempotent:\n%q\n%q", out, again)
		}
	})
}
