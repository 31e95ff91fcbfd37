package lang

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang/internal/walk"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// scope is everything an expression can see under one environment: the
// variables resolved for it, the locals computed from them and the eval
// context holding both. A matrix over environments evaluates each instance
// in its environment's scope.
type scope struct {
	env       *Environment
	variables []*Variable
	locals    []*Local
	ctx       *hcl.EvalContext
}

func (e *evaluator) scope(env *Environment) (*scope, hcl.Diagnostics) {
	if s, ok := e.scopes[env.Name]; ok {
		return s, nil
	}
	s := &scope{env: env}
	vars := map[string]cty.Value{}
	for k, v := range e.refs {
		vars[k] = v
	}
	vars["env"] = environmentValue(env)
	s.ctx = &hcl.EvalContext{Functions: e.funcs, Variables: vars}
	e.scopes[env.Name] = s

	diags := e.resolveVariables(s)
	diags = append(diags, e.resolveLocals(s)...)
	return s, diags
}

// staticRefs are the reference roots whose values do not depend on the
// environment: everything but var, local, env and target.
func (e *evaluator) staticRefs() map[string]cty.Value {
	refs := func(t *declTable, typ cty.Type) cty.Value {
		m := map[string]cty.Value{}
		for _, n := range t.order {
			m[n] = refVal(typ, t.kind, n, nil)
		}
		return objectOrEmpty(m)
	}
	envs := map[string]cty.Value{}
	for _, env := range e.build.Environments {
		envs[env.Name] = environmentValue(env)
	}
	contexts := map[string]cty.Value{}
	e.build.NamedContexts = e.namedContexts()
	for _, name := range e.build.NamedContexts {
		contexts[name] = sourceVal(Source{Kind: SourceNamedContext, Ref: name})
	}
	return map[string]cty.Value{
		"secret":      refs(e.decls.secrets, SecretRefType),
		"ssh":         refs(e.decls.ssh, SSHRefType),
		"cache":       refs(e.decls.caches, CacheRefType),
		"mounts":      refs(e.decls.mounts, MountsRefType),
		"group":       refs(e.decls.groups, GroupRefType),
		"environment": objectOrEmpty(envs),
		"scratch":     sourceVal(Source{Kind: SourceScratch}),
		"context":     sourceVal(Source{Kind: SourceContext}),
		"contexts":    objectOrEmpty(contexts),
		"target":      cty.EmptyObjectVal, // filled once matrices are expanded
	}
}

// namedContexts are the NAMEs used as contexts.NAME anywhere: named
// contexts come from the client, so the file's uses define the set.
func (e *evaluator) namedContexts() []string {
	seen := map[string]bool{}
	for _, name := range e.build.FileOrder {
		f := e.build.Files[name]
		if f.Bytes != nil && !bytes.Contains(f.Bytes, []byte("contexts")) {
			continue // no contexts.NAME here; skip walking the file
		}
		for _, t := range fileTraversals(f) {
			if t.RootName() == "contexts" && len(t) > 1 {
				if n := stepName(t[1]); n != "" {
					seen[n] = true
				}
			}
		}
	}
	return sortedKeys(seen)
}

// fileTraversals lists every variable reference in a file.
func fileTraversals(f *hcl.File) []hcl.Traversal {
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var out []hcl.Traversal
	walk.All(body, func(n hclsyntax.Node) {
		if x, ok := n.(*hclsyntax.ScopeTraversalExpr); ok {
			out = append(out, x.Traversal)
		}
	})
	return out
}

// stepName is the attribute name or string index of a traversal step.
func stepName(s hcl.Traverser) string {
	switch s := s.(type) {
	case hcl.TraverseAttr:
		return s.Name
	case hcl.TraverseIndex:
		if s.Key.Type() == cty.String && s.Key.IsKnown() && !s.Key.IsNull() {
			return s.Key.AsString()
		}
	}
	return ""
}

