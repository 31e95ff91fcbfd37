package lang

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// isShortForm says whether b is a short form in a body with spec: a
// block of a type that has a short form, with labels beyond the ones its
// long form names (a step's long form has none, a target's one).
func isShortForm(b *hclsyntax.Block, spec *BlockSpec) bool {
	bs := spec.Block(b.Type)
	return bs != nil && bs.Short != nil && len(b.Labels) > len(bs.Labels)
}

// withoutShortForms is body without its short-form blocks, or body itself
// when it has none.
func withoutShortForms(body *hclsyntax.Body, spec *BlockSpec) *hclsyntax.Body {
	n := 0
	for _, b := range body.Blocks {
		if isShortForm(b, spec) {
			n++
		}
	}
	if n == 0 {
		return body
	}
	rest := *body
	rest.Blocks = make(hclsyntax.Blocks, 0, len(body.Blocks)-n)
	for _, b := range body.Blocks {
		if !isShortForm(b, spec) {
			rest.Blocks = append(rest.Blocks, b)
		}
	}
	return &rest
}

// withShortForms is decoded, the blocks HCL decoded from body without its
// short forms, with the short forms put back where body has them.
func withShortForms(body *hclsyntax.Body, spec *BlockSpec, decoded hcl.Blocks) hcl.Blocks {
	byBody := make(map[hcl.Body]*hcl.Block, len(decoded))
	for _, b := range decoded {
		byBody[b.Body] = b
	}
	out := make(hcl.Blocks, 0, len(body.Blocks))
	for _, b := range body.Blocks {
		if hb := byBody[b.Body]; hb != nil {
			out = append(out, hb)
		} else if isShortForm(b, spec) {
			out = append(out, b.AsHCLBlock())
		}
	}
	return out
}

// shortFormAttrs adds to attrs the attributes a short form's labels (those
// after the ones its long form names) stand for, as literal strings (and a
// list of them) whose ranges are the labels'. An attribute also written in
// the body is reported, and the label's value is not used.
func shortFormAttrs(spec *BlockSpec, b *hcl.Block, attrs hcl.Attributes) hcl.Diagnostics {
	f := spec.Short
	labels, ranges := b.Labels[len(spec.Labels):], b.LabelRanges[len(spec.Labels):]
	n := len(labels)
	if n < f.MinLabels() || (!f.List && n > len(f.Attrs)) {
		// What the labels stand for is unknown: the attributes are
		// not reported missing on top of this.
		for _, name := range f.Attrs {
			if attrs[name] == nil {
				attrs[name] = &hcl.Attribute{Name: name, Expr: &hclsyntax.LiteralValueExpr{Val: cty.DynamicVal, SrcRange: b.DefRange}, Range: b.DefRange, NameRange: b.DefRange}
			}
		}
		return hcl.Diagnostics{ShortFormLabels(spec.Type, f, hcl.RangeBetween(ranges[0], ranges[n-1]))}
	}
	var diags hcl.Diagnostics
	for _, name := range f.Conflicts {
		if a := attrs[name]; a != nil {
			diags = append(diags, ShortFormAndAttribute(spec.Type, name, f, a.NameRange))
			delete(attrs, name)
		}
	}
	var list []hclsyntax.Expression
	for i, label := range labels {
		name := f.LabelAttr(i, n)
		lit := &hclsyntax.LiteralValueExpr{Val: cty.StringVal(label), SrcRange: ranges[i]}
		if f.List && name == f.Attrs[0] {
			list = append(list, lit)
			if len(list) < n-1 {
				continue
			}
			rng := hcl.RangeBetween(ranges[0], ranges[i])
			diags = append(diags, setShortAttr(spec, f, attrs, name, &hclsyntax.TupleConsExpr{Exprs: list, SrcRange: rng, OpenRange: ranges[0]}, rng)...)
			continue
		}
		diags = append(diags, setShortAttr(spec, f, attrs, name, lit, ranges[i])...)
	}
	return diags
}

func setShortAttr(spec *BlockSpec, f *ShortForm, attrs hcl.Attributes, name string, expr hclsyntax.Expression, rng hcl.Range) hcl.Diagnostics {
	if a := attrs[name]; a != nil {
		return hcl.Diagnostics{ShortFormAndAttribute(spec.Type, name, f, a.NameRange)}
	}
	attrs[name] = &hcl.Attribute{Name: name, Expr: expr, Range: rng, NameRange: rng}
	return nil
}

// ShortFormRange is the range of the labels of a short-form step that
// stand for attr, for tools that point at an attribute of a step (the
// linter): ok is false when blk is not a short form with such labels.
func ShortFormRange(blk *hclsyntax.Block, attr string) (hcl.Range, bool) {
	var spec *BlockSpec
	for _, s := range StepSchemas {
		if s.Type == blk.Type {
			spec = s
		}
	}
	if spec == nil || spec.Short == nil || len(blk.Labels) < spec.Short.MinLabels() {
		return hcl.Range{}, false
	}
	var rng *hcl.Range
	for i := range blk.Labels {
		if spec.Short.LabelAttr(i, len(blk.Labels)) != attr {
			continue
		}
		if rng == nil {
			r := blk.LabelRanges[i]
			rng = &r
		} else {
			*rng = hcl.RangeBetween(*rng, blk.LabelRanges[i])
		}
	}
	if rng == nil {
		return hcl.Range{}, false
	}
	return *rng, true
}
