package lang

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// dynamicTypes are the mounts a dynamic block of a run step may make.
var dynamicTypes = []string{"cache", "secret", "ssh", "tmpfs", "device", "bind"}

func validDynamic(b *hcl.Block) bool {
	return len(b.Labels) == 1 && contains(dynamicTypes, b.Labels[0])
}

// dynamicMount is one mount a dynamic block made: its block, as if
// written out, and the decoder whose context holds the iterator.
type dynamicMount struct {
	md *mountDecl
	d  *decoder
}

// expandDynamic makes a dynamic block's mounts, one per element of
// for_each, in order, as HCL's dynblock extension does.
func (e *evaluator) expandDynamic(d *decoder, md *mountDecl) []dynamicMount {
	typ := md.block.Labels[0]
	a := md.content.Attributes
	iter := typ
	if ia := a["iterator"]; ia != nil {
		if tr, diags := hcl.AbsTraversalForExpr(ia.Expr); !diags.HasErrors() && len(tr) == 1 {
			iter = tr.RootName()
		} else {
			d.add(InvalidValue("iterator", "iterator is a name, like iterator = m.", ia.Expr.Range()))
			return nil
		}
	}
	var content *hcl.Block
	for _, b := range md.content.Blocks {
		if b.Type == "content" {
			content = b
		}
	}
	if content == nil {
		d.add(InvalidValue("dynamic block", "A dynamic block needs a content block with the mount's attributes (content {} for none).", md.block.DefRange))
		return nil
	}
	each := d.value(a["for_each"])
	if each == cty.NilVal || each.IsNull() || !each.CanIterateElements() {
		if each != cty.NilVal {
			d.add(WrongType(`The "for_each" attribute`, "a list or a map", typeName(each), a["for_each"].Expr.Range()))
		}
		return nil
	}
	spec := RunSchema.Block(typ)
	var out []dynamicMount
	for it := each.ElementIterator(); it.Next(); {
		k, v := it.Element()
		ctx := d.ctx.NewChild()
		ctx.Variables = map[string]cty.Value{iter: cty.ObjectVal(map[string]cty.Value{"key": k, "value": v})}
		cd := &decoder{ctx: ctx, what: typ + " mount"}
		labels := cd.strList(a["labels"])
		if len(labels) != 1 {
			if cd.diags.HasErrors() {
				d.add(cd.diags...)
			} else {
				d.add(InvalidValue("labels", "A "+typ+" mount has one label, like labels = ["+iter+".value].", a["labels"].Expr.Range()))
			}
			return out
		}
		c, diags := bodyContent(content.Body, spec)
		d.add(diags...)
		block := &hcl.Block{Type: typ, Labels: labels, Body: content.Body, DefRange: md.block.DefRange,
			TypeRange: md.block.TypeRange, LabelRanges: []hcl.Range{a["labels"].Expr.Range()}}
		out = append(out, dynamicMount{md: &mountDecl{kind: MountKind(typ), block: block, content: c}, d: cd})
	}
	return out
}
