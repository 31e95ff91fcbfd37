package stdlib

import (
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestFunctionsReturnsFreshMap(t *testing.T) {
	a := Functions()
	a["user_defined"] = a["upper"]
	delete(a, "lower")
	b := Functions()
	if _, ok := b["user_defined"]; ok {
		t.Error("a caller's addition leaked into the next Functions() map")
	}
	if _, ok := b["lower"]; !ok {
		t.Error("a caller's deletion leaked into the next Functions() map")
	}
}

// The brief's required names, so a refactor cannot drop one silently.
func TestFunctionsIncludesExpectedNames(t *testing.T) {
	want := []string{
		// strings
		"upper", "lower", "title", "trim", "trimprefix", "trimsuffix", "trimspace", "split", "join",
		"replace", "regex", "regexall", "regex_replace", "substr", "strrev", "format", "formatlist",
		"indent", "chomp", "startswith", "endswith", "strcontains", "strlen",
		// collections
		"length", "concat", "contains", "distinct", "element", "flatten", "keys", "values", "lookup",
		"merge", "range", "reverse", "slice", "sort", "setunion", "setintersection", "setsubtract",
		"setproduct", "zipmap", "coalesce", "coalescelist", "compact", "chunklist", "index",
		// numeric
		"abs", "ceil", "floor", "log", "max", "min", "pow", "signum", "parseint",
		"add", "subtract", "multiply", "divide", "modulo",
		// encoding and conversion
		"jsonencode", "jsondecode", "csvdecode", "base64encode", "base64decode", "urlencode",
		"tostring", "tonumber", "tobool", "tolist", "toset", "tomap",
		"can", "try",
		// build helpers
		"semver", "semver_tags", "semver_compare", "platform", "platform_string",
		"sanitize_tag", "sanitize_name", "basename", "dirname", "sha256", "sha512", "sha1", "md5",
	}
	fns := Functions()
	for _, name := range want {
		if _, ok := fns[name]; !ok {
			t.Errorf("Functions() lacks %q", name)
		}
	}
}

// Nothing may read the clock, the host environment, the network or files:
// builds must evaluate the same everywhere.
func TestFunctionsAreHermetic(t *testing.T) {
	denied := []string{
		"timestamp", "plantimestamp", "uuid", "uuidv4", "bcrypt",
		"file", "fileexists", "fileset", "filebase64", "filemd5", "filesha1", "filesha256", "filesha512",
		"filebase64sha256", "filebase64sha512", "templatefile", "abspath", "pathexpand", "homedir",
		"env", "getenv", "environ", "hostname", "http", "httpget", "fetch",
	}
	fns := Functions()
	for _, name := range denied {
		if _, ok := fns[name]; ok {
			t.Errorf("Functions() contains %q, which reads time, randomness, the host or files", name)
		}
	}
}

func TestEveryFunctionIsDocumented(t *testing.T) {
	fns := Functions()
	docs := Docs()
	spec := RenderMarkdown()
	byName := map[string]Doc{}
	for _, d := range docs {
		byName[d.Name] = d
	}
	if len(docs) != len(fns) {
		t.Errorf("Docs() has %d entries, Functions() %d", len(docs), len(fns))
	}
	for name, f := range fns {
		if strings.TrimSpace(f.Description()) == "" {
			t.Errorf("%s: empty description in its function.Spec", name)
		}
		for _, p := range f.Params() {
			if strings.TrimSpace(p.Description) == "" {
				t.Errorf("%s: parameter %q has no description", name, p.Name)
			}
		}
		if vp := f.VarParam(); vp != nil && strings.TrimSpace(vp.Description) == "" {
			t.Errorf("%s: variadic parameter %q has no description", name, vp.Name)
		}
		d, ok := byName[name]
		if !ok {
			t.Errorf("%s: missing from Docs()", name)
			continue
		}
		if d.Description != f.Description() || !strings.HasPrefix(d.Signature, name+"(") || !slices.Contains(categoryOrder, d.Category) {
			t.Errorf("%s: bad Doc %+v", name, d)
		}
		if !strings.Contains(string(spec), "\n### "+name+"\n") || !strings.Contains(string(spec), "`"+d.Signature+"`") {
			t.Errorf("%s: missing from the rendered spec/stdlib.md", name)
		}
	}
}

func TestDocsSortedByCategoryThenName(t *testing.T) {
	docs := Docs()
	pos := func(d Doc) int { return slices.Index(categoryOrder, d.Category) }
	for i := 1; i < len(docs); i++ {
		a, b := docs[i-1], docs[i]
		if pos(a) > pos(b) || pos(a) == pos(b) && a.Name >= b.Name {
			t.Errorf("Docs() out of order: %s/%s before %s/%s", a.Category, a.Name, b.Category, b.Name)
		}
	}
	for _, c := range categoryOrder {
		if categoryTitles[c] == "" || categoryIntros[c] == "" {
			t.Errorf("category %q has no title or intro", c)
		}
	}
}

func TestDocSignatures(t *testing.T) {
	byName := map[string]Doc{}
	for _, d := range Docs() {
		byName[d.Name] = d
	}
	tests := map[string]string{
		"upper":           "upper(str string) string",
		"join":            "join(separator string, lists ...list(string)) string",
		"semver":          "semver(version string) semver",
		"semver_tags":     "semver_tags(repo string, version string, [latest bool]) list(string)",
		"platform":        "platform(platform string) platform",
		"platform_string": "platform_string(platform any) string",
		"try":             "try(expressions ...expression) any",
		"index":           "index(list any, value any) number",
		"tolist":          "tolist(v any) list(any)",
	}
	for name, want := range tests {
		if got := byName[name].Signature; got != want {
			t.Errorf("%s signature = %q, want %q", name, got, want)
		}
	}
	if p := byName["semver_tags"].Params[2]; p.Name != "latest" || p.Type != "optional bool" {
		t.Errorf("semver_tags latest param = %+v", p)
	}
	if p := byName["join"].Params[1]; p.Type != "...list(string)" {
		t.Errorf("join lists param = %+v", p)
	}
}

// can and try only work through HCL, which hands them unevaluated
// expressions.
func TestCanAndTryThroughHCL(t *testing.T) {
	tests := []struct {
		src  string
		want cty.Value
	}{
		{`try(upper(1 + "x"), "fallback")`, cty.StringVal("fallback")},
		{`try(upper("ok"), "fallback")`, cty.StringVal("OK")},
		{`try(semver("1.2").major, 0)`, cty.NumberIntVal(0)},
		{`try({a = 1}.b, {a = 1}.a)`, cty.NumberIntVal(1)},
		{`can(semver("1.2.3"))`, cty.True},
		{`can(semver("1.2"))`, cty.False},
		{`can(platform("linux/"))`, cty.False},
		{`can(tonumber("x"))`, cty.False},
		{`can(1 + "x")`, cty.False},
	}
	for _, tt := range tests {
		got, diags := eval(t, tt.src)
		if diags.HasErrors() {
			t.Errorf("%s: %s", tt.src, diags.Error())
			continue
		}
		if !got.RawEquals(tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.src, got, tt.want)
		}
	}
	_, diags := eval(t, `try(upper(1 + "x"), semver("nope"))`)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "invalid semantic version") {
		t.Errorf("try with no successful argument: diags = %v", diags)
	}
}

