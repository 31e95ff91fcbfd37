package lang

import (
	"fmt"
	"maps"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang/internal/walk"
	"github.com/org/buildlang/stdlib"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// pureFunctions are the stdlib plus the source helpers: everything callable
// before user functions exist (in include and environment expressions).
func pureFunctions() map[string]function.Function {
	pureOnce.Do(func() {
		pure = stdlib.Functions()
		for name, f := range sourceFunctions {
			pure[name] = f
		}
	})
	return maps.Clone(pure)
}

var (
	pureOnce sync.Once
	pure     map[string]function.Function
)

// SourceFunctionDocs documents the source helpers for spec/ and the
// language server, in the order the spec lists them.
var SourceFunctionNames = []string{"image", "git", "http", "local"}

// SourceFunction returns the source helper with the given name, so the
// language server can document it from its Spec as stdlib.Docs does.
func SourceFunction(name string) (function.Function, bool) {
	f, ok := sourceFunctions[name]
	return f, ok
}

var sourceFunctions = map[string]function.Function{
	"image": function.New(&function.Spec{
		Description: "A container image as a source, e.g. image(\"alpine:3.20\").",
		Params:      []function.Parameter{{Name: "ref", Type: cty.String, Description: "Image reference: name[:tag][@digest]."}},
		Type:        function.StaticReturnType(SourceType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return sourceVal(Source{Kind: SourceImage, Ref: args[0].AsString()}), nil
		},
	}),
	"git": gitFunction,
	"http": function.New(&function.Spec{
		Description: "A file downloaded over HTTP(S) as a source, checked against an optional digest.",
		Params:      []function.Parameter{{Name: "url", Type: cty.String, Description: "The file's URL."}},
		VarParam:    &function.Parameter{Name: "checksum", Type: cty.String, Description: "Expected digest, e.g. \"sha256:...\" (at most one)."},
		Type:        function.StaticReturnType(SourceType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if len(args) > 2 {
				return cty.NilVal, fmt.Errorf("http takes a URL and at most one checksum")
			}
			s := Source{Kind: SourceHTTP, Ref: args[0].AsString()}
			if len(args) == 2 {
				s.Checksum = args[1].AsString()
			}
			return sourceVal(s), nil
		},
	}),
	"local": function.New(&function.Spec{
		Description: "A directory the client sends under a name (buildctl --local NAME=DIR), filtered by include and exclude patterns.",
		Params: []function.Parameter{
			{Name: "name", Type: cty.String, Description: "The local's name."},
			{Name: "include", Type: cty.List(cty.String), Description: "Patterns of files to send; [] for all."},
			{Name: "exclude", Type: cty.List(cty.String), Description: "Patterns of files not to send."},
		},
		Type: function.StaticReturnType(SourceType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s := Source{Kind: SourceLocal, Ref: args[0].AsString(), Include: goStrings(args[1]), Exclude: goStrings(args[2])}
			return sourceVal(s), nil
		},
	}),
}

func goStrings(v cty.Value) []string {
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if !e.IsNull() {
			out = append(out, e.AsString())
		}
	}
	return out
}

// meteredFunctions are pureFunctions and the internal functions of
// instrumented syntax. The functions that the given syntax calls charge
// the build's evaluation budget; the others are left as they are, since
// HCL has no first-class functions and so nothing can call them. Wrapping
// only those keeps a small build's Load cheap: metering all ~100 functions
// cost more than the rest of a small build's Load.
func meteredFunctions(b *budget, syntax ...hclsyntax.Node) map[string]function.Function {
	calls := map[string]bool{}
	for _, name := range calledFunctions(syntax...) {
		calls[name] = true
	}
	return meteredCalls(b, calls)
}

// meteredCalls is meteredFunctions for syntax that calls the functions
// named in calls.
func meteredCalls(b *budget, calls map[string]bool) map[string]function.Function {
	fs := pureFunctions()
	for name := range calls {
		if f, ok := fs[name]; ok {
			fs[name] = meterFunction(name, f, b)
		}
	}
	for name, f := range guardFunctions(b) {
		fs[name] = f
	}
	return fs
}

// calledFunctions lists the names of the functions syntax calls, sorted.
func calledFunctions(syntax ...hclsyntax.Node) []string {
	seen := map[string]bool{}
	for _, n := range syntax {
		if n == nil {
			continue
		}
		walk.All(n, func(n hclsyntax.Node) {
			if call, ok := n.(*hclsyntax.FunctionCallExpr); ok {
				seen[call.Name] = true
			}
		})
	}
	return sortedKeys(seen)
}

// userFunc is a declared user function, ready to be called.
type userFunc struct {
	name     string
	params   []string
	varParam string
	result   hcl.Expression
	decl     *hcl.Block
}

