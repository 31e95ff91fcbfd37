package stdlib

import (
	"fmt"

	"github.com/zclconf/go-cty/cty/function"
)

// entry is one registered function together with what Docs needs beyond its
// Spec: the category, and a return type for functions whose result type
// depends on their arguments (the Spec's Type callback cannot say that).
type entry struct {
	name     string
	category string
	fn       function.Function
	// returns overrides the documented return type; empty means "derive it
	// from the Spec by calling ReturnType with the parameter types".
	returns string
	// optional marks a VarParam that accepts at most one argument, so the
	// signature shows it as an optional parameter rather than a variadic one.
	optional bool
}

// Category names, in the order Docs and spec/stdlib.md present them.
const (
	catStrings     = "strings"
	catCollections = "collections"
	catNumeric     = "numeric"
	catEncoding    = "encoding"
	catConversion  = "conversion"
	catErrors      = "errors"
	catDatetime    = "datetime"
	catSemver      = "semver"
	catPlatform    = "platform"
	catPaths       = "paths"
	catHashing     = "hashing"
)

var categoryOrder = []string{
	catStrings, catCollections, catNumeric, catEncoding, catConversion,
	catErrors, catDatetime, catSemver, catPlatform, catPaths, catHashing,
}

// registry is built once; function.Function values are immutable, so sharing
// them between the maps Functions returns is safe.
var registry = buildRegistry()

func buildRegistry() []entry {
	var all []entry
	for _, group := range [][]entry{
		stringFuncs(), collectionFuncs(), numericFuncs(), encodingFuncs(),
		conversionFuncs(), errorFuncs(), datetimeFuncs(), semverFuncs(),
		platformFuncs(), pathFuncs(), hashingFuncs(),
	} {
		all = append(all, group...)
	}
	seen := map[string]bool{}
	for _, e := range all {
		if seen[e.name] {
			panic(fmt.Sprintf("stdlib: function %q registered twice", e.name))
		}
		seen[e.name] = true
	}
	return all
}

// Functions returns every function callable in a build file, by name. Each
// call returns a fresh map the caller may extend (lang adds user-defined
// functions to it).
func Functions() map[string]function.Function {
	m := make(map[string]function.Function, len(registry))
	for _, e := range registry {
		m[e.name] = e.fn
	}
	return m
}

// describe returns f with its description and parameter descriptions
// replaced. An empty string keeps what f already has, so the table only
// needs to fill gaps in go-cty's own Specs. params must have one entry per
// positional parameter plus one for the VarParam, if any.
func describe(f function.Function, desc string, params ...string) function.Function {
	if desc == "" {
		desc = f.Description()
	}
	ps := f.Params()
	want := len(ps)
	vp := f.VarParam()
	if vp != nil {
		want++
	}
	if len(params) != want {
		panic(fmt.Sprintf("stdlib: describe: got %d parameter descriptions, want %d", len(params), want))
	}
	out := make([]string, want)
	for i := range out {
		out[i] = params[i]
		if out[i] != "" {
			continue
		}
		if i < len(ps) {
			out[i] = ps[i].Description
		} else {
			out[i] = vp.Description
		}
	}
	return f.WithNewDescriptions(desc, out)
}