// varRefs lists the declared variables an expression reads as var.NAME.
func varRefs(expr hcl.Expression, vars *declTable) []string {
	var out []string
	for _, tr := range walk.Variables(expr) {
		if tr.RootName() != "var" || len(tr) < 2 {
			continue
		}
		if ga, ok := tr[1].(hcl.TraverseAttr); ok && vars.has(ga.Name) {
			out = append(out, ga.Name)
		}
	}
	return out
}

// resolveVariables applies the precedence order: --var/build-arg, then the
// variable's explicit host env, then the environment's vars, then default.
func (e *evaluator) resolveVariables(s *scope) hcl.Diagnostics {
	var diags hcl.Diagnostics
	spec := TopSchema.Block("variable")
	values := map[string]cty.Value{}
	type pending struct {
		v           *Variable
		validations []*hcl.Block
	}
	var all []pending
	// A default may read other variables (ARG B=${A}-x), so variables
	// are resolved after the ones their defaults name.
	contents := map[string]*hcl.BodyContent{}
	deps := map[string][]string{}
	for _, name := range e.decls.variables.order {
		content, cdiags := bodyContent(e.decls.variables.blocks[name].Body, spec)
		diags = append(diags, cdiags...)
		contents[name] = content
		if a := content.Attributes["default"]; a != nil {
			deps[name] = varRefs(a.Expr, e.decls.variables)
		}
		values[name] = cty.DynamicVal
	}
	order, cycle := topoSort(e.decls.variables.order, deps)
	if cycle != nil {
		diags = append(diags, Cycle("variable", prefixAll("var.", cycle), e.decls.variables.blocks[cycle[0]].LabelRanges[0]))
	}
	byName := map[string]*Variable{}
	for _, name := range order {
		v, vdiags := e.variable(name, e.decls.variables.blocks[name], contents[name], s.env, values)
		diags = append(diags, vdiags...)
		values[name] = v.Value
		byName[name] = v
		all = append(all, pending{v, contents[name].Blocks})
	}
	for _, name := range e.decls.variables.order {
		if v := byName[name]; v != nil {
			s.variables = append(s.variables, v)
		}
	}
	s.ctx.Variables["var"] = objectOrEmpty(values)
	for _, p := range all {
		for _, vb := range p.validations {
			diags = append(diags, e.validate(p.v, vb, s.ctx)...)
		}
	}
	return diags
}

// variable resolves one variable; values holds the variables resolved so
// far, which its default may read.
func (e *evaluator) variable(name string, b *hcl.Block, c *hcl.BodyContent, env *Environment, values map[string]cty.Value) (*Variable, hcl.Diagnostics) {
	ctx := &hcl.EvalContext{Functions: e.funcs, Variables: map[string]cty.Value{"var": objectOrEmpty(values)}}
	d := &decoder{ctx: ctx, what: `variable "` + name + `"`}
	v := &Variable{Name: name, Type: cty.String, DeclRange: b.DefRange, Value: cty.DynamicVal}
	if a := c.Attributes["type"]; a != nil {
		t, tdiags := typeexpr.TypeConstraint(a.Expr)
		d.add(tdiags...)
		if !tdiags.HasErrors() {
			v.Type = t
		}
	}
	v.Description = d.str(c.Attributes["description"])
	v.Sensitive = d.boolean(c.Attributes["sensitive"], false)
	v.HostEnv = d.str(c.Attributes["env"])
	if a := c.Attributes["default"]; a != nil {
		v.Default = d.typed(a.Expr.Range(), d.value(a), v.Type, fmt.Sprintf("The default of variable %q", name))
	}

	var val cty.Value
	if raw, ok := e.opts.Vars[name]; ok {
		val, v.Source = e.parseOverride(d, fmt.Sprintf("The value --var gives variable %q", name), raw, v.Type, nil, v.Sensitive), FromOverride
	} else if host, ok := e.hostEnv(d, name, v.HostEnv, c.Attributes["env"]); ok {
		val, v.Source = e.parseOverride(d, fmt.Sprintf("Host environment variable %s (read for variable %q)", v.HostEnv, name), host, v.Type, c.Attributes["env"].Expr.Range().Ptr(), v.Sensitive), FromHostEnv
	} else if ev, ok := env.Vars[name]; ok {
		val, v.Source = d.typed(e.envVarRange(env, name), ev, v.Type, fmt.Sprintf("The value environment %q gives variable %q", env.Name, name)), FromEnvironment
	} else if v.Default != cty.NilVal {
		val, v.Source = v.Default, FromDefault
	} else if c.Attributes["default"] == nil && !misspelt(b.Body, TopSchema.Block("variable"), "default") {
		// (A default that failed to evaluate is reported already.)
		d.add(MissingVariableValue(name, b.LabelRanges[0]))
	}
	if val != cty.NilVal {
		v.Value = val
		if v.Sensitive {
			v.Value = val.Mark(sensitiveMark)
		}
	}
	return v, d.diags
}

