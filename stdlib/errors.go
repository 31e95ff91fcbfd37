package stdlib

import (
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
)

// can and try come from HCL because they need the unevaluated expression,
// which only HCL's customdecode extension can hand to a function. They only
// work when called from HCL expressions, not through function.Call.
func errorFuncs() []entry {
	return []entry{
		{name: "can", category: catErrors, fn: describe(tryfunc.CanFunc,
			"Evaluates the expression and returns true if it succeeds, false if it fails. Only errors raised while evaluating the argument itself are caught.",
			"The expression to try.")},
		{name: "try", category: catErrors, returns: "any", fn: describe(tryfunc.TryFunc,
			"Evaluates each expression in turn and returns the value of the first one that succeeds. Fails, listing every error, if none does. Typical use: try(var.cfg.tag, \"latest\").",
			"The expressions to try, in order.")},
	}
}
