package editors

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/org/buildlang/lang"
	"github.com/pelletier/go-toml/v2"
)

// schemaBlocks are the block types of the language, at every depth.
func schemaBlocks() []string {
	seen := map[string]bool{}
	var walk func(s *lang.BlockSpec)
	walk = func(s *lang.BlockSpec) {
		for _, b := range s.Blocks {
			if !seen[b.Type] {
				seen[b.Type] = true
				walk(b)
			}
		}
	}
	walk(lang.TopSchema)
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestGrammarBlocks checks the TextMate grammar highlights exactly the
// language's block types as block keywords.
func TestGrammarBlocks(t *testing.T) {
	var g struct {
		Repository map[string]struct {
			BeginCaptures map[string]struct {
				Patterns []struct{ Match, Name string }
			}
		}
	}
	readJSON(t, "vscode/syntaxes/buildlang.tmLanguage.json", &g)
	var got []string
	for _, p := range g.Repository["block"].BeginCaptures["1"].Patterns {
		if p.Name == "keyword.other.block.buildlang" {
			m := regexp.MustCompile(`\(([a-z_|]+)\)`).FindStringSubmatch(p.Match)
			if m == nil {
				t.Fatalf("cannot read the block keywords from %q", p.Match)
			}
			got = strings.Split(m[1], "|")
		}
	}
	sort.Strings(got)
	if want := schemaBlocks(); !slices.Equal(got, want) {
		t.Errorf("grammar block keywords:\n got %v\nwant %v (lang.TopSchema)", got, want)
	}
}

// snippetWraps put a snippet where its block goes, with what it refers to.
var snippetWraps = map[string]string{
	"validation":  "variable \"NAME\" {\n  default = \"x\"\n@\n}\ntarget \"t\" {\n  from = \"alpine:3.20\"\n  env = { N = var.NAME }\n}\n",
	"step":        "target \"build\" {\n  from = \"alpine:3.20\"\n}\ntarget \"t\" {\n  from = \"alpine:3.20\"\n@\n}\n",
	"mount":       "secret \"token\" {\n  env = \"TOKEN\"\n}\ntarget \"t\" {\n  from = \"alpine:3.20\"\n  run {\n    command = \"true\"\n@\n  }\n}\n",
	"group":       "target \"app\" {\n  from = \"alpine:3.20\"\n}\n@\n",
	"environment": "cache \"registry\" {}\n@\n",
}

var snippetPlace = map[string]string{
	"validation": "validation", "run": "step", "runcache": "step", "runheredoc": "step", "runshort": "step", "copy": "step", "copyshort": "step",
	"copyfrom": "step", "file": "step", "set": "step", "mkdir": "step", "remove": "step", "symlink": "step",
	"healthcheck": "step", "secretmount": "mount", "bind": "mount", "tmpfs": "mount", "device": "mount", "dynamic": "mount", "group": "group",
}

var (
	placeholder = regexp.MustCompile(`\$\{\d+:([^${}]*)\}`)
	tabstop     = regexp.MustCompile(`\$\d+|\$\{\d+\}`)
)

// expand replaces a snippet's placeholders by their defaults, as
// accepting every default does.
func expand(body string) string {
	const dollar, brace = "\x00", "\x01"
	body = strings.NewReplacer(`\$`, dollar, `\}`, brace).Replace(body)
	for placeholder.MatchString(body) {
		body = placeholder.ReplaceAllString(body, "$1")
	}
	body = tabstop.ReplaceAllString(body, "")
	return strings.NewReplacer(dollar, "$", brace, "}").Replace(body)
}

// TestSnippets checks every snippet, with its defaults, is a valid build
// file where it goes, and that every block type has a snippet.
func TestSnippets(t *testing.T) {
	var snippets map[string]struct {
		Prefix string
		Body   []string
	}
	readJSON(t, "vscode/snippets/buildlang.json", &snippets)
	covered := map[string]bool{}
	for name, s := range snippets {
		body := expand(strings.Join(s.Body, "\n"))
		// A block a snippet holds is covered too: content is only
		// written inside dynamic.
		for _, line := range strings.Split(body, "\n") {
			if f := strings.Fields(line); len(f) > 1 && (f[1] == "{" || f[1] == "{}" || strings.HasPrefix(f[1], `"`)) {
				covered[f[0]] = true
			}
		}
		covered[strings.Fields(body)[0]] = true
		if strings.HasPrefix(body, "# syntax") {
			covered[strings.Fields(strings.SplitN(body, "\n\n", 2)[1])[0]] = true
		}
		src := body + "\n"
		if w := snippetWraps[snippetPlace[s.Prefix]]; w != "" {
			src = strings.Replace(w, "@", body, 1)
		} else if w := snippetWraps[s.Prefix]; w != "" {
			src = strings.Replace(w, "@", body, 1)
		}
		b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, lang.Options{})
		if diags.HasErrors() || b == nil {
			t.Errorf("snippet %q (%s) is not valid:\n%s\n%v", name, s.Prefix, src, diags)
		}
	}
	for _, typ := range schemaBlocks() {
		if !covered[typ] {
			t.Errorf("no snippet for the %s block", typ)
		}
	}
}

