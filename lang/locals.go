package lang

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang/internal/walk"
	"github.com/zclconf/go-cty/cty"
)

// resolveLocals evaluates locals in dependency order. Each local sees only
// the locals it references, so the order is the only thing that matters
// and a cycle is reported with its path instead of looping.
func (e *evaluator) resolveLocals(s *scope) hcl.Diagnostics {
	deps := map[string][]string{}
	for _, name := range e.decls.localOrder {
		for _, t := range walk.Variables(e.decls.locals[name].Expr) {
			if t.RootName() == "local" && len(t) > 1 {
				if dep := stepName(t[1]); dep != "" && e.decls.locals[dep] != nil {
					deps[name] = append(deps[name], dep)
				}
			}
		}
	}
	order, cycle := topoSort(e.decls.localOrder, deps)
	var diags hcl.Diagnostics
	if cycle != nil {
		a := e.decls.locals[cycle[0]]
		path := make([]string, len(cycle))
		for i, n := range cycle {
			path[i] = "local." + n
		}
		diags = append(diags, Cycle("local value", path, a.NameRange))
	}
	values := map[string]cty.Value{}
	for _, name := range order {
		a := e.decls.locals[name]
		ctx := s.ctx.NewChild()
		own := map[string]cty.Value{}
		for _, dep := range deps[name] {
			if v, ok := values[dep]; ok {
				own[dep] = v
			}
		}
		ctx.Variables = map[string]cty.Value{"local": objectOrEmpty(own)}
		v, vdiags := a.Expr.Value(ctx)
		diags = append(diags, vdiags...)
		if vdiags.HasErrors() {
			v = cty.DynamicVal
		}
		values[name] = v
	}
	for _, name := range e.decls.localOrder {
		v, ok := values[name]
		if !ok {
			v = cty.DynamicVal // part of a cycle
			values[name] = v
		}
		s.locals = append(s.locals, &Local{Name: name, Value: v, DeclRange: e.decls.locals[name].NameRange})
	}
	s.ctx.Variables["local"] = objectOrEmpty(values)
	return diags
}

// topoSort orders names so each comes after its dependencies. On a cycle
// it returns the order of everything outside cycles and one cycle's path,
// first name repeated at the end.
func topoSort(names []string, deps map[string][]string) (order, cycle []string) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	bad := map[string]bool{} // in or behind a cycle
	var stack []string
	var visit func(n string) bool
	visit = func(n string) bool {
		switch state[n] {
		case done:
			return !bad[n]
		case visiting:
			for i, s := range stack {
				if s == n && cycle == nil {
					cycle = append(append([]string(nil), stack[i:]...), n)
				}
			}
			return false
		}
		state[n] = visiting
		stack = append(stack, n)
		ok := true
		for _, d := range deps[n] {
			if !visit(d) {
				ok = false
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		if ok {
			order = append(order, n)
		} else {
			bad[n] = true
		}
		return ok
	}
	for _, n := range names {
		visit(n)
	}
	return order, cycle
}
