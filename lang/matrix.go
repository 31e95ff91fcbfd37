package lang

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// matrixCombos evaluates a matrix attribute into its combinations, each an
// object from key to value: the cartesian product of the dimensions in the
// order written, minus `exclude`, plus `include`.
func (e *evaluator) matrixCombos(a *hcl.Attribute, ctx *hcl.EvalContext) ([]cty.Value, []string, hcl.Diagnostics) {
	d := &decoder{ctx: ctx, what: "matrix"}
	v := d.value(a)
	if v == cty.NilVal {
		return nil, nil, d.diags
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		return nil, nil, hcl.Diagnostics{WrongType("A matrix", "an object of lists, like { go = [\"1.22\", \"1.23\"] }", typeName(v), a.Expr.Range())}
	}
	rng := a.Expr.Range()
	dims := map[string][]cty.Value{}
	var excludes, includes []cty.Value
	for k, x := range v.AsValueMap() {
		if !x.CanIterateElements() || x.Type().IsObjectType() || x.Type().IsMapType() {
			return nil, nil, hcl.Diagnostics{WrongType(fmt.Sprintf("Matrix key %q", k), "a list", typeName(x), matrixItemRange(a, k))}
		}
		var vals []cty.Value
		for it := x.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			vals = append(vals, ev)
		}
		switch k {
		case "exclude":
			excludes = vals
		case "include":
			includes = vals
		default:
			if len(vals) == 0 {
				return nil, nil, hcl.Diagnostics{InvalidValue("matrix", fmt.Sprintf("Matrix key %q has no values, so the matrix has no combinations.", k), matrixItemRange(a, k))}
			}
			dims[k] = vals
		}
	}
	keys := matrixKeyOrder(a.Expr, dims)
	if diags := append(unknownEntryKeys(a, "exclude", excludes, keys), unknownEntryKeys(a, "include", includes, keys)...); diags != nil {
		return nil, nil, diags
	}
	total := big.NewInt(1)
	for _, k := range keys {
		total.Mul(total, big.NewInt(int64(len(dims[k]))))
	}
	total.Add(total, big.NewInt(int64(len(includes))))
	if total.Cmp(big.NewInt(int64(e.limits.MaxMatrix))) > 0 {
		return nil, nil, hcl.Diagnostics{LimitExceeded("matrix combinations", e.limits.MaxMatrix,
			fmt.Sprintf("This matrix has %s combinations.", total.String()), rng)}
	}
	var combos []cty.Value
	product(keys, dims, map[string]cty.Value{}, func(c map[string]cty.Value) {
		obj := cty.ObjectVal(copyMap(c))
		for _, ex := range excludes {
			if matches(obj, ex) {
				return
			}
		}
		combos = append(combos, obj)
	})
	for _, inc := range includes {
		if !inc.Type().IsObjectType() && !inc.Type().IsMapType() {
			return nil, nil, hcl.Diagnostics{WrongType("Each matrix include", "an object giving a value for every key", typeName(inc), matrixItemRange(a, "include"))}
		}
		m := inc.AsValueMap()
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				return nil, nil, hcl.Diagnostics{InvalidValue("matrix include", fmt.Sprintf("An include entry lacks key %q; give a value for every matrix key.", k), matrixItemRange(a, "include"))}
			}
		}
		combos = append(combos, cty.ObjectVal(m))
	}
	// (d.diags has the error of a sensitive value, which value() unmarks.)
	return combos, keys, d.diags
}

// matrixItemRange is the range of one key's value in a matrix written as
// an object literal, else of the whole matrix expression.
func matrixItemRange(a *hcl.Attribute, key string) hcl.Range {
	if obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
		for _, item := range obj.Items {
			if hcl.ExprAsKeyword(item.KeyExpr) == key {
				return item.ValueExpr.Range()
			}
		}
	}
	return a.Expr.Range()
}

// unknownEntryKeys reports the keys of exclude or include entries that are
// not keys of the matrix: a misspelt exclude would exclude nothing.
func unknownEntryKeys(a *hcl.Attribute, entry string, entries []cty.Value, keys []string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for i, ev := range entries {
		if !ev.Type().IsObjectType() && !ev.Type().IsMapType() {
			continue // reported as the entry's type
		}
		for _, k := range sortedKeys(ev.AsValueMap()) {
			if !contains(keys, k) {
				diags = append(diags, UnknownMatrixEntryKey(entry, k, keys, matrixEntryKeyRange(a, entry, i, k)))
			}
		}
	}
	return diags
}

