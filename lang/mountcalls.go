package lang

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// MountCallKinds are the mounts a run step's mounts list may hold as a
// call, KIND(LABEL) or KIND(LABEL, { ATTRIBUTES }): the one-line form of the
// block KIND "LABEL" { ATTRIBUTES }, like a Dockerfile's --mount flag.
var MountCallKinds = []string{"cache", "tmpfs", "bind", "secret", "ssh", "device"}

// isMountCall says whether expr is a mount call: a call of a mount kind's
// name, which is no function (those names are no functions anywhere).
func isMountCall(expr hclsyntax.Expression) (*hclsyntax.FunctionCallExpr, bool) {
	call, ok := expr.(*hclsyntax.FunctionCallExpr)
	return call, ok && contains(MountCallKinds, call.Name)
}

// decodeMountCalls decodes the mount calls of a run step's mounts list,
// by their index in it, as the blocks they stand for: the label (a literal
// string, as a block's label is) and the object's items as the block's
// attributes, so every check of the block applies, at the item's line.
func decodeMountCalls(a *hcl.Attribute) (map[int]*mountDecl, hcl.Diagnostics) {
	list, ok := a.Expr.(*hclsyntax.TupleConsExpr)
	if !ok {
		return nil, nil
	}
	var out map[int]*mountDecl
	var diags hcl.Diagnostics
	for i, x := range list.Exprs {
		call, ok := isMountCall(x)
		if !ok {
			continue
		}
		if out == nil {
			out = map[int]*mountDecl{}
		}
		md, mdiags := decodeMountCall(call)
		diags = append(diags, mdiags...)
		out[i] = md // nil when the call is malformed: reported, and left out
	}
	return out, diags
}

func decodeMountCall(call *hclsyntax.FunctionCallExpr) (*mountDecl, hcl.Diagnostics) {
	spec := RunSchema.Block(call.Name)
	if len(call.Args) == 0 || len(call.Args) > 2 || call.ExpandFinal {
		return nil, hcl.Diagnostics{BadMountCall(call.Name, "takes the mount's "+spec.Labels[0]+", then optionally an object of its attributes", call.Range())}
	}
	label, ok := callLabel(call)
	if !ok {
		return nil, hcl.Diagnostics{BadMountCall(call.Name, "takes the mount's "+spec.Labels[0]+" first, as a literal string (as a block label is)", call.Args[0].Range())}
	}
	body := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: call.Range(), EndRange: call.CloseParenRange}
	var diags hcl.Diagnostics
	if len(call.Args) == 2 {
		obj, ok := call.Args[1].(*hclsyntax.ObjectConsExpr)
		if !ok {
			return nil, hcl.Diagnostics{BadMountCall(call.Name, "takes the mount's attributes as an object written in place", call.Args[1].Range())}
		}
		body, diags = objectBody(obj, call.Name+" mount")
	}
	block := &hcl.Block{Type: call.Name, Labels: []string{label}, Body: body,
		DefRange: call.Range(), TypeRange: call.NameRange, LabelRanges: []hcl.Range{call.Args[0].Range()}}
	c, cdiags := bodyContent(body, spec)
	return &mountDecl{kind: MountKind(call.Name), block: block, content: c}, append(diags, cdiags...)
}

// listedMounts are the mounts a run step's mounts attribute lists, in its
// order: mount sets' mounts (set after set, each in the order written) and
// mount calls.
func (e *evaluator) listedMounts(d *decoder, a *hcl.Attribute, calls map[int]*mountDecl) []*mountDecl {
	if x, ok := a.Expr.(hclsyntax.Expression); ok {
		if call, ok := isMountCall(x); ok {
			d.add(WrongType(`The "mounts" attribute`, "a list of mount sets and mounts", "one mount, not in a list: write ["+call.Name+"(...)]", a.Expr.Range()))
			return nil
		}
	}
	if calls == nil {
		return e.setMounts(d, a)
	}
	list := a.Expr.(*hclsyntax.TupleConsExpr)
	var out []*mountDecl
	seen := map[string]bool{}
	for i, x := range list.Exprs {
		if md, ok := calls[i]; ok {
			if md != nil {
				out = append(out, md)
			}
			continue
		}
		v, diags := x.Value(d.ctx)
		d.add(diags...)
		if diags.HasErrors() {
			continue
		}
		out = append(out, e.setOf(d, v, x.Range(), seen)...)
	}
	return out
}

