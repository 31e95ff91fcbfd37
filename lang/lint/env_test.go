package lint

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/lang/internal/corpus"
	"github.com/zclconf/go-cty/cty"
)

// TestItemKeyIsHCLs checks itemKey's shortcuts against the way it falls
// back to (hcl.ExprAsKeyword, then the key's value) for every object item
// key of the test files.
func TestItemKeyIsHCLs(t *testing.T) {
	srcs := map[string][]byte{"gen.hcl": gen.Targets(20), "keys.hcl": []byte(`a = { x = 1, "y" = 2, (z) = 3, "" = 4, null = 5, true = 6, a.b = 7, "${v}" = 8, "é" = 9, 10 = 10 }`)}
	for name, src := range corpus.Files(t, filepath.Join("..", "..")) {
		srcs[name] = src
	}
	keys := 0
	for name, src := range srcs {
		f, _ := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		hclsyntax.VisitAll(f.Body.(*hclsyntax.Body), func(n hclsyntax.Node) hcl.Diagnostics {
			obj, ok := n.(*hclsyntax.ObjectConsExpr)
			if !ok {
				return nil
			}
			for _, item := range obj.Items {
				want := hcl.ExprAsKeyword(item.KeyExpr)
				if want == "" {
					if v, diags := item.KeyExpr.Value(nil); !diags.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
						want = v.AsString()
					}
				}
				if got := itemKey(item.KeyExpr); got != want {
					t.Errorf("%s: %v: itemKey is %q, HCL's %q", name, item.KeyExpr.Range(), got, want)
				}
				keys++
			}
			return nil
		})
	}
	if keys < 300 {
		t.Fatalf("only %d keys compared", keys)
	}
}

// TestMayLookSecretKeepsEveryMatch checks the quick test in front of
// secretName: it may let a name through that does not match, never drop
// one that does. Names are every secret word in three cases, alone and
// in the positions the rule knows, names that only look alike, and
// names the quick test leaves to the regular expression (long, or with
// "ſ", which (?i) reads as "s").
func TestMayLookSecretKeepsEveryMatch(t *testing.T) {
	words := []string{"apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"}
	var names []string
	for _, w := range words {
		for _, c := range []string{w, strings.ToUpper(w), strings.ToUpper(w[:1]) + w[1:]} {
			names = append(names, c, c+"_FILE", "GITHUB_"+c, "DB_"+c+"_X", "X"+c, c+"X", "PUBLIC_"+c)
		}
	}
	names = append(names, "PORT", "GOOS", "CGO_ENABLED", "", "_", "KEYS", "monkey", "ſecret", "DB_PAſſWORD", strings.Repeat("A_", 40)+"TOKEN")
	matched := 0
	for _, n := range names {
		re := secretName.MatchString(strings.ReplaceAll(n, "-", "_"))
		if re {
			matched++
		}
		if re && !mayLookSecret(n) {
			t.Errorf("mayLookSecret(%q) = false, but secretName matches it", n)
		}
	}
	if matched < len(words)*3 {
		t.Fatalf("only %d names match secretName: the test's names are wrong", matched)
	}
	for _, n := range []string{"PORT", "GOOS", "CGO_ENABLED", "VERSION"} {
		if mayLookSecret(n) {
			t.Errorf("mayLookSecret(%q) = true: the quick test should rule it out", n)
		}
	}
}
