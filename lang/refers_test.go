package lang_test

import (
	"testing"
	"testing/fstest"

	"github.com/org/buildlang/lang"
)

// TestRefers checks the uses checkReferences records while it walks the
// references (the lint rules about unused declarations read them): every
// place a name can be used, and the self references that are not uses.
func TestRefers(t *testing.T) {
	src := `
variable "a" {
  type    = list(var.t)
  default = var.b
  validation {
    condition = var.a != "" && var.c != ""
    inner { x = var.deep }
  }
}
locals {
  l = local.l + local.m
  inner { y = local.deepl }
}
function "f" {
  params = [x]
  result = var.fn + x
}
secret "s" {}
mounts "m" {
  script = "${var.scr}"
  mounts = [secret("ms"), ssh("mssh")]
}
target "t" {
  script = "${var.tscr}"
  dynamic "step" {
    for_each = var.dyn
    content { run = local.dl }
  }
  step {
    mounts = [secret("s2")]
    secret "s3" {}
    ssh "k" {}
  }
  args = { A = group[var.k], B = var["idx"], C = target }
}
top = var.top
`
	b, _ := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, lang.Options{Lenient: true})
	for _, tc := range []struct {
		root, name string
		want       bool
	}{
		{"var", "t", true},     // in a type expression
		{"var", "b", true},     // an attribute
		{"var", "c", true},     // a validation naming another variable
		{"var", "a", false},    // a variable's validation naming itself
		{"var", "deep", false}, // a validation's blocks are not walked
		{"local", "m", true},
		{"local", "l", false},     // a local naming itself
		{"local", "deepl", false}, // nor are locals' blocks
		{"var", "fn", true},       // a function's body
		{"var", "scr", true},      // a script's text
		{"var", "tscr", true},
		{"var", "dyn", true}, // a dynamic block, not checked
		{"local", "dl", true},
		{"secret", "ms", true}, // mount calls by label
		{"ssh", "mssh", true},
		{"secret", "s2", true},
		{"secret", "s3", true}, // a nested mount block by label
		{"ssh", "k", true},
		{"secret", "s", false},
		{"var", "idx", true},         // an index by a literal string
		{"var", "top", true},         // a file's top-level attribute
		{"target", "anything", true}, // target used as a whole
		{"group", "anything", true},  // group with a computed key
		{"cache", "c", false},
	} {
		if got := b.Refers(tc.root, tc.name); got != tc.want {
			t.Errorf("Refers(%q, %q) = %v, want %v", tc.root, tc.name, got, tc.want)
		}
	}
	if (&lang.Build{}).Refers("var", "a") {
		t.Error("a build that was not checked refers to nothing")
	}
}