// A smoke test of the go-cty functions as build files call them, mainly to
// catch a wrong mapping from name to function.
func TestCtyFunctionsThroughHCL(t *testing.T) {
	tests := map[string]cty.Value{
		`upper("a")`:                                     cty.StringVal("A"),
		`strrev("abc")`:                                  cty.StringVal("cba"),
		`reverse([1, 2])`:                                cty.TupleVal([]cty.Value{cty.NumberIntVal(2), cty.NumberIntVal(1)}),
		`index(["a", "b"], "b")`:                         cty.NumberIntVal(1),
		`join("-", split("/", "a/b/c"))`:                 cty.StringVal("a-b-c"),
		`regex_replace("v1.2.3", "^v", "")`:              cty.StringVal("1.2.3"),
		`format("%s:%d", "app", 3)`:                      cty.StringVal("app:3"),
		`length(keys({a = 1, b = 2}))`:                   cty.NumberIntVal(2),
		`tostring(5)`:                                    cty.StringVal("5"),
		`jsonencode({b = [1], a = "x"})`:                 cty.StringVal(`{"a":"x","b":[1]}`),
		`trimsuffix("app.tar.gz", ".gz")`:                cty.StringVal("app.tar"),
		`formatdate("YYYYMMDD", "2024-05-01T12:00:00Z")`: cty.StringVal("20240501"),
		`timeadd("2024-05-01T12:00:00Z", "24h")`:         cty.StringVal("2024-05-02T12:00:00Z"),
		`add(2, multiply(3, 4))`:                         cty.NumberIntVal(14),
		`sha256("hello")`:                                cty.StringVal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
	}
	for src, want := range tests {
		got, diags := eval(t, src)
		if diags.HasErrors() {
			t.Errorf("%s: %s", src, diags.Error())
			continue
		}
		if !got.RawEquals(want) {
			t.Errorf("%s = %#v, want %#v", src, got, want)
		}
	}
}
