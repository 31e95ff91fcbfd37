package walk

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/lang/internal/corpus"
)

// buildFiles is every build file in the repository's test data and examples,
// plus a generated one and expressions using every kind of syntax.
func buildFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{
		"gen.hcl": gen.Targets(100),
		"kinds.hcl": []byte(`
a = [for k, v in var.m : "${k}=${v}" if v != local.skip && k != x]
b = { for x in var.l : x => x.y... }
c = var.l[*].name
d = var.o.*.v
e = (var.n + 1) * -var.n
f = var.b ? "%{ for s in var.l }${s}%{ endfor }" : <<EOT
  ${var.h}
EOT
g = { (var.k) = 1, plain = 2, "quoted" = 3, null = 4, "${var.q}" = 5, var.r = 6 }
h = f(var.a, var.l...)
i = var.l[0][var.i].x
j = [for x in [for y in var.l : y] : [x, y]]
k = !var.b
l = var.x[*]
`),
	}
	for name, src := range corpus.Files(t, filepath.Join("..", "..", "..")) {
		files[name] = src
	}
	return files
}

func parse(t *testing.T, name string, src []byte) *hclsyntax.Body {
	f, _ := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		t.Fatalf("%s: no body", name)
	}
	return body
}

// key names a node by its type and range, which is unique but for nodes
// wrapping another of the same range.
func key(n hclsyntax.Node) string {
	return fmt.Sprintf("%T %v", n, n.Range())
}

func TestAllVisitsWhatVisitAllVisits(t *testing.T) {
	for name, src := range buildFiles(t) {
		body := parse(t, name, src)
		want := map[string]int{}
		hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
			switch n.(type) {
			case hclsyntax.ChildScope, hclsyntax.Attributes, hclsyntax.Blocks:
			default:
				want[key(n)]++
			}
			return nil
		})
		got := map[string]int{}
		All(body, func(n hclsyntax.Node) { got[key(n)]++ })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: nodes visited (-VisitAll +All):\n%s", name, diff)
		}
	}
}

func TestVariablesIsHCLs(t *testing.T) {
	exprs := 0
	for name, src := range buildFiles(t) {
		hclsyntax.VisitAll(parse(t, name, src), func(n hclsyntax.Node) hcl.Diagnostics {
			if x, ok := n.(hclsyntax.Expression); ok {
				exprs++
				want, got := hclsyntax.Variables(x), Variables(x)
				if diff := cmp.Diff(fmt.Sprint(want), fmt.Sprint(got)); diff != "" {
					t.Errorf("%s: %v: variables (-hclsyntax +walk):\n%s", name, x.Range(), diff)
				}
			}
			return nil
		})
	}
	if exprs < 5000 {
		t.Fatalf("only %d expressions compared", exprs)
	}
}

func BenchmarkAll(b *testing.B) {
	f, _ := hclsyntax.ParseConfig(gen.Targets(1000), "build.hcl", hcl.InitialPos)
	body := f.Body.(*hclsyntax.Body)
	b.Run("hclsyntax", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hclsyntax.VisitAll(body, func(hclsyntax.Node) hcl.Diagnostics { return nil })
		}
	})
	b.Run("walk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			All(body, func(hclsyntax.Node) {})
		}
	})
}
