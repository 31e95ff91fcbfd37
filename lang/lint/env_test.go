package lint

import (
	"path/filepath"
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