// declareFunctions builds the function table: stdlib, source helpers and
// user functions. User functions see only functions and their parameters,
// so they are pure and do not depend on the environment.
func (e *evaluator) declareFunctions() hcl.Diagnostics {
	base := meteredCalls(e.budget, e.decls.calls)
	var diags hcl.Diagnostics
	for _, name := range e.decls.functions.order {
		b := e.decls.functions.blocks[name]
		u, fdiags := e.userFunction(b)
		diags = append(diags, fdiags...)
		if u == nil {
			continue
		}
		if _, clash := base[name]; clash {
			diags = append(diags, InvalidValue("function name", fmt.Sprintf("%q is a built-in function; choose another name.", name), b.LabelRanges[0]))
			continue
		}
		e.userFuncs = append(e.userFuncs, u)
		e.build.Functions = append(e.build.Functions, &Function{Name: name, Params: u.params, DeclRange: b.DefRange})
	}
	e.baseFuncs = base
	if f, ok := base["merge"]; ok && e.decls.calls["merge"] {
		e.merge = &f
	}
	if f, ok := base["replace"]; ok && e.decls.calls["replace"] {
		e.replace = &f
	}
	e.funcs = e.functionTable(1)
	return diags
}

// functionTable is the function table of expressions whose user function
// calls are at the given depth: 1 for the build's own expressions, one
// more inside each user function. Each depth has its own table, made once,
// so the depth of a call is known without shared state: concurrent
// evaluations (the language server resolves targets in parallel) cannot
// see each other's depth, and a call too deep fails the same way every time.
func (e *evaluator) functionTable(depth int) map[string]function.Function {
	e.tablesMu.Lock()
	defer e.tablesMu.Unlock()
	if t := e.tables[depth]; t != nil {
		return t
	}
	t := make(map[string]function.Function, len(e.baseFuncs)+len(e.userFuncs))
	for name, f := range e.baseFuncs {
		t[name] = f
	}
	for _, u := range e.userFuncs {
		t[u.name] = e.callable(u, depth)
	}
	if e.tables == nil {
		e.tables = map[int]map[string]function.Function{}
	}
	e.tables[depth] = t
	return t
}

func (e *evaluator) userFunction(b *hcl.Block) (*userFunc, hcl.Diagnostics) {
	spec := TopSchema.Block("function")
	content, diags := bodyContent(b.Body, spec)
	d := &decoder{what: `function "` + b.Labels[0] + `"`}
	d.required(spec, content.Attributes, b.DefRange, b.Body)
	diags = append(diags, d.diags...)
	if diags.HasErrors() {
		return nil, diags
	}
	params, pdiags := paramNames(content.Attributes["params"])
	diags = append(diags, pdiags...)
	var varParam string
	if a := content.Attributes["variadic_param"]; a != nil {
		varParam = hcl.ExprAsKeyword(a.Expr)
		if varParam == "" {
			diags = append(diags, InvalidValue("variadic_param", "variadic_param must be a bare parameter name.", a.Expr.Range()))
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return &userFunc{name: b.Labels[0], params: params, varParam: varParam, result: content.Attributes["result"].Expr, decl: b}, diags
}

// callable is a user function called at the given depth.
func (e *evaluator) callable(u *userFunc, depth int) function.Function {
	fs := function.Spec{
		Description: "User function declared at " + u.decl.DefRange.String() + ".",
		Type:        function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			// Depth-limit calls so a recursive function is an error, not a crash.
			if depth > e.limits.MaxCallDepth {
				return cty.NilVal, recursionError{fmt.Sprintf("function %s called itself (directly or through others) more than %d levels deep; user functions must not recurse", u.name, e.limits.MaxCallDepth)}
			}
			// Each call costs, so functions calling others twice at each
			// of 64 levels do not make 2^64 calls.
			if err := e.budget.charge(costCall); err != nil {
				return cty.NilVal, err
			}
			vars := map[string]cty.Value{}
			for i, p := range u.params {
				vars[p] = args[i]
			}
			if u.varParam != "" {
				rest := args[len(u.params):]
				if len(rest) == 0 {
					vars[u.varParam] = cty.EmptyTupleVal
				} else {
					vars[u.varParam] = cty.TupleVal(rest)
				}
			}
			ctx := &hcl.EvalContext{Functions: e.functionTable(depth + 1), Variables: vars}
			v, diags := u.result.Value(ctx)
			if diags.HasErrors() {
				// Pass a limit's error up as it is, rather than wrapped
				// once per level of calls.
				for _, d := range diags {
					if fe, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallDiagExtra](d); ok {
						switch err := fe.FunctionCallError().(type) {
						case recursionError, budgetError, numberError:
							return cty.NilVal, err
						}
					}
				}
				return cty.NilVal, fmt.Errorf("%s", diags.Error())
			}
			return v, nil
		},
	}
	for _, p := range u.params {
		fs.Params = append(fs.Params, function.Parameter{Name: p, Type: cty.DynamicPseudoType, AllowNull: true})
	}
	if u.varParam != "" {
		fs.VarParam = &function.Parameter{Name: u.varParam, Type: cty.DynamicPseudoType, AllowNull: true}
	}
	return function.New(&fs)
}

// recursionError is the error of a call past Limits.MaxCallDepth.
type recursionError struct{ msg string }

func (e recursionError) Error() string { return e.msg }

func paramNames(a *hcl.Attribute) ([]string, hcl.Diagnostics) {
	exprs, diags := hcl.ExprList(a.Expr)
	var names []string
	for _, x := range exprs {
		n := hcl.ExprAsKeyword(x)
		if n == "" {
			diags = append(diags, InvalidValue("params", "Each parameter must be a bare name, like [a, b].", x.Range()))
			continue
		}
		names = append(names, n)
	}
	return names, diags
}
