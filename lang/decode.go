package lang

import (
	"fmt"
	chmodmode "github.com/tonistiigi/dchapes-mode"
	"sort"
	"strconv"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// sensitiveMark marks values derived from sensitive variables; cty carries
// it through every expression and function call.
type marker string

const sensitiveMark = marker("sensitive")

// decoder evaluates attributes into Go values, collecting diagnostics so a
// body's decoding reports every problem rather than stopping at the first.
type decoder struct {
	ctx   *hcl.EvalContext
	what  string // the block being decoded, for messages: `target "app"`
	diags hcl.Diagnostics
	// bud is the budget ctx's functions charge, which lets the fast paths
	// of fasteval.go read templates; nil leaves templates to HCL. merge is
	// ctx's metered merge function, for them too; nil leaves merge to HCL.
	// replace is ctx's metered replace, read in strings; nil leaves it to
	// HCL.
	bud            *budget
	merge, replace *function.Function
}

func (d *decoder) add(diags ...*hcl.Diagnostic) { d.diags = append(d.diags, diags...) }

// value evaluates an attribute. It returns cty.NilVal when the attribute is
// absent or its evaluation failed (the failure is already reported), so
// callers only ever see usable values. Sensitive values are rejected here,
// once, for every attribute that flows into the build graph or image.
func (d *decoder) value(a *hcl.Attribute) cty.Value {
	if a == nil {
		return cty.NilVal
	}
	if v, ok := literalString(a.Expr); ok {
		return v
	}
	var v cty.Value
	var diags hcl.Diagnostics
	if x, ok := a.Expr.(*hclsyntax.ScopeTraversalExpr); ok && d.ctx != nil {
		// cache.ci, target.base: a traversal HCL would follow without
		// diagnostics (fasteval.go) is followed once, whatever its type.
		if v, ok = fastTraverse(x.Traversal, d.ctx); !ok {
			v, diags = evaluate(a.Expr, d.ctx)
		}
	} else if s, ok := fastStringCalls(a.Expr, d.ctx, d.bud, d.replace); ok {
		return cty.StringVal(s)
	} else {
		v, diags = evaluate(a.Expr, d.ctx)
	}
	d.add(diags...)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return cty.NilVal
	}
	if v.ContainsMarked() {
		// The value goes no further: a later check (a port, a platform)
		// would print it in its own error.
		d.add(SensitiveValue(a.Name, a.Expr.Range()))
		return cty.NilVal
	}
	return v
}

// evaluate is expr.Value(ctx). A string written without interpolation,
// or a list of them, is most of a build's attributes ("alpine:3.20",
// ["/out/app"]); its value is the literal's, which HCL's template
// evaluation would copy, normalize and refine again for every target.
func evaluate(expr hcl.Expression, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	if v, ok := literalString(expr); ok {
		return v, nil
	}
	if t, ok := expr.(*hclsyntax.TupleConsExpr); ok && len(t.Exprs) > 0 {
		vals := make([]cty.Value, len(t.Exprs))
		for i, x := range t.Exprs {
			v, ok := literalString(x)
			if !ok {
				return expr.Value(ctx)
			}
			vals[i] = v
		}
		return cty.TupleVal(vals), nil
	}
	return expr.Value(ctx)
}

// literalString is the value of a quoted string without interpolations.
func literalString(expr hcl.Expression) (cty.Value, bool) {
	t, ok := expr.(*hclsyntax.TemplateExpr)
	if !ok || len(t.Parts) != 1 {
		return cty.NilVal, false
	}
	lit, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok || lit.Val.Type() != cty.String || lit.Val.IsNull() || !lit.Val.IsKnown() || lit.Val.IsMarked() {
		return cty.NilVal, false
	}
	return lit.Val, true
}