// matcherPattern is one line pattern of a VS Code problem matcher.
type matcherPattern struct {
	Regexp                              string
	Severity, Message, Code, File, Line int
}

// TestProblemMatcher runs `buildlang check` on a build with an error in an
// included file and a warning, as the extension's check task does (-f an
// absolute path), and matches its output with the extension's problem
// matcher, line by line as VS Code does: the problems must be those
// `check --format json` reports.
func TestProblemMatcher(t *testing.T) {
	var pkg struct {
		Contributes struct {
			ProblemMatchers []struct {
				Name    string
				Pattern []matcherPattern
			}
		}
	}
	readJSON(t, "vscode/package.json", &pkg)
	if len(pkg.Contributes.ProblemMatchers) != 1 {
		t.Fatalf("want one problem matcher, got %+v", pkg.Contributes.ProblemMatchers)
	}
	pm := pkg.Contributes.ProblemMatchers[0]
	dir := t.TempDir()
	bin := filepath.Join(dir, "buildlang")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/buildlang").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	res := make([]*regexp.Regexp, len(pm.Pattern))
	for i, p := range pm.Pattern {
		res[i] = regexp.MustCompile(p.Regexp)
	}
	for _, tc := range []map[string]string{
		{ // an error, in an included file (lint runs only without errors)
			"build.hcl":        "include = [\"services/api.hcl\"]\ntarget \"app\" {\n  from = \"alpine:3.20\"\n}\n",
			"services/api.hcl": "target \"api\" {\n  from = \"alpine:3.20\"\n  bogus = 1\n}\n",
		},
		{ // warnings
			"build.hcl": "variable \"UNUSED\" {\n  default = \"x\"\n}\ntarget \"app\" {\n  from = \"alpine\"\n}\n",
		},
	} {
		build := t.TempDir()
		for name, src := range tc {
			p := filepath.Join(build, name)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		root := filepath.Join(build, "build.hcl")
		text, _ := exec.Command(bin, "check", "-f", root).CombinedOutput() // fails when there is an error
		want := checkJSON(t, bin, root)
		got := matchProblems(pm.Pattern, res, string(text))
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("problems matched in check's output:\n got %q\nwant %q (check --format json)\noutput:\n%s", got, want, text)
		}
		for _, p := range got {
			if f := strings.Split(p, "|")[1]; !filepath.IsAbs(f) {
				t.Errorf("problem file %q is not absolute: the matcher could not find it from another directory", f)
			}
		}
	}
}

// checkJSON is what `check --format json` reports, as
// "severity|file|line|summary|rule", sorted.
func checkJSON(t *testing.T, bin, root string) []string {
	jsonOut, _ := exec.Command(bin, "check", "-f", root, "--format", "json").Output()
	var report struct {
		Diagnostics []struct {
			Severity, Summary, Rule string
			Range                   *struct {
				Filename string
				Start    struct{ Line int }
			}
		}
	}
	if err := json.Unmarshal(jsonOut, &report); err != nil {
		t.Fatalf("check --format json: %v\n%s", err, jsonOut)
	}
	var want []string
	for _, d := range report.Diagnostics {
		if d.Range != nil {
			want = append(want, strings.Join([]string{d.Severity, d.Range.Filename, strconv.Itoa(d.Range.Start.Line), d.Summary, d.Rule}, "|"))
		}
	}
	sort.Strings(want)
	return want
}

