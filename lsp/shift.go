package lsp

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Moving a chunk's syntax. An edit moves every chunk after it by the bytes
// and lines it inserts or deletes, without changing their text: instead of
// parsing them again, parseIncremental copies their syntax with every
// position moved. A chunk starts at the start of a line, so columns do not
// change. The copy is deep (snapshots holding the old syntax still read
// it) and keeps the sharing a parse has: a splat's symbol is one node,
// read by its expression. A node the mover does not know (HCL grew a new
// one) makes it give up, and the chunk is parsed again.

// shifter moves positions by bytes and lines.
type shifter struct {
	bytes, lines int
	anon         map[*hclsyntax.AnonSymbolExpr]*hclsyntax.AnonSymbolExpr
	failed       bool
}

// shiftBody returns a copy of body with every position moved from the
// chunk start from to the chunk start to, or false when it holds a node
// the mover does not know.
func shiftBody(body *hclsyntax.Body, from, to hcl.Pos) (*hclsyntax.Body, bool) {
	s := &shifter{bytes: to.Byte - from.Byte, lines: to.Line - from.Line}
	out := s.body(body)
	return out, !s.failed
}

func (s *shifter) pos(p hcl.Pos) hcl.Pos {
	p.Byte += s.bytes
	p.Line += s.lines
	return p
}

func (s *shifter) rng(r hcl.Range) hcl.Range {
	r.Start, r.End = s.pos(r.Start), s.pos(r.End)
	return r
}

func (s *shifter) body(b *hclsyntax.Body) *hclsyntax.Body {
	if b == nil {
		return nil
	}
	out := &hclsyntax.Body{SrcRange: s.rng(b.SrcRange), EndRange: s.rng(b.EndRange)}
	if b.Attributes != nil {
		out.Attributes = make(hclsyntax.Attributes, len(b.Attributes))
		for n, a := range b.Attributes {
			out.Attributes[n] = s.attribute(a)
		}
	}
	if b.Blocks != nil {
		out.Blocks = make(hclsyntax.Blocks, len(b.Blocks))
		for i, blk := range b.Blocks {
			out.Blocks[i] = s.block(blk)
		}
	}
	return out
}

func (s *shifter) attribute(a *hclsyntax.Attribute) *hclsyntax.Attribute {
	if a == nil {
		return nil
	}
	return &hclsyntax.Attribute{Name: a.Name, Expr: s.expr(a.Expr),
		SrcRange: s.rng(a.SrcRange), NameRange: s.rng(a.NameRange), EqualsRange: s.rng(a.EqualsRange)}
}

func (s *shifter) block(b *hclsyntax.Block) *hclsyntax.Block {
	if b == nil {
		return nil
	}
	out := &hclsyntax.Block{Type: b.Type, Body: s.body(b.Body), TypeRange: s.rng(b.TypeRange),
		OpenBraceRange: s.rng(b.OpenBraceRange), CloseBraceRange: s.rng(b.CloseBraceRange)}
	if b.Labels != nil {
		out.Labels = append(make([]string, 0, len(b.Labels)), b.Labels...)
	}
	if b.LabelRanges != nil {
		out.LabelRanges = make([]hcl.Range, len(b.LabelRanges))
		for i, r := range b.LabelRanges {
			out.LabelRanges[i] = s.rng(r)
		}
	}
	return out
}

func (s *shifter) exprs(xs []hclsyntax.Expression) []hclsyntax.Expression {
	if xs == nil {
		return nil
	}
	out := make([]hclsyntax.Expression, len(xs))
	for i, x := range xs {
		out[i] = s.expr(x)
	}
	return out
}

