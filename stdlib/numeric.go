package stdlib

import (
	"github.com/zclconf/go-cty/cty/function"
	ctystdlib "github.com/zclconf/go-cty/cty/function/stdlib"
)

// The arithmetic functions duplicate the + - * / % operators; they are kept
// (as bake does) because they compose with formatlist and friends.
func numericFuncs() []entry {
	n := func(name string, fn function.Function) entry {
		return entry{name: name, category: catNumeric, fn: fn}
	}
	const (
		num  = "The number."
		numA = "The first number."
		numB = "The second number."
		nums = "The numbers; at least one."
	)
	return []entry{
		n("abs", describe(ctystdlib.AbsoluteFunc, "Returns the absolute value of the number.", num)),
		n("add", describe(ctystdlib.AddFunc, "Returns a + b.", numA, numB)),
		n("ceil", describe(ctystdlib.CeilFunc, "", num)),
		n("divide", describe(ctystdlib.DivideFunc, "Returns a / b. Fails when b is zero.", "The dividend.", "The divisor.")),
		n("floor", describe(ctystdlib.FloorFunc, "", num)),
		n("int", describe(ctystdlib.IntFunc, "Truncates the number towards zero, discarding any fractional part.", num)),
		n("log", describe(ctystdlib.LogFunc, "", num, "The base.")),
		n("max", describe(ctystdlib.MaxFunc, "Returns the greatest of the given numbers; expand a list with max(list...).", nums)),
		n("min", describe(ctystdlib.MinFunc, "Returns the smallest of the given numbers; expand a list with min(list...).", nums)),
		n("modulo", describe(ctystdlib.ModuloFunc, "Returns the remainder of a / b (a % b).", "The dividend.", "The divisor.")),
		n("multiply", describe(ctystdlib.MultiplyFunc, "Returns a * b.", numA, numB)),
		n("negate", describe(ctystdlib.NegateFunc, "Returns -num.", num)),
		{name: "parseint", category: catNumeric, returns: "number", fn: describe(ctystdlib.ParseIntFunc,
			"Parses a string as a whole number in the given base (2 to 62). Fails on characters invalid in that base.",
			"The string to parse.", "The base, 2 to 62.")},
		n("pow", describe(ctystdlib.PowFunc, "", "The base.", "The exponent.")),
		n("signum", describe(ctystdlib.SignumFunc, "", num)),
		n("subtract", describe(ctystdlib.SubtractFunc, "Returns a - b.", numA, numB)),
	}
}
