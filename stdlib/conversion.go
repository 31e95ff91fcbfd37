package stdlib

import (
	"github.com/zclconf/go-cty/cty"
	ctystdlib "github.com/zclconf/go-cty/cty/function/stdlib"
)

// The to* functions are go-cty's explicit conversions, named as in Terraform;
// they give better errors than the implicit conversions of function calls.
func conversionFuncs() []entry {
	to := func(name string, ty cty.Type, desc string) entry {
		return entry{name: name, category: catConversion,
			fn: describe(ctystdlib.MakeToFunc(ty), desc, "The value to convert.")}
	}
	return []entry{
		to("tobool", cty.Bool, `Converts a value to a bool; the strings "true" and "false" convert. Null stays null.`),
		to("tolist", cty.List(cty.DynamicPseudoType), "Converts a tuple or set to a list; all elements must convert to one common type. Null stays null."),
		to("tomap", cty.Map(cty.DynamicPseudoType), "Converts an object to a map; all attribute values must convert to one common type. Null stays null."),
		to("tonumber", cty.Number, `Converts a value to a number; strings such as "42" or "1.5" convert. Null stays null.`),
		to("toset", cty.Set(cty.DynamicPseudoType), "Converts a list or tuple to a set, dropping duplicates and order; all elements must convert to one common type. Null stays null."),
		to("tostring", cty.String, "Converts a number or bool to its string form; strings pass through. Null stays null."),
	}
}