// expr copies an expression of any type the parser makes (and the
// function calls lang's instrumentation wraps expressions in).
func (s *shifter) expr(x hclsyntax.Expression) hclsyntax.Expression {
	switch x := x.(type) {
	case nil:
		return nil
	case *hclsyntax.LiteralValueExpr:
		return &hclsyntax.LiteralValueExpr{Val: x.Val, SrcRange: s.rng(x.SrcRange)}
	case *hclsyntax.TemplateExpr:
		return &hclsyntax.TemplateExpr{Parts: s.exprs(x.Parts), SrcRange: s.rng(x.SrcRange)}
	case *hclsyntax.TemplateWrapExpr:
		return &hclsyntax.TemplateWrapExpr{Wrapped: s.expr(x.Wrapped), SrcRange: s.rng(x.SrcRange)}
	case *hclsyntax.TemplateJoinExpr:
		return &hclsyntax.TemplateJoinExpr{Tuple: s.expr(x.Tuple)}
	case *hclsyntax.ScopeTraversalExpr:
		return &hclsyntax.ScopeTraversalExpr{Traversal: s.traversal(x.Traversal), SrcRange: s.rng(x.SrcRange)}
	case *hclsyntax.RelativeTraversalExpr:
		return &hclsyntax.RelativeTraversalExpr{Source: s.expr(x.Source), Traversal: s.traversal(x.Traversal),
			SrcRange: s.rng(x.SrcRange)}
	case *hclsyntax.FunctionCallExpr:
		return &hclsyntax.FunctionCallExpr{Name: x.Name, Args: s.exprs(x.Args), ExpandFinal: x.ExpandFinal,
			NameRange: s.rng(x.NameRange), OpenParenRange: s.rng(x.OpenParenRange), CloseParenRange: s.rng(x.CloseParenRange)}
	case *hclsyntax.ConditionalExpr:
		return &hclsyntax.ConditionalExpr{Condition: s.expr(x.Condition), TrueResult: s.expr(x.TrueResult),
			FalseResult: s.expr(x.FalseResult), SrcRange: s.rng(x.SrcRange)}
	case *hclsyntax.IndexExpr:
		return &hclsyntax.IndexExpr{Collection: s.expr(x.Collection), Key: s.expr(x.Key),
			SrcRange: s.rng(x.SrcRange), OpenRange: s.rng(x.OpenRange), BracketRange: s.rng(x.BracketRange)}
	case *hclsyntax.TupleConsExpr:
		return &hclsyntax.TupleConsExpr{Exprs: s.exprs(x.Exprs), SrcRange: s.rng(x.SrcRange), OpenRange: s.rng(x.OpenRange)}
	case *hclsyntax.ObjectConsExpr:
		out := &hclsyntax.ObjectConsExpr{SrcRange: s.rng(x.SrcRange), OpenRange: s.rng(x.OpenRange)}
		if x.Items != nil {
			out.Items = make([]hclsyntax.ObjectConsItem, len(x.Items))
			for i, it := range x.Items {
				out.Items[i] = hclsyntax.ObjectConsItem{KeyExpr: s.expr(it.KeyExpr), ValueExpr: s.expr(it.ValueExpr)}
			}
		}
		return out
	case *hclsyntax.ObjectConsKeyExpr:
		return &hclsyntax.ObjectConsKeyExpr{Wrapped: s.expr(x.Wrapped), ForceNonLiteral: x.ForceNonLiteral}
	case *hclsyntax.ForExpr:
		return &hclsyntax.ForExpr{KeyVar: x.KeyVar, ValVar: x.ValVar, CollExpr: s.expr(x.CollExpr),
			KeyExpr: s.expr(x.KeyExpr), ValExpr: s.expr(x.ValExpr), CondExpr: s.expr(x.CondExpr), Group: x.Group,
			SrcRange: s.rng(x.SrcRange), OpenRange: s.rng(x.OpenRange), CloseRange: s.rng(x.CloseRange)}
	case *hclsyntax.SplatExpr:
		return &hclsyntax.SplatExpr{Source: s.expr(x.Source), Each: s.expr(x.Each), Item: s.anonSymbol(x.Item),
			SrcRange: s.rng(x.SrcRange), MarkerRange: s.rng(x.MarkerRange)}
	case *hclsyntax.AnonSymbolExpr:
		return s.anonSymbol(x)
	case *hclsyntax.BinaryOpExpr:
		return &hclsyntax.BinaryOpExpr{LHS: s.expr(x.LHS), Op: x.Op, RHS: s.expr(x.RHS), SrcRange: s.rng(x.SrcRange)}
	case *hclsyntax.UnaryOpExpr:
		return &hclsyntax.UnaryOpExpr{Op: x.Op, Val: s.expr(x.Val), SrcRange: s.rng(x.SrcRange), SymbolRange: s.rng(x.SymbolRange)}
	case *hclsyntax.ParenthesesExpr:
		return &hclsyntax.ParenthesesExpr{Expression: s.expr(x.Expression), SrcRange: s.rng(x.SrcRange)}
	}
	// ExprSyntaxError comes with diagnostics, and chunks with diagnostics
	// are parsed again; anything else is new to the mover.
	s.failed = true
	return x
}

// anonSymbol copies a splat's symbol once, so the splat and the expression
// reading it still share it.
func (s *shifter) anonSymbol(x *hclsyntax.AnonSymbolExpr) *hclsyntax.AnonSymbolExpr {
	if x == nil {
		return nil
	}
	if out := s.anon[x]; out != nil {
		return out
	}
	if s.anon == nil {
		s.anon = map[*hclsyntax.AnonSymbolExpr]*hclsyntax.AnonSymbolExpr{}
	}
	out := &hclsyntax.AnonSymbolExpr{SrcRange: s.rng(x.SrcRange)}
	s.anon[x] = out
	return out
}

func (s *shifter) traversal(t hcl.Traversal) hcl.Traversal {
	if t == nil {
		return nil
	}
	out := make(hcl.Traversal, len(t))
	for i, step := range t {
		switch step := step.(type) {
		case hcl.TraverseRoot:
			step.SrcRange = s.rng(step.SrcRange)
			out[i] = step
		case hcl.TraverseAttr:
			step.SrcRange = s.rng(step.SrcRange)
			out[i] = step
		case hcl.TraverseIndex:
			step.SrcRange = s.rng(step.SrcRange)
			out[i] = step
		case hcl.TraverseSplat:
			step.Each = s.traversal(step.Each)
			step.SrcRange = s.rng(step.SrcRange)
			out[i] = step
		default:
			s.failed = true
			out[i] = step
		}
	}
	return out
}
