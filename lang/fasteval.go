package lang

import (
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Most of a build's attributes are strings, lists of strings and objects
// of strings written out in place: "alpine:3.20", "${var.REGISTRY}/app",
// { GOOS = target_platform.os }. HCL evaluates each of them through cty
// (a template's every interpolation is a call of the budget's $part
// guard, an object builds its type), and the decoder then takes the cty
// value apart again, for every target and platform. The fast paths here
// read those shapes straight into Go strings.
//
// They are exact or they decline: a fast path answers only when every
// part is a literal or a traversal of a known, unmarked, non-null string,
// which is when HCL's evaluation gives that string, no diagnostics and
// nothing to check after (no marks, no unknowns). Anything else (a
// function call, a number, an error to report) declines, and the caller
// evaluates the expression in full. The $part guards a template's parts
// are wrapped in are charged to the budget as they would be, all at once
// and only when they all fit; when they do not, the full evaluation
// charges them one by one and reports where the budget runs out.

// fastString is the string value of expr, when it is one of the shapes
// above; bud is the budget ctx's guard functions charge (nil declines
// every template with interpolations).
func fastString(expr hcl.Expression, ctx *hcl.EvalContext, bud *budget) (string, bool) {
	return fastStringCalls(expr, ctx, bud, nil)
}

// fastStringCalls is fastString reading calls of replace too, when
// replace is ctx's metered replace function: a matrix instance's name is
// often "app-${replace(matrix.go, ".", "")}".
func fastStringCalls(expr hcl.Expression, ctx *hcl.EvalContext, bud *budget, replace *function.Function) (string, bool) {
	if bud == nil {
		replace = nil
	}
	var cost int64
	s, ok := fastStr(expr, ctx, metering{on: bud != nil, replace: replace}, &cost)
	return s, ok && bud.chargeIfFits(cost)
}

// metering says how the fast paths may read what the budget charges for: on
// for the $part guards of templates, replace (non-nil) for calls of the
// metered replace function.
type metering struct {
	on      bool
	replace *function.Function
}

// fastStrList is the value of a list literal of fastString elements.
func fastStrList(expr hcl.Expression, ctx *hcl.EvalContext, bud *budget) ([]string, bool) {
	t, ok := expr.(*hclsyntax.TupleConsExpr)
	if !ok {
		return nil, false
	}
	var cost int64
	out := make([]string, len(t.Exprs))
	for i, x := range t.Exprs {
		if out[i], ok = fastStr(x, ctx, metering{on: bud != nil}, &cost); !ok {
			return nil, false
		}
	}
	return out, bud.chargeIfFits(cost)
}

// fastStrMap is the value of an object literal of fastString values whose
// keys are names or fastString strings, all ASCII (cty normalizes keys,
// which could make two into one).
//
// A call of merge whose arguments are such objects, or traversals of
// known objects of strings, is read too when merge is the metered stdlib
// function (merge names it, nil if not): labels = merge(local.labels,
// {...}) is the commonest call of all.
func fastStrMap(expr hcl.Expression, ctx *hcl.EvalContext, bud *budget, merge *function.Function) (map[string]string, bool) {
	var cost int64
	var out map[string]string
	var ok bool
	switch x := expr.(type) {
	case *hclsyntax.ObjectConsExpr:
		out, ok = fastObject(x, ctx, metering{on: bud != nil}, &cost)
	case *hclsyntax.FunctionCallExpr:
		out, ok = fastMerge(x, ctx, metering{on: bud != nil && merge != nil}, merge, &cost)
	}
	return out, ok && bud.chargeIfFits(cost)
}

func fastObject(o *hclsyntax.ObjectConsExpr, ctx *hcl.EvalContext, m metering, cost *int64) (map[string]string, bool) {
	out := make(map[string]string, len(o.Items))
	for _, item := range o.Items {
		k, ok := fastKey(item.KeyExpr, ctx, m, cost)
		if !ok {
			return nil, false
		}
		v, ok := fastStr(item.ValueExpr, ctx, m, cost)
		if !ok {
			return nil, false
		}
		out[k] = v // a key written twice: the last wins, as in HCL
	}
	return out, true
}

// fastMerge is merge(args...) of fast objects, adding to cost what the
// metered merge charges: 1 and its arguments' valueCost before, its
// result's after.
func fastMerge(c *hclsyntax.FunctionCallExpr, ctx *hcl.EvalContext, m metering, merge *function.Function, cost *int64) (map[string]string, bool) {
	if !m.on || c.Name != "merge" || c.ExpandFinal || len(c.Args) == 0 || lookupFunction(ctx, c.Name) != *merge {
		return nil, false
	}
	out := map[string]string{}
	*cost++
	for _, a := range c.Args {
		var obj map[string]string
		var ok bool
		switch x := a.(type) {
		case *hclsyntax.ObjectConsExpr:
			obj, ok = fastObject(x, ctx, m, cost)
		case *hclsyntax.ScopeTraversalExpr:
			obj, ok = fastObjectValue(x, ctx)
		}
		if !ok {
			return nil, false
		}
		*cost += strMapCost(obj)
		for k, v := range obj {
			out[k] = v // later arguments win, as in merge
		}
	}
	*cost += strMapCost(out)
	return out, true
}

// strMapCost is valueCost of the object of strings m.
func strMapCost(m map[string]string) int64 {
	var n int64 = 1
	for _, v := range m {
		n += costElement + int64(len(v)) + 1
	}
	return n
}

// fastObjectValue is the value of a traversal of a known, unmarked,
// non-null object whose attributes all are such strings.
func fastObjectValue(x *hclsyntax.ScopeTraversalExpr, ctx *hcl.EvalContext) (map[string]string, bool) {
	if ctx == nil {
		return nil, false
	}
	v, ok := fastTraverse(x.Traversal, ctx)
	if !ok || v.IsNull() || !v.IsKnown() || v.IsMarked() || !v.Type().IsObjectType() {
		return nil, false
	}
	out := make(map[string]string, len(v.Type().AttributeTypes()))
	for name, t := range v.Type().AttributeTypes() {
		e := v.GetAttr(name)
		if t != cty.String || e.IsNull() || !e.IsKnown() || e.IsMarked() {
			return nil, false
		}
		out[name] = e.AsString()
	}
	return out, true
}

// fastTraverse is tr.TraverseAbs(ctx) for a traversal of attributes
// (root.a.b) through known, unmarked objects that have them, which is when
// HCL's has no diagnostics; false otherwise. HCL's allocates at every step.
func fastTraverse(tr hcl.Traversal, ctx *hcl.EvalContext) (cty.Value, bool) {
	if len(tr) == 0 {
		return cty.NilVal, false
	}
	root, ok := tr[0].(hcl.TraverseRoot)
	if !ok {
		return cty.NilVal, false
	}
	var v cty.Value
	found := false
	for c := ctx; c != nil && !found; c = c.Parent() {
		if c.Variables != nil {
			v, found = c.Variables[root.Name]
		}
	}
	if !found {
		return cty.NilVal, false
	}
	for _, step := range tr[1:] {
		a, ok := step.(hcl.TraverseAttr)
		if !ok || v.IsNull() || !v.IsKnown() || v.IsMarked() || !v.Type().IsObjectType() || !v.Type().HasAttribute(a.Name) {
			return cty.NilVal, false
		}
		v = v.GetAttr(a.Name)
	}
	return v, true
}

// lookupFunction is the function HCL calls for name in ctx: the first
// context up the chain with functions that has it.
func lookupFunction(ctx *hcl.EvalContext, name string) function.Function {
	for ; ctx != nil; ctx = ctx.Parent() {
		if ctx.Functions != nil {
			if f, ok := ctx.Functions[name]; ok {
				return f
			}
		}
	}
	return function.Function{}
}

// fastStr is fastString adding to cost what the $part guards of expr
// would charge, instead of charging it; m says what it may read.
func fastStr(expr hcl.Expression, ctx *hcl.EvalContext, m metering, cost *int64) (string, bool) {
	switch x := expr.(type) {
	case *hclsyntax.TemplateExpr:
		return fastTemplate(x, ctx, m, cost)
	case *hclsyntax.TemplateWrapExpr:
		return fastScalar(x.Wrapped, ctx)
	case *hclsyntax.ScopeTraversalExpr:
		return fastScalar(x, ctx)
	case *hclsyntax.FunctionCallExpr:
		return fastReplace(x, ctx, m, cost)
	}
	return "", false
}

// fastReplace is replace(s, substr, with) of fastStr arguments when
// replace is m.replace, adding to cost what the metered replace charges:
// 1, its arguments' valueCost and sizeBefore's bound before the call, its
// result's valueCost after. What it decides on is known before anything
// is charged, so declining never charges twice.
func fastReplace(c *hclsyntax.FunctionCallExpr, ctx *hcl.EvalContext, m metering, cost *int64) (string, bool) {
	if m.replace == nil || c.Name != "replace" || c.ExpandFinal || len(c.Args) != 3 || lookupFunction(ctx, c.Name) != *m.replace {
		return "", false
	}
	var args [3]string
	for i, a := range c.Args {
		var ok bool
		if args[i], ok = fastStr(a, ctx, m, cost); !ok {
			return "", false
		}
	}
	vals := []cty.Value{cty.StringVal(args[0]), cty.StringVal(args[1]), cty.StringVal(args[2])}
	if checkBefore(c.Name, vals) != nil {
		return "", false
	}
	pre := 1 + sizeBefore(c.Name, vals)
	if !readOnly[c.Name] {
		pre += argsCost(vals)
	}
	// cty's replace: strings.Replace, the result normalized by StringVal.
	out := normalized(strings.Replace(args[0], args[1], args[2], -1))
	*cost += pre + int64(len(out)) + 1
	return out, true
}

// fastScalar is the string value of a literal or a traversal.
func fastScalar(expr hclsyntax.Expression, ctx *hcl.EvalContext) (string, bool) {
	var v cty.Value
	switch x := expr.(type) {
	case *hclsyntax.LiteralValueExpr:
		v = x.Val
	case *hclsyntax.ScopeTraversalExpr:
		if ctx == nil {
			return "", false
		}
		var ok bool
		if v, ok = fastTraverse(x.Traversal, ctx); !ok {
			return "", false
		}
	default:
		return "", false
	}
	if v.Type() != cty.String || v.IsNull() || !v.IsKnown() || v.IsMarked() {
		return "", false
	}
	return v.AsString(), true
}

func fastTemplate(t *hclsyntax.TemplateExpr, ctx *hcl.EvalContext, m metering, cost *int64) (string, bool) {
	if len(t.Parts) == 1 {
		if lit, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr); ok {
			return fastScalar(lit, ctx)
		}
	}
	var sb strings.Builder
	for _, p := range t.Parts {
		if c, ok := p.(*hclsyntax.FunctionCallExpr); ok {
			if c.Name != guardPart || len(c.Args) != 1 || c.ExpandFinal || !m.on {
				return "", false
			}
			var s string
			var ok bool
			if call, isCall := c.Args[0].(*hclsyntax.FunctionCallExpr); isCall {
				s, ok = fastReplace(call, ctx, m, cost)
			} else {
				s, ok = fastScalar(c.Args[0], ctx)
			}
			if !ok {
				return "", false
			}
			*cost += int64(len(s)) + 1 // valueCost of the part, as $part charges it
			sb.WriteString(s)
			continue
		}
		s, ok := fastScalar(p, ctx)
		if !ok {
			return "", false
		}
		sb.WriteString(s)
	}
	return normalized(sb.String()), true
}

