package lang

import (
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/lang/internal/corpus"
)

// TestPartialContentIsHCLs checks partialContent against HCL's
// PartialContent for every body of the test files under every block spec
// of the schema: where it answers, it answers what HCL does, and it
// declines exactly the bodies HCL has diagnostics for.
func TestPartialContentIsHCLs(t *testing.T) {
	var specs []*BlockSpec
	var addSpecs func(*BlockSpec)
	addSpecs = func(s *BlockSpec) {
		for _, seen := range specs {
			if seen == s {
				return
			}
		}
		specs = append(specs, s)
		for _, c := range s.Blocks {
			addSpecs(c)
		}
	}
	addSpecs(TopSchema)
	srcs := testSources(t, []byte("target \"a\" \"b\" {\n  run \"x\" {}\n}\ntarget {}\n"))
	bodies, declined := 0, 0
	for _, src := range srcs {
		f, _ := hclsyntax.ParseConfig(src, "build.hcl", hcl.InitialPos)
		hclsyntax.VisitAll(f.Body.(*hclsyntax.Body), func(n hclsyntax.Node) hcl.Diagnostics {
			sb, ok := n.(*hclsyntax.Body)
			if !ok {
				return nil
			}
			for _, spec := range specs {
				bodies++
				want, _, wantDiags := sb.PartialContent(spec.schema())
				got, ok := partialContent(sb, spec)
				if !ok {
					declined++
					if len(wantDiags) == 0 {
						t.Errorf("%v under %s: declined a body HCL has no diagnostics for", sb.SrcRange, spec.Type)
					}
					continue
				}
				if len(wantDiags) > 0 {
					t.Errorf("%v under %s: answered, but HCL says %v", sb.SrcRange, spec.Type, wantDiags)
				}
				if !reflect.DeepEqual(want, got) {
					t.Errorf("%v under %s: content\n%#v\nwant\n%#v", sb.SrcRange, spec.Type, got, want)
				}
			}
			return nil
		})
	}
	if declined == 0 || bodies < 10000 {
		t.Fatalf("%d bodies compared, %d declined: the cases test too little", bodies, declined)
	}
}

// TestEvaluateIsHCLs checks evaluate's shortcut against HCL's evaluation
// for every expression of the test files it takes.
func TestEvaluateIsHCLs(t *testing.T) {
	srcs := testSources(t, []byte("a = \"x\"\nb = [\"x\", \"é\"]\nc = [\"${x}\"]\nd = []\ne = \"\"\nf = <<EOT\nx\nEOT\n"))
	taken := 0
	for _, src := range srcs {
		f, _ := hclsyntax.ParseConfig(src, "build.hcl", hcl.InitialPos)
		hclsyntax.VisitAll(f.Body.(*hclsyntax.Body), func(n hclsyntax.Node) hcl.Diagnostics {
			x, ok := n.(hclsyntax.Expression)
			if !ok {
				return nil
			}
			if _, lit := literalString(x); !lit {
				if _, tuple := x.(*hclsyntax.TupleConsExpr); !tuple {
					return nil
				}
			}
			got, gotDiags := evaluate(x, nil)
			want, wantDiags := x.Value(nil)
			if len(gotDiags) > 0 && len(wantDiags) == 0 {
				t.Errorf("%v: evaluate has diagnostics %v, HCL none", x.Range(), gotDiags)
			}
			if !wantDiags.HasErrors() && !got.RawEquals(want) {
				t.Errorf("%v: evaluate is %#v, HCL %#v", x.Range(), got, want)
			}
			if len(gotDiags) == 0 {
				taken++
			}
			return nil
		})
	}
	if taken < 1000 {
		t.Fatalf("only %d expressions compared", taken)
	}
}

// testSources are the build files of the repository's test cases and
// examples, a generated build and extra.
func testSources(t *testing.T, extra ...[]byte) [][]byte {
	srcs := append([][]byte{gen.Targets(20)}, extra...)
	for _, src := range corpus.Files(t, "..") {
		srcs = append(srcs, src)
	}
	return srcs
}
