package stdlib

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// call invokes a registered function directly.
func call(t *testing.T, name string, args ...cty.Value) (cty.Value, error) {
	t.Helper()
	f, ok := Functions()[name]
	if !ok {
		t.Fatalf("function %q is not registered", name)
	}
	return f.Call(args)
}

// eval evaluates an HCL expression with the stdlib as its functions, the way
// a build file would.
func eval(t *testing.T, src string) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse %s: %s", src, diags.Error())
	}
	return expr.Value(&hcl.EvalContext{Functions: Functions()})
}

func strs(ss ...string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(ss))
	for i, s := range ss {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}