// MountCallDoc says what a mount call is, for the language server.
func MountCallDoc(kind string) string {
	spec := RunSchema.Block(kind)
	if spec == nil || !contains(MountCallKinds, kind) {
		return ""
	}
	return fmt.Sprintf("`%s(%s, { ... })` in a run step's `mounts` list is the block `%s \"%s\" { ... }` on one line, like a Dockerfile's --mount flag: the %s as a literal string, then optionally an object of the block's attributes.\n\n%s",
		kind, spec.Labels[0], kind, spec.Labels[0], spec.Labels[0], spec.Doc)
}

// MountCallLabel is a mount call's kind and label (a secret's or ssh
// agent's name, a path) with the label's range, for tools that find the
// declarations a build uses (lint, the language server): ok is false when
// expr is no mount call with a literal label.
func MountCallLabel(expr hclsyntax.Expression) (kind, label string, rng hcl.Range, ok bool) {
	call, isCall := isMountCall(expr)
	if !isCall || len(call.Args) == 0 {
		return "", "", hcl.Range{}, false
	}
	label, ok = callLabel(call)
	if !ok {
		return "", "", hcl.Range{}, false
	}
	return call.Name, label, call.Args[0].Range(), true
}

// callLabel is the label a mount call with arguments names first, when it
// is a literal string.
func callLabel(call *hclsyntax.FunctionCallExpr) (string, bool) {
	v, diags := call.Args[0].Value(nil)
	if diags.HasErrors() || v.IsNull() || !v.IsKnown() || !v.Type().Equals(cty.String) {
		return "", false
	}
	return v.AsString(), true
}

// objectBody is an object written in place, { NAME = VALUE, ... }, as the
// body of the block it stands for (a mount call's, a healthcheck
// attribute's): its items are the attributes, so the block's schema and
// checks apply to them at their lines. what names the block in errors.
func objectBody(obj *hclsyntax.ObjectConsExpr, what string) (*hclsyntax.Body, hcl.Diagnostics) {
	body := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: obj.SrcRange, EndRange: obj.SrcRange}
	var diags hcl.Diagnostics
	for _, item := range obj.Items {
		name := hcl.ExprAsKeyword(item.KeyExpr)
		if name == "" {
			diags = append(diags, InvalidValue(what, "The object's keys are attribute names, like { readonly = true }.", item.KeyExpr.Range()))
			continue
		}
		if prev := body.Attributes[name]; prev != nil {
			diags = append(diags, InvalidValue(what, fmt.Sprintf("%q is given twice, first at %s; give it once.", name, position(prev.NameRange)), item.KeyExpr.Range()))
			continue
		}
		rng := hcl.RangeBetween(item.KeyExpr.Range(), item.ValueExpr.Range())
		body.Attributes[name] = &hclsyntax.Attribute{Name: name, Expr: item.ValueExpr, SrcRange: rng, NameRange: item.KeyExpr.Range()}
	}
	return body, diags
}

// setMountCalls are the mounts of a mounts block's mounts list, in its
// order: mount calls only, since a set lists mounts, not other sets.
func setMountCalls(a *hcl.Attribute) ([]*mountDecl, hcl.Diagnostics) {
	list, ok := a.Expr.(*hclsyntax.TupleConsExpr)
	if !ok {
		return nil, hcl.Diagnostics{WrongType(`A mounts block's "mounts" attribute`, `a list of mount calls, like [cache("/root/.cache"), tmpfs("/tmp")]`, "an expression", a.Expr.Range())}
	}
	calls, diags := decodeMountCalls(a)
	var out []*mountDecl
	for i, x := range list.Exprs {
		md, isCall := calls[i]
		if !isCall {
			got := "not a mount call"
			if t, ok := x.(*hclsyntax.ScopeTraversalExpr); ok && t.Traversal.RootName() == "mounts" {
				got = "a mount set (a set lists mounts, not other sets: list both sets in the run step)"
			}
			diags = append(diags, WrongType("Each element of a mounts block's mounts", `a mount call like cache("/root/.cache")`, got, x.Range()))
			continue
		}
		if md != nil {
			out = append(out, md)
		}
	}
	return out, diags
}