// matchProblems applies a multi-line problem matcher to output as VS Code
// does: its patterns match consecutive lines.
func matchProblems(pattern []matcherPattern, res []*regexp.Regexp, text string) []string {
	lines := strings.Split(text, "\n")
	var got []string
	for i := 0; i+len(res) <= len(lines); i++ {
		var sev, msg, code, file, line string
		ok := true
		for j, re := range res {
			m := re.FindStringSubmatch(lines[i+j])
			if m == nil {
				ok = false
				break
			}
			p := pattern[j]
			for _, f := range []struct {
				k    int
				into *string
			}{{p.Severity, &sev}, {p.Message, &msg}, {p.Code, &code}, {p.File, &file}, {p.Line, &line}} {
				if f.k > 0 {
					*f.into = m[f.k]
				}
			}
		}
		if ok {
			got = append(got, strings.Join([]string{strings.ToLower(sev), file, line, msg, code}, "|"))
		}
	}
	sort.Strings(got)
	return got
}

// TestHelixConfig parses the Helix configuration as TOML and checks it
// starts `buildlang lsp` for build files, and that editors/README.md shows
// it as it is.
func TestHelixConfig(t *testing.T) {
	src, err := os.ReadFile("helix/languages.toml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		LanguageServer map[string]struct {
			Command string
			Args    []string
			Config  map[string]any
		} `toml:"language-server"`
		Language []struct {
			Name            string
			Scope           string
			FileTypes       []map[string]string `toml:"file-types"`
			Roots           []string
			LanguageServers []string `toml:"language-servers"`
			Grammar         string
			CommentToken    string            `toml:"comment-token"`
			BlockComment    map[string]string `toml:"block-comment-tokens"`
			Indent          map[string]any    `toml:"indent"`
			AutoFormat      bool              `toml:"auto-format"`
		} `toml:"language"`
	}
	dec := toml.NewDecoder(strings.NewReader(string(src)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("helix/languages.toml: %v", err)
	}
	ls := cfg.LanguageServer["buildlang"]
	if ls.Command != "buildlang" || !slices.Equal(ls.Args, []string{"lsp"}) {
		t.Errorf("language server: %+v, want buildlang lsp", ls)
	}
	if _, ok := ls.Config["env"]; !ok {
		t.Errorf("language server config has no env: %v", ls.Config)
	}
	if len(cfg.Language) != 1 {
		t.Fatalf("languages: %+v", cfg.Language)
	}
	l := cfg.Language[0]
	if l.Name != "buildlang" || l.Grammar != "hcl" || !slices.Equal(l.LanguageServers, []string{"buildlang"}) || l.CommentToken != "#" {
		t.Errorf("language: %+v", l)
	}
	if !slices.ContainsFunc(l.FileTypes, func(ft map[string]string) bool { return ft["glob"] == "build.hcl" }) {
		t.Errorf("file-types %v do not match build.hcl", l.FileTypes)
	}
	for _, q := range []string{"highlights", "indents", "textobjects"} {
		b, err := os.ReadFile(filepath.Join("helix/runtime/queries", l.Name, q+".scm"))
		if err != nil || !strings.Contains(string(b), "; inherits: "+l.Grammar) {
			t.Errorf("helix/runtime/queries/%s/%s.scm must inherit %s: %v", l.Name, q, l.Grammar, err)
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	body := string(src)
	if i := strings.Index(body, "\n["); i >= 0 {
		body = body[i+1:] // without the header comment
	}
	if !strings.Contains(string(readme), "```toml\n"+body+"```") {
		t.Errorf("editors/README.md does not show helix/languages.toml as it is:\n%s", body)
	}
}