// typed converts a value to the variable's type; from says where the
// value came from, as the start of a sentence.
func (d *decoder) typed(r hcl.Range, v cty.Value, t cty.Type, from string) cty.Value {
	if v == cty.NilVal {
		return cty.NilVal
	}
	if out, ok := fastConvert(v, t); ok {
		return out
	}
	if t == cty.Number {
		if err := checkNumberString(v); err != nil {
			d.add(InvalidVariableValue(from, fmt.Sprintf("cannot be used: %s.", err), r.Ptr()))
			return cty.NilVal
		}
	}
	out, err := convert.Convert(v, t)
	if err != nil {
		d.add(InvalidVariableValue(from, fmt.Sprintf("cannot be used: %s. The variable's type is %s.", err, typeexpr.TypeString(t)), r.Ptr()))
		return cty.NilVal
	}
	return out
}

// envVarRange is the range of the value an environment's vars give a
// variable, or of the environment's vars attribute.
func (e *evaluator) envVarRange(env *Environment, name string) hcl.Range {
	return e.envVarItemRange(env, name, false)
}

// envVarKeyRange is the range of the name an environment's vars set, or
// of the environment's vars attribute.
func (e *evaluator) envVarKeyRange(env *Environment, name string) hcl.Range {
	return e.envVarItemRange(env, name, true)
}

func (e *evaluator) envVarItemRange(env *Environment, name string, key bool) hcl.Range {
	b := e.decls.environments.blocks[env.Name]
	if b == nil {
		return env.DeclRange
	}
	body, ok := b.Body.(*hclsyntax.Body)
	if !ok || body.Attributes["vars"] == nil {
		return env.DeclRange
	}
	expr := body.Attributes["vars"].Expr
	if obj, ok := expr.(*hclsyntax.ObjectConsExpr); ok {
		for _, item := range obj.Items {
			k := hcl.ExprAsKeyword(item.KeyExpr)
			if k == "" {
				if kv, diags := item.KeyExpr.Value(nil); !diags.HasErrors() && kv.Type() == cty.String && kv.IsKnown() {
					k = kv.AsString()
				}
			}
			if k == name && key {
				return item.KeyExpr.Range()
			}
			if k == name {
				return item.ValueExpr.Range()
			}
		}
	}
	return expr.Range()
}

// parseOverride reads a --var or build-arg string: taken as is for string
// variables, parsed as an HCL expression (a number, [list], {object}) for
// the others.
// from says where raw came from, as the start of a sentence; subject is
// nil for values from the command line.
func (e *evaluator) parseOverride(d *decoder, from, raw string, t cty.Type, subject *hcl.Range, sensitive bool) cty.Value {
	if t == cty.String {
		return cty.StringVal(raw)
	}
	shown := strconv.Quote(raw)
	if sensitive {
		shown = "(sensitive)"
	}
	expr, pdiags := hclsyntax.ParseExpression([]byte(raw), "value", hcl.InitialPos)
	var v cty.Value
	if !pdiags.HasErrors() {
		v, pdiags = expr.Value(&hcl.EvalContext{Functions: e.funcs})
	}
	if pdiags.HasErrors() {
		d.add(InvalidVariableValue(from, fmt.Sprintf("is %s, which is not a valid %s. Write non-string values as HCL, e.g. 3, true, [\"a\", \"b\"] or {k = \"v\"}.", shown, typeexpr.TypeString(t)), subject))
		return cty.NilVal
	}
	out, err := convert.Convert(v, t)
	if err != nil {
		d.add(InvalidVariableValue(from, fmt.Sprintf("is %s, which cannot be used: %s. The variable's type is %s.", shown, err, typeexpr.TypeString(t)), subject))
		return cty.NilVal
	}
	return out
}

