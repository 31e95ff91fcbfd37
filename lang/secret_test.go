package lang_test

import (
	"testing"
	"testing/fstest"

	"github.com/org/buildlang/lang"
)

// SecretValue gives the CLI the value of a secret taken from a sensitive
// variable, from --var or the variable's host environment variable.
func TestSecretValue(t *testing.T) {
	fsys := fstest.MapFS{"build.hcl": {Data: []byte(`
variable "TOKEN" {
  sensitive = true
  env       = "MY_TOKEN"
}
secret "tok" {
  var = var.TOKEN
}
secret "plain" {}
`)}}
	for _, tc := range []struct {
		name string
		opts lang.Options
		want string
	}{
		{"var", lang.Options{Vars: map[string]string{"TOKEN": "from-var"}}, "from-var"},
		{"host env", lang.Options{HostEnv: func(k string) (string, bool) { return "from-env", k == "MY_TOKEN" }, Allow: lang.Allow{Env: []string{"MY_TOKEN"}}}, "from-env"},
	} {
		b, diags := lang.Load(lang.FS(fsys), []string{"build.hcl"}, tc.opts)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", tc.name, diags.Error())
		}
		got, ok := b.SecretValue(b.Secret("tok"))
		if !ok || string(got) != tc.want {
			t.Errorf("%s: SecretValue = %q, %v; want %q", tc.name, got, ok, tc.want)
		}
		if _, ok := b.SecretValue(b.Secret("plain")); ok {
			t.Errorf("%s: a secret without var has a value", tc.name)
		}
	}
}
