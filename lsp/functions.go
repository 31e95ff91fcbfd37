package lsp

import (
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// funcDoc documents one function a build file can call: from stdlib.Docs,
// from the source helpers' Specs, or from a user function block.
type funcDoc struct {
	name        string
	signature   string // e.g. "join(separator string, lists ...list(string)) string"
	description string
	params      []stdlib.ParamDoc
	kind        string // "stdlib", "source" or "user"
	decl        *hcl.Range
}

var builtinDocs = sync.OnceValue(func() []funcDoc {
	var out []funcDoc
	for _, d := range stdlib.Docs() {
		out = append(out, funcDoc{name: d.Name, signature: d.Signature, description: d.Description, params: d.Params, kind: "stdlib"})
	}
	for _, name := range lang.SourceFunctionNames {
		f, ok := lang.SourceFunction(name)
		if !ok {
			continue
		}
		d := funcDoc{name: name, description: f.Description(), kind: "source"}
		var sig []string
		for _, p := range f.Params() {
			ty := typeexpr.TypeString(p.Type)
			d.params = append(d.params, stdlib.ParamDoc{Name: p.Name, Type: ty, Description: p.Description})
			sig = append(sig, p.Name+" "+ty)
		}
		if vp := f.VarParam(); vp != nil {
			ty := typeexpr.TypeString(vp.Type)
			d.params = append(d.params, stdlib.ParamDoc{Name: vp.Name, Type: "optional " + ty, Description: vp.Description})
			sig = append(sig, "["+vp.Name+" "+ty+"]")
		}
		d.signature = fmt.Sprintf("%s(%s) source", name, strings.Join(sig, ", "))
		out = append(out, d)
	}
	return out
})

// functions lists every function callable in build b: stdlib, source
// helpers and b's user functions.
func functions(b *buildInfo) []funcDoc {
	out := append([]funcDoc(nil), builtinDocs()...)
	if b == nil {
		return out
	}
	for _, p := range b.order {
		body, ok := b.files[p].file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, blk := range body.Blocks {
			if blk.Type != "function" || len(blk.Labels) == 0 {
				continue
			}
			out = append(out, userFuncDoc(blk))
		}
	}
	return out
}

func userFuncDoc(blk *hclsyntax.Block) funcDoc {
	d := funcDoc{name: blk.Labels[0], kind: "user", decl: blk.LabelRanges[0].Ptr()}
	var sig []string
	if a := blk.Body.Attributes["params"]; a != nil {
		exprs, _ := hcl.ExprList(a.Expr)
		for _, x := range exprs {
			if n := hcl.ExprAsKeyword(x); n != "" {
				d.params = append(d.params, stdlib.ParamDoc{Name: n, Type: "any"})
				sig = append(sig, n)
			}
		}
	}
	if a := blk.Body.Attributes["variadic_param"]; a != nil {
		if n := hcl.ExprAsKeyword(a.Expr); n != "" {
			d.params = append(d.params, stdlib.ParamDoc{Name: n, Type: "...any"})
			sig = append(sig, n+" ...")
		}
	}
	d.signature = fmt.Sprintf("%s(%s)", d.name, strings.Join(sig, ", "))
	d.description = "User function declared at " + blk.LabelRanges[0].String() + "."
	return d
}

// lookupFunction finds a function by name.
func lookupFunction(b *buildInfo, name string) *funcDoc {
	for _, d := range functions(b) {
		if d.name == name {
			return &d
		}
	}
	return nil
}

// markdown documents a function for hover and completion.
func (d funcDoc) markdown() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "```hcl\n%s\n```\n\n%s", d.signature, d.description)
	if len(d.params) > 0 {
		sb.WriteString("\n")
	}
	for _, p := range d.params {
		fmt.Fprintf(&sb, "\n- `%s` (%s)", p.Name, p.Type)
		if p.Description != "" {
			sb.WriteString(": " + p.Description)
		}
	}
	return sb.String()
}

// showValue renders a value compactly, as HCL would write it; sensitive
// values are hidden and long ones cut.
func showValue(v cty.Value) string {
	if v.IsMarked() || v.ContainsMarked() {
		return "(sensitive)"
	}
	s := renderValue(v, 0)
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

func renderValue(v cty.Value, depth int) string {
	switch {
	case v == cty.NilVal:
		return "(none)"
	case !v.IsKnown():
		return "(known when built)"
	case v.IsNull():
		return "null"
	case depth > 4:
		return "..."
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return fmt.Sprintf("%q", v.AsString())
	case t == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case t == cty.Bool:
		return fmt.Sprint(v.True())
	case t.IsCapsuleType():
		return v.GoString()
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		var parts []string
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			parts = append(parts, renderValue(e, depth+1))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case t.IsMapType() || t.IsObjectType():
		var parts []string
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			parts = append(parts, k.AsString()+" = "+renderValue(e, depth+1))
		}
		if len(parts) == 0 {
			return "{}"
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return v.GoString()
}