// unknownVarOverrides warns about --var names no variable declares, as
// docker build warns about unused build args.
func (e *evaluator) unknownVarOverrides() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range sortedKeys(e.opts.Vars) {
		if e.decls.variables.has(name) {
			continue
		}
		diags = append(diags, UnusedVariableValue(name, e.decls.variables.order))
	}
	return diags
}

func (e *evaluator) validate(v *Variable, b *hcl.Block, ctx *hcl.EvalContext) hcl.Diagnostics {
	spec := TopSchema.Block("variable").Block("validation")
	c, diags := bodyContent(b.Body, spec)
	d := &decoder{ctx: ctx, what: "validation"}
	d.required(spec, c.Attributes, b.DefRange, b.Body)
	cond := c.Attributes["condition"]
	if d.diags.HasErrors() || cond == nil || !v.Value.IsWhollyKnown() {
		// (A misspelt condition is reported by HCL, not as missing.)
		return append(diags, d.diags...)
	}
	cv, cdiags := cond.Expr.Value(ctx)
	diags = append(diags, cdiags...)
	if cdiags.HasErrors() {
		return diags
	}
	cv, _ = cv.Unmark()
	if cv.IsNull() || cv.Type() != cty.Bool || !cv.IsKnown() {
		return append(diags, WrongType("A validation condition", "a bool", typeName(cv), cond.Expr.Range()))
	}
	if cv.True() {
		return diags
	}
	msg := d.str(c.Attributes["error_message"])
	if d.diags.HasErrors() {
		// A message using a sensitive value would print it: the error says
		// so instead, and the message is not shown.
		msg = fmt.Sprintf("The value of variable %q is not valid, and its error_message cannot be shown.", v.Name)
		diags = append(diags, d.diags...)
	}
	return append(diags, ValidationFailed(v.Name, msg, conditionValues(cond.Expr, ctx), cond.Expr.Range()))
}

// conditionValues shows what the references in a failed condition were,
// e.g. `var.GO_VERSION is "abc"`; sensitive values are not shown.
func conditionValues(expr hcl.Expression, ctx *hcl.EvalContext) string {
	var parts []string
	seen := map[string]bool{}
	for _, t := range walk.Variables(expr) {
		name := traversalString(t)
		if seen[name] {
			continue
		}
		seen[name] = true
		v, diags := t.TraverseAbs(ctx)
		if diags.HasErrors() {
			continue
		}
		parts = append(parts, name+" is "+showValue(v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func showValue(v cty.Value) string {
	if v.IsMarked() || v.ContainsMarked() {
		return "(sensitive)"
	}
	if !v.IsKnown() {
		return "(not known)"
	}
	if v.IsNull() {
		return "null"
	}
	switch v.Type() {
	case cty.String:
		return fmt.Sprintf("%q", v.AsString())
	case cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case cty.Bool:
		return fmt.Sprint(v.True())
	}
	return typeName(v)
}

func traversalString(t hcl.Traversal) string {
	var b strings.Builder
	for i, s := range t {
		switch s := s.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			if s.Key.Type() == cty.String {
				fmt.Fprintf(&b, "[%q]", s.Key.AsString())
			} else {
				b.WriteString("[...]")
			}
		default:
			if i == 0 {
				b.WriteString("?")
			}
		}
	}
	return b.String()
}
