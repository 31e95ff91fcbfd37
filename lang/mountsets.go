package lang

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// mountSetDecl is a mounts block decoded structurally, once. Its mount
// blocks are evaluated in each run step that lists the set, in that
// step's context, exactly as the same blocks written in the step would be.
type mountSetDecl struct {
	mounts []*mountDecl
	// targetRefs are the targets its mounts mention as target.NAME: a
	// target using the set depends on them.
	targetRefs []string
}

func (e *evaluator) declareMountSets(s *scope) hcl.Diagnostics {
	e.mountSets = map[string]*mountSetDecl{}
	return e.decodeBlocks(e.decls.mounts, s, func(name string, b *hcl.Block, c *hcl.BodyContent, d *decoder) {
		mounts, diags := decodeMounts(c, MountsSchema)
		d.add(diags...)
		if a := c.Attributes["mounts"]; a != nil {
			calls, cdiags := setMountCalls(a)
			d.add(cdiags...)
			mounts = append(calls, mounts...)
		}
		set := &mountSetDecl{mounts: mounts}
		for _, md := range mounts {
			for _, a := range md.content.Attributes {
				set.targetRefs = append(set.targetRefs, mentionedTargets(a)...)
			}
		}
		e.mountSets[name] = set
		e.build.MountSets = append(e.build.MountSets, &MountSet{Name: name, Description: d.str(c.Attributes["description"]), DeclRange: b.DefRange})
	})
}

// mentionedTargets are the names an attribute mentions as target.NAME.
func mentionedTargets(a *hcl.Attribute) []string {
	var out []string
	for _, t := range a.Expr.Variables() {
		if t.RootName() == "target" && len(t) > 1 {
			if name := stepName(t[1]); name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// setMounts are the mounts of the sets a run step's mounts attribute
// lists, set after set, each set's in the order written.
func (e *evaluator) setMounts(d *decoder, a *hcl.Attribute) []*mountDecl {
	v := d.value(a)
	if v == cty.NilVal || v.IsNull() {
		return nil
	}
	want := "a list of mount sets and mounts, like [mounts.apt, tmpfs(\"/tmp\")]"
	if !v.Type().IsListType() && !v.Type().IsTupleType() {
		got := typeName(v)
		if v.Type().Equals(MountsRefType) {
			got = "one mount set, not in a list"
		}
		d.add(WrongType(`The "mounts" attribute`, want, got, a.Expr.Range()))
		return nil
	}
	var out []*mountDecl
	seen := map[string]bool{}
	n := v.LengthInt()
	i := 0
	for it := v.ElementIterator(); it.Next(); i++ {
		_, ev := it.Element()
		out = append(out, e.setOf(d, ev, elemRange(a, i, n), seen)...)
	}
	return out
}

// setOf is the mounts of the set v, an element of a mounts list at rng;
// seen holds the sets listed before it.
func (e *evaluator) setOf(d *decoder, v cty.Value, rng hcl.Range, seen map[string]bool) []*mountDecl {
	r := refOf(v)
	if r == nil || !v.Type().Equals(MountsRefType) {
		d.add(WrongType("Each element of mounts", "a mount set like mounts.NAME, or a mount like cache(\"/root/.cache\")", typeName(v), rng))
		return nil
	}
	if seen[r.Name] {
		d.add(InvalidValue("mounts", fmt.Sprintf("mounts.%s is listed twice; list each set once.", r.Name), rng))
		return nil
	}
	seen[r.Name] = true
	if set := e.mountSets[r.Name]; set != nil {
		return set.mounts
	}
	return nil
}
