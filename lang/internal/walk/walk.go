package walk

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// All calls visit for n and every node below it, depth first, parents
// before their children, as hclsyntax.VisitAll does, except for the nodes
// that are no syntax of their own: a body's hclsyntax.Attributes and
// hclsyntax.Blocks collections (their attributes and blocks are visited)
// and the hclsyntax.ChildScope wrappers of a for expression's key, value
// and condition (their expressions are visited). A body's attributes are
// visited in map order, as VisitAll visits them: callers must not depend
// on it.
func All(n hclsyntax.Node, visit func(hclsyntax.Node)) {
	if n == nil {
		return
	}
	visit(n)
	switch x := n.(type) {
	case *hclsyntax.Body:
		for _, a := range x.Attributes {
			All(a, visit)
		}
		for _, b := range x.Blocks {
			All(b, visit)
		}
	case *hclsyntax.Attribute:
		All(x.Expr, visit)
	case *hclsyntax.Block:
		All(x.Body, visit)
	default:
		if !eachChild(n, func(c hclsyntax.Expression) { All(c, visit) }) {
			below(n, func(c hclsyntax.Node) {
				switch c.(type) {
				case hclsyntax.ChildScope, hclsyntax.Attributes, hclsyntax.Blocks:
				default:
					visit(c)
				}
			})
		}
	}
}

// Variables is expr.Variables(), which for native syntax is
// hclsyntax.Variables: the traversals expr reads from the scope it is
// evaluated in, in the same order, leaving out the names a for expression
// declares where they are in scope.
func Variables(expr hcl.Expression) []hcl.Traversal {
	x, ok := expr.(hclsyntax.Expression)
	if !ok {
		return expr.Variables()
	}
	var w variables
	w.walk(x)
	return w.out
}

type variables struct {
	locals []string // names for expressions declare, innermost last
	out    []hcl.Traversal
}

func (w *variables) walk(n hclsyntax.Expression) {
	switch x := n.(type) {
	case nil, *hclsyntax.LiteralValueExpr:
	case *hclsyntax.ScopeTraversalExpr:
		w.add(x.Traversal)
	case *hclsyntax.TemplateExpr:
		// the commonest node of all, walked here without eachChild's switch
		for _, p := range x.Parts {
			w.walk(p)
		}
	case *hclsyntax.ForExpr:
		w.walk(x.CollExpr)
		outer := len(w.locals)
		for _, name := range []string{x.KeyVar, x.ValVar} {
			if name != "" {
				w.locals = append(w.locals, name)
			}
		}
		if x.KeyExpr != nil {
			w.walk(x.KeyExpr)
		}
		w.walk(x.ValExpr)
		if x.CondExpr != nil {
			w.walk(x.CondExpr)
		}
		w.locals = w.locals[:outer]
	default:
		if !eachChild(n, w.walk) {
			for _, t := range hclsyntax.Variables(n) {
				w.add(t)
			}
		}
	}
}

func (w *variables) add(t hcl.Traversal) {
	if !slices.Contains(w.locals, t.RootName()) {
		w.out = append(w.out, t)
	}
}

// below calls fn for every node below n (not n itself), as
// hclsyntax.VisitAll visits them.
func below(n hclsyntax.Node, fn func(hclsyntax.Node)) {
	self := true
	hclsyntax.VisitAll(n, func(c hclsyntax.Node) hcl.Diagnostics {
		if self {
			self = false
			return nil
		}
		fn(c)
		return nil
	})
}

// eachChild calls child for each expression directly below the expression
// n, in hclsyntax's order. It reports false, calling nothing, when n's
// type is not one this package knows.
func eachChild(n hclsyntax.Node, child func(hclsyntax.Expression)) bool {
	switch x := n.(type) {
	case *hclsyntax.LiteralValueExpr, *hclsyntax.ScopeTraversalExpr, *hclsyntax.AnonSymbolExpr, *hclsyntax.ExprSyntaxError:
		// leaves
	case *hclsyntax.ParenthesesExpr:
		child(x.Expression)
	case *hclsyntax.RelativeTraversalExpr:
		child(x.Source)
	case *hclsyntax.FunctionCallExpr:
		for _, a := range x.Args {
			child(a)
		}
	case *hclsyntax.ConditionalExpr:
		child(x.Condition)
		child(x.TrueResult)
		child(x.FalseResult)
	case *hclsyntax.IndexExpr:
		child(x.Collection)
		child(x.Key)
	case *hclsyntax.TupleConsExpr:
		for _, e := range x.Exprs {
			child(e)
		}
	case *hclsyntax.ObjectConsExpr:
		for _, item := range x.Items {
			child(item.KeyExpr)
			child(item.ValueExpr)
		}
	case *hclsyntax.ObjectConsKeyExpr:
		// As hclsyntax: a key read as a literal name is no expression.
		if !isKeyword(x.Wrapped) {
			child(x.Wrapped)
		}
	case *hclsyntax.ForExpr:
		child(x.CollExpr)
		if x.KeyExpr != nil {
			child(x.KeyExpr)
		}
		child(x.ValExpr)
		if x.CondExpr != nil {
			child(x.CondExpr)
		}
	case *hclsyntax.SplatExpr:
		child(x.Source)
		child(x.Each)
	case *hclsyntax.BinaryOpExpr:
		child(x.LHS)
		child(x.RHS)
	case *hclsyntax.UnaryOpExpr:
		child(x.Val)
	case *hclsyntax.TemplateExpr:
		for _, p := range x.Parts {
			child(p)
		}
	case *hclsyntax.TemplateJoinExpr:
		child(x.Tuple)
	case *hclsyntax.TemplateWrapExpr:
		child(x.Wrapped)
	default:
		return false
	}
	return true
}

// isKeyword is hcl.ExprAsKeyword(x) != "", answered directly for the
// commonest keys, a name and a quoted string, without its interface
// assertions (a tenth of a walk's time).
func isKeyword(x hclsyntax.Expression) bool {
	switch w := x.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return len(w.Traversal) == 1
	case *hclsyntax.TemplateExpr:
		return false // neither a traversal nor wrapping one
	}
	return hcl.ExprAsKeyword(x) != ""
}
