package lang_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/org/buildlang/lang"
	"github.com/zclconf/go-cty/cty"
)

// TestVariablePrecedence checks the order that sets a variable, case by
// case: --var (override) > the host variable its env attribute names >
// the selected environment's vars > default. The host environment is read
// only for variables with an env attribute.
func TestVariablePrecedence(t *testing.T) {
	const file = `
variable "WITH_HOST" {
  default = "default"
  env     = "HOST_WITH"
}
variable "NO_HOST" {
  default = "default"
}
environment "prod" {
  vars = { WITH_HOST = "environment", NO_HOST = "environment" }
}
environment "dev" {}
`
	host := map[string]string{"HOST_WITH": "host", "NO_HOST": "host", "WITH_HOST": "host"}
	cases := []struct {
		name       string
		env        string
		vars       map[string]string
		host       map[string]string
		wantWith   string
		wantSource lang.ValueSource
		wantNoHost string
	}{
		{"default only", "dev", nil, nil, "default", lang.FromDefault, "default"},
		{"environment over default", "prod", nil, nil, "environment", lang.FromEnvironment, "environment"},
		{"host env over environment", "prod", nil, host, "host", lang.FromHostEnv, "environment"},
		{"host env over default", "dev", nil, host, "host", lang.FromHostEnv, "default"},
		{"override over host env", "prod", map[string]string{"WITH_HOST": "override"}, host, "override", lang.FromOverride, "environment"},
		{"override over environment", "prod", map[string]string{"WITH_HOST": "override", "NO_HOST": "override"}, nil, "override", lang.FromOverride, "override"},
		{"override over default", "dev", map[string]string{"WITH_HOST": "override"}, nil, "override", lang.FromOverride, "default"},
		// The host variable named like the variable itself is never read.
		{"host env never read without the attribute", "dev", nil, map[string]string{"NO_HOST": "host", "WITH_HOST": "host"}, "default", lang.FromDefault, "default"},
		// An empty host value is still a value.
		{"empty host value", "dev", nil, map[string]string{"HOST_WITH": ""}, "", lang.FromHostEnv, "default"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := lang.Options{Env: c.env, Vars: c.vars, Allow: lang.Allow{Env: []string{"HOST_WITH"}}}
			var asked []string
			opts.HostEnv = func(k string) (string, bool) {
				asked = append(asked, k)
				v, ok := c.host[k]
				return v, ok
			}
			b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(file)}}), []string{"build.hcl"}, opts)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			with, noHost := variable(t, b, "WITH_HOST"), variable(t, b, "NO_HOST")
			if got := with.Value.AsString(); got != c.wantWith || with.Source != c.wantSource {
				t.Errorf("WITH_HOST = %q from %s, want %q from %s", got, with.Source, c.wantWith, c.wantSource)
			}
			if got := noHost.Value.AsString(); got != c.wantNoHost {
				t.Errorf("NO_HOST = %q, want %q", got, c.wantNoHost)
			}
			for _, k := range asked {
				if k != "HOST_WITH" {
					t.Errorf("read host variable %q, which no env attribute names", k)
				}
			}
		})
	}
}

// With no HostEnv (the frontend), the env attribute is ignored.
func TestVariableNoHostEnv(t *testing.T) {
	const file = `
variable "V" {
  default = "default"
  env     = "HOST_V"
}
`
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(file)}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if v := variable(t, b, "V"); v.Value.AsString() != "default" || v.Source != lang.FromDefault || v.HostEnv != "HOST_V" {
		t.Errorf("got %#v", v)
	}
}

// Non-string overrides are parsed as HCL by the variable's type.
func TestVariableOverrideTypes(t *testing.T) {
	const file = `
variable "N" {
  type    = number
  default = 1
}
variable "L" {
  type    = list(string)
  default = []
}
variable "B" {
  type    = bool
  default = false
}
variable "S" {
  default = ""
}
`
	opts := lang.Options{Vars: map[string]string{"N": "42", "L": `["a", "b"]`, "B": "true", "S": "[not parsed]"}}
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(file)}}), []string{"build.hcl"}, opts)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	want := map[string]cty.Value{
		"N": cty.NumberIntVal(42),
		"L": cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
		"B": cty.True,
		"S": cty.StringVal("[not parsed]"),
	}
	for name, w := range want {
		if v := variable(t, b, name); !v.Value.RawEquals(w) {
			t.Errorf("%s = %#v, want %#v", name, v.Value, w)
		}
	}
}

func variable(t *testing.T, b *lang.Build, name string) *lang.Variable {
	t.Helper()
	for _, v := range b.Variables {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no variable %q", name)
	return nil
}

func TestExpand(t *testing.T) {
	const file = `
target "lint" {
  from = "alpine:3.20"
}
target "test" {
  matrix = { go = ["1.21", "1.22"] }
  from   = "golang:${matrix.go}"
}
target "app" {
  from = "alpine:3.20"
}
group "checks" {
  targets = [target.lint, target.test]
}
group "default" {
  targets = [group.checks, target.app, target.lint]
}
`
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(file)}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	cases := []struct {
		names   []string
		want    []string
		wantErr string
	}{
		{nil, []string{"lint", "test-1.21", "test-1.22", "app"}, ""},
		{[]string{"default"}, []string{"lint", "test-1.21", "test-1.22", "app"}, ""},
		{[]string{"checks"}, []string{"lint", "test-1.21", "test-1.22"}, ""},
		{[]string{"test"}, []string{"test-1.21", "test-1.22"}, ""},
		{[]string{"test-1.22", "app", "test"}, []string{"test-1.22", "app", "test-1.21"}, ""},
		{[]string{"app", "app"}, []string{"app"}, ""},
		{[]string{"ap"}, nil, `There is no target or group named "ap". Did you mean "app"?`},
		{[]string{"chekcs", "app"}, []string{"app"}, `Did you mean "checks"?`},
		{[]string{"nothing-like-it"}, nil, `There is no target or group named "nothing-like-it". Run`},
	}
	for _, c := range cases {
		got, diags := b.Expand(c.names)
		if !slices.Equal(got, c.want) {
			t.Errorf("Expand(%q) = %q, want %q", c.names, got, c.want)
		}
		switch {
		case c.wantErr == "" && diags.HasErrors():
			t.Errorf("Expand(%q): %s", c.names, diags.Error())
		case c.wantErr != "" && (len(diags) != 1 || !strings.Contains(diags[0].Detail, c.wantErr)):
			t.Errorf("Expand(%q) diagnostics = %v, want one containing %q", c.names, diags, c.wantErr)
		}
	}
}

// Without a default group, Expand(nil) is every target in source order.
func TestExpandNoDefaultGroup(t *testing.T) {
	const file = `
target "b" {
  from = "alpine:3.20"
}
target "a" {
  matrix = { v = ["x", "y"] }
  from   = "alpine:3.20"
}
`
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(file)}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	got, diags := b.Expand(nil)
	if want := []string{"b", "a-x", "a-y"}; !slices.Equal(got, want) || len(diags) > 0 {
		t.Errorf("Expand(nil) = %q, %v; want %q", got, diags, want)
	}
}