func (d *decoder) convert(a *hcl.Attribute, v cty.Value, want cty.Type, wantName string) cty.Value {
	if v == cty.NilVal {
		return cty.NilVal
	}
	if v.IsNull() {
		return cty.NilVal
	}
	if want == cty.Number {
		if err := checkNumberString(v); err != nil {
			d.add(InvalidValue("number", fmt.Sprintf("The %q attribute must be a number, but this is %s.", a.Name, err), a.Expr.Range()))
			return cty.NilVal
		}
	}
	if out, ok := fastConvert(v, want); ok {
		return out
	}
	out, err := convert.Convert(v, want)
	if err != nil {
		d.add(WrongType(fmt.Sprintf("The %q attribute", a.Name), wantName, typeName(v), a.Expr.Range()))
		return cty.NilVal
	}
	return out
}

func (d *decoder) str(a *hcl.Attribute) string {
	if a == nil {
		return ""
	}
	if s, ok := fastStringCalls(a.Expr, d.ctx, d.bud, d.replace); ok {
		return s
	}
	v := d.convert(a, d.value(a), cty.String, "a string")
	if v == cty.NilVal {
		return ""
	}
	return v.AsString()
}

func (d *decoder) boolean(a *hcl.Attribute, dflt bool) bool {
	v := d.convert(a, d.value(a), cty.Bool, "a bool (true or false)")
	if v == cty.NilVal {
		return dflt
	}
	return v.True()
}

func (d *decoder) integer(a *hcl.Attribute, dflt int) int {
	v := d.convert(a, d.value(a), cty.Number, "a number")
	if v == cty.NilVal {
		return dflt
	}
	bf := v.AsBigFloat()
	if !bf.IsInt() {
		d.add(InvalidValue("number", fmt.Sprintf("The %q attribute must be a whole number.", a.Name), a.Expr.Range()))
		return dflt
	}
	n, _ := bf.Int64()
	return int(n)
}

// strList decodes a list of strings; an explicitly empty list gives a
// non-nil empty slice so "clear" and "unset" stay different.
func (d *decoder) strList(a *hcl.Attribute) []string {
	if a == nil {
		return nil
	}
	if l, ok := fastStrList(a.Expr, d.ctx, d.bud); ok {
		return l
	}
	return d.strListValue(a, d.value(a))
}

func (d *decoder) strListValue(a *hcl.Attribute, v cty.Value) []string {
	if !allStrings(v, true) {
		v = d.convert(a, v, cty.List(cty.String), "a list of strings")
	}
	if v == cty.NilVal {
		return nil
	}
	out := make([]string, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			d.add(InvalidValue("list", fmt.Sprintf("The %q attribute must not contain null.", a.Name), a.Expr.Range()))
			continue
		}
		out = append(out, e.AsString())
	}
	return out
}

func (d *decoder) strMap(a *hcl.Attribute) map[string]string {
	if a == nil {
		return nil
	}
	if m, ok := fastStrMap(a.Expr, d.ctx, d.bud, d.merge); ok {
		return m
	}
	v := d.value(a)
	if !allStrings(v, false) {
		v = d.convert(a, v, cty.Map(cty.String), "an object of strings")
	}
	if v == cty.NilVal {
		return nil
	}
	out := make(map[string]string, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if e.IsNull() {
			continue
		}
		out[k.AsString()] = e.AsString()
	}
	return out
}

// enum decodes a string that must be one of allowed.
func (d *decoder) enum(a *hcl.Attribute, allowed []string) string {
	s := d.str(a)
	if s == "" {
		return ""
	}
	for _, x := range allowed {
		if s == x {
			return s
		}
	}
	d.add(NotAllowed(a.Name, s, allowed, a.Expr.Range()))
	return ""
}

// mode decodes an octal file mode written as a string ("0755") or a number
// (493); -1 when unset.
func (d *decoder) mode(a *hcl.Attribute) int {
	v := d.value(a)
	if v == cty.NilVal || v.IsNull() {
		return -1
	}
	if v.Type() == cty.Number {
		return d.integer(a, -1)
	}
	if v.Type() != cty.String {
		d.add(WrongType(fmt.Sprintf("The %q attribute", a.Name), "an octal mode string like \"0755\"", typeName(v), a.Expr.Range()))
		return -1
	}
	s := d.convert(a, v, cty.String, "an octal mode string like \"0755\"")
	if s == cty.NilVal {
		return -1
	}
	n, err := strconv.ParseUint(s.AsString(), 8, 32)
	if err != nil || n > 07777 {
		d.add(InvalidValue("mode", fmt.Sprintf("%q is not an octal file mode; write it like \"0755\".", s.AsString()), a.Expr.Range()))
		return -1
	}
	return int(n)
}