// normalized is s as cty.StringVal keeps it (NFC), which the parts were
// already: ASCII text, the common case, is left as it is.
func normalized(s string) string {
	if isASCII(s) {
		return s
	}
	return cty.NormalizeString(s)
}

// isASCII says whether s is all ASCII, which NFC leaves as it is.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// literalElems are the values of a list literal of literals, like
// expose = [8080, "53/udp"]: what HCL's evaluation would make a tuple of.
func literalElems(expr hcl.Expression) ([]cty.Value, bool) {
	t, ok := expr.(*hclsyntax.TupleConsExpr)
	if !ok {
		return nil, false
	}
	out := make([]cty.Value, len(t.Exprs))
	for i, x := range t.Exprs {
		lit, ok := x.(*hclsyntax.LiteralValueExpr)
		if !ok || !lit.Val.IsKnown() || lit.Val.IsMarked() {
			return nil, false
		}
		out[i] = lit.Val
	}
	return out, true
}

func fastKey(expr hclsyntax.Expression, ctx *hcl.EvalContext, m metering, cost *int64) (string, bool) {
	k, ok := expr.(*hclsyntax.ObjectConsKeyExpr)
	if !ok {
		return "", false
	}
	var s string
	if !k.ForceNonLiteral {
		if tr, ok := k.Wrapped.(*hclsyntax.ScopeTraversalExpr); ok && len(tr.Traversal) > 1 {
			return "", false // HCL's "Ambiguous attribute key"
		}
		s = hcl.ExprAsKeyword(k.Wrapped)
	}
	if s == "" {
		if s, ok = fastStr(k.Wrapped, ctx, m, cost); !ok {
			return "", false
		}
	}
	return s, isASCII(s)
}