// matrixEntryKeyRange is the range of key k in entry i of a matrix's
// exclude or include list, when they are written as literals, else the
// closest range that is.
func matrixEntryKeyRange(a *hcl.Attribute, entry string, i int, k string) hcl.Range {
	obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return a.Expr.Range()
	}
	for _, item := range obj.Items {
		if hcl.ExprAsKeyword(item.KeyExpr) != entry {
			continue
		}
		list, ok := item.ValueExpr.(*hclsyntax.TupleConsExpr)
		if !ok || i >= len(list.Exprs) {
			return item.ValueExpr.Range()
		}
		eobj, ok := list.Exprs[i].(*hclsyntax.ObjectConsExpr)
		if !ok {
			return list.Exprs[i].Range()
		}
		for _, it := range eobj.Items {
			if objectKey(it.KeyExpr) == k {
				return it.KeyExpr.Range()
			}
		}
		return eobj.Range()
	}
	return a.Expr.Range()
}

// objectKey is an object literal item's key when it is a name or a
// literal string.
func objectKey(x hcl.Expression) string {
	if k := hcl.ExprAsKeyword(x); k != "" {
		return k
	}
	if v, diags := x.Value(nil); !diags.HasErrors() && v.Type() == cty.String {
		return v.AsString()
	}
	return ""
}

func product(keys []string, dims map[string][]cty.Value, cur map[string]cty.Value, emit func(map[string]cty.Value)) {
	if len(keys) == 0 {
		emit(cur)
		return
	}
	for _, v := range dims[keys[0]] {
		cur[keys[0]] = v
		product(keys[1:], dims, cur, emit)
	}
	delete(cur, keys[0])
}

func copyMap(m map[string]cty.Value) map[string]cty.Value {
	out := make(map[string]cty.Value, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// matches says whether a combination has every value an exclude entry names.
func matches(combo, ex cty.Value) bool {
	if !ex.Type().IsObjectType() && !ex.Type().IsMapType() {
		return false
	}
	for k, want := range ex.AsValueMap() {
		if !combo.Type().HasAttribute(k) || !combo.GetAttr(k).Equals(want).True() {
			return false
		}
	}
	return true
}

// matrixKeyOrder is the order keys were written in, when the matrix is an
// object literal, else alphabetical; it fixes instance order and names.
func matrixKeyOrder(expr hcl.Expression, dims map[string][]cty.Value) []string {
	var keys []string
	if obj, ok := expr.(*hclsyntax.ObjectConsExpr); ok {
		for _, item := range obj.Items {
			k := hcl.ExprAsKeyword(item.KeyExpr)
			if k == "" {
				if kv, diags := item.KeyExpr.Value(nil); !diags.HasErrors() && kv.Type() == cty.String {
					k = kv.AsString()
				}
			}
			if _, ok := dims[k]; ok {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) != len(dims) {
		keys = sortedKeys(dims)
	}
	return keys
}

// comboKeys lists a combination's keys in the object's attribute order
// (alphabetical), used for default names of included combinations.
func comboKeys(combo cty.Value) []string {
	var keys []string
	for k := range combo.Type().AttributeTypes() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func valueLabel(v cty.Value) string {
	switch {
	case v.IsNull():
		return "null"
	case v.Type() == cty.String:
		return v.AsString()
	case v.Type() == cty.Number:
		if bf := v.AsBigFloat(); bf.IsInt() {
			if n, acc := bf.Int64(); acc == big.Exact {
				return strconv.FormatInt(n, 10)
			}
		}
		return v.AsBigFloat().Text('f', -1)
	case v.Type() == cty.Bool:
		return fmt.Sprint(v.True())
	}
	return "x"
}

func showCombo(v cty.Value) string {
	var parts []string
	for _, k := range comboKeys(v) {
		parts = append(parts, k+"="+valueLabel(v.GetAttr(k)))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// sanitizeName makes a default instance name valid: every character other
// than letters, digits, '_', '-' and '.' becomes '-'.
func sanitizeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	return string(b)
}

func validInstanceName(s string) bool {
	if s == "" || s[0] == '-' || s[0] == '.' {
		return false
	}
	return sanitizeName(s) == s
}