// chmod decodes a copy's chmod: an octal mode (returned as a number, the
// string "") or a symbolic one like "u+x,go-w" (returned as the string,
// the number -1), which BuildKit applies to each file as chmod(1) does.
func (d *decoder) chmod(a *hcl.Attribute) (int, string) {
	v := d.value(a)
	if v == cty.NilVal || v.IsNull() || v.Type() != cty.String {
		return d.mode(a), ""
	}
	s := v.AsString()
	if _, err := strconv.ParseUint(s, 8, 32); err == nil || s == "" || s[0] >= '0' && s[0] <= '9' {
		return d.mode(a), ""
	}
	if _, err := chmodmode.Parse(s); err != nil {
		d.add(InvalidValue("mode", fmt.Sprintf("%q is neither an octal mode like \"0755\" nor a symbolic one like \"u+x\" or \"go-w,a+r\": %s.", s, err), a.Expr.Range()))
		return -1, ""
	}
	return -1, s
}

func (d *decoder) duration(a *hcl.Attribute) int64 {
	s := d.str(a)
	if s == "" {
		return 0
	}
	dur, err := time.ParseDuration(s)
	if err != nil || dur < 0 {
		d.add(InvalidValue("duration", fmt.Sprintf("%q is not a duration; write it like \"30s\" or \"1m30s\".", s), a.Expr.Range()))
		return 0
	}
	return int64(dur)
}

// elemRange is the range of the i-th element of a list attribute written
// as a literal list of n elements, so an error about one element points at
// it (and two bad elements are two errors); otherwise the whole
// expression's range.
// elemExpr is the expression of element i of n of a list literal, or nil.
func elemExpr(a *hcl.Attribute, i, n int) hcl.Expression {
	if t, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok && len(t.Exprs) == n && i < n {
		return t.Exprs[i]
	}
	return nil
}

func elemRange(a *hcl.Attribute, i, n int) hcl.Range {
	if t, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok && len(t.Exprs) == n && i < n {
		return t.Exprs[i].Range()
	}
	return a.Expr.Range()
}

// required reports attributes the spec marks required but the body lacks,
// except those HCL already reported as misspelt. body may be nil.
func (d *decoder) required(spec *BlockSpec, attrs hcl.Attributes, subject hcl.Range, body hcl.Body) {
	for _, as := range spec.Attrs {
		if as.Required && attrs[as.Name] == nil && !misspelt(body, spec, as.Name) {
			d.add(MissingAttribute(d.what, as.Name, subject))
		}
	}
}

// misspelt says whether body has an attribute the schema does not know
// whose closest schema attribute is name. HCL has reported it already
// ("Unsupported argument ... Did you mean name?"), so reporting name as
// missing too would say the same thing twice.
func misspelt(body hcl.Body, spec *BlockSpec, name string) bool {
	sb, ok := body.(*hclsyntax.Body)
	if !ok || spec.Open {
		return false
	}
	known := make([]string, len(spec.Attrs))
	for i, a := range spec.Attrs {
		known[i] = a.Name
	}
	for n := range sb.Attributes {
		if spec.Attr(n) == nil && suggest(n, known) == name {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// allStrings says whether v is a known, unmarked tuple (list true) or
// object (list false) whose elements are all strings: what the literals of
// most attributes are, which need no conversion (cty's builds a new value,
// a cost each target pays for each attribute).
func allStrings(v cty.Value, list bool) bool {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.IsMarked() {
		return false
	}
	t := v.Type()
	var elems []cty.Type
	switch {
	case list && t.IsTupleType():
		elems = t.TupleElementTypes()
	case !list && t.IsObjectType():
		for _, at := range t.AttributeTypes() {
			if at != cty.String {
				return false
			}
		}
		return true
	default:
		return false
	}
	for _, e := range elems {
		if e != cty.String {
			return false
		}
	}
	return true
}
