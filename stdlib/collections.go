package stdlib

import (
	"errors"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	ctystdlib "github.com/zclconf/go-cty/cty/function/stdlib"
)

func collectionFuncs() []entry {
	c := func(name string, fn function.Function, returns string) entry {
		return entry{name: name, category: catCollections, fn: fn, returns: returns}
	}
	const (
		aList = "The list or tuple."
		aSet  = "A set (lists and tuples are converted)."
		more  = "More sets."
	)
	return []entry{
		c("chunklist", describe(ctystdlib.ChunklistFunc, "", "", ""), ""),
		c("coalesce", describe(ctystdlib.CoalesceFunc,
			"Returns the first argument that is not null; all arguments must convert to one common type. Fails if all are null.",
			"The candidate values, in order of preference."), "any"),
		c("coalescelist", describe(ctystdlib.CoalesceListFunc, "", ""), "list"),
		c("compact", describe(ctystdlib.CompactFunc, "Removes empty and null strings from a list of strings.", "The list of strings."), ""),
		c("concat", describe(ctystdlib.ConcatFunc, "", "The lists or tuples to concatenate."), "list"),
		c("contains", describe(ctystdlib.ContainsFunc, "", "The list, tuple or set to search.", "The value to look for."), "bool"),
		c("distinct", describe(ctystdlib.DistinctFunc, "", "The list."), ""),
		c("element", describe(ctystdlib.ElementFunc,
			"Returns the element at the given index of a list or tuple; an index past the end wraps around (modulo the length).",
			aList, "The zero-based index."), "any"),
		c("flatten", describe(ctystdlib.FlattenFunc,
			"Replaces any nested lists, sets or tuples in the argument by their elements, recursively, giving one flat sequence.",
			"The list, set or tuple to flatten."), "list"),
		c("hasindex", describe(ctystdlib.HasIndexFunc,
			"Returns true if collection[key] would succeed: the key exists in a map or object, or the index is in range for a list or tuple.",
			"The list, tuple, map or object.", "The index or key to test."), "bool"),
		c("index", indexFunc, ""),
		c("keys", describe(ctystdlib.KeysFunc, "Returns the keys of a map, or the attribute names of an object, in lexicographic order.", "The map or object."), "list(string)"),
		c("length", describe(ctystdlib.LengthFunc,
			"Returns the number of elements of a list, set, tuple or map, or the number of attributes of an object. For strings use strlen.",
			"The collection."), ""),
		c("lookup", describe(ctystdlib.LookupFunc, "", "The map or object.", "The key to look up.", "The value to return when the key is absent."), "any"),
		c("merge", describe(ctystdlib.MergeFunc,
			"Merges maps or objects into one; when a key appears more than once, the last argument wins.",
			"The maps or objects to merge."), "map or object"),
		c("range", describe(ctystdlib.RangeFunc,
			"Returns a list of numbers: range(limit) counts from 0, range(start, limit) from start, range(start, limit, step) by step; limit is excluded.",
			"One to three numbers: [start,] limit [, step]."), ""),
		c("reverse", describe(ctystdlib.ReverseListFunc, "", aList), "list"),
		c("sethaselement", describe(ctystdlib.SetHasElementFunc, "", "The set.", "The element to look for."), "bool"),
		c("setintersection", describe(ctystdlib.SetIntersectionFunc, "Returns the elements present in every given set.", aSet, more), ""),
		c("setproduct", describe(ctystdlib.SetProductFunc,
			"Returns the cartesian product of the given sets, lists or tuples: every combination taking one element from each. With only lists as arguments the result is an ordered list.",
			"Two or more sets, lists or tuples."), "list or set"),
		c("setsubtract", describe(ctystdlib.SetSubtractFunc, "Returns the elements of the first set that are not in the second.", aSet, "The set of elements to remove."), ""),
		c("setsymmetricdifference", describe(ctystdlib.SetSymmetricDifferenceFunc, "Returns the elements present in exactly one of the given sets.", aSet, more), ""),
		c("setunion", describe(ctystdlib.SetUnionFunc, "Returns the elements present in any of the given sets.", aSet, more), ""),
		c("slice", describe(ctystdlib.SliceFunc,
			"Returns the elements of a list or tuple from start_index (inclusive) to end_index (exclusive).",
			aList, "The first index to include.", "The first index to exclude."), "list"),
		c("sort", describe(ctystdlib.SortFunc, "Sorts a list of strings lexicographically.", "The list of strings."), ""),
		c("values", describe(ctystdlib.ValuesFunc, "", "The map or object."), "list"),
		c("zipmap", describe(ctystdlib.ZipmapFunc, "", "The keys.", "The values, as many as keys."), "map or object"),
	}
}

// indexFunc is Terraform's index(list, value), the position of a value; go-cty
// names its key-lookup function "index", but that duplicates the collection[key]
// syntax, so buildlang follows Terraform, whose meaning users already know.
var indexFunc = function.New(&function.Spec{
	Description: "Returns the zero-based position of the first element of a list or tuple equal to the given value. Fails if the value is not present.",
	Params: []function.Parameter{
		{Name: "list", Type: cty.DynamicPseudoType, AllowDynamicType: true, Description: "The list or tuple to search."},
		{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, Description: "The value to look for."},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		if !ty.IsListType() && !ty.IsTupleType() && ty != cty.DynamicPseudoType {
			return cty.NilType, function.NewArgErrorf(0, "must be a list or tuple, not %s", ty.FriendlyName())
		}
		return cty.Number, nil
	},
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		list, value := args[0], args[1]
		if !list.IsWhollyKnown() || !value.IsWhollyKnown() {
			// An unknown element could be the match; the position is not
			// knowable yet.
			return cty.UnknownVal(cty.Number), nil
		}
		i := 0
		for it := list.ElementIterator(); it.Next(); i++ {
			_, v := it.Element()
			if v.Type().Equals(value.Type()) && v.Equals(value).True() {
				return cty.NumberIntVal(int64(i)), nil
			}
		}
		return cty.NilVal, function.NewArgError(1, errors.New("value not found in the list"))
	},
})
