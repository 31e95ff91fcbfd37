package lang

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang/exports"
	"github.com/zclconf/go-cty/cty"
)

// decodeBlocks decodes every block of one kind with its schema.
func (e *evaluator) decodeBlocks(t *declTable, s *scope, fn func(name string, b *hcl.Block, c *hcl.BodyContent, d *decoder)) hcl.Diagnostics {
	spec := TopSchema.Block(t.kind)
	var diags hcl.Diagnostics
	for _, name := range t.order {
		b := t.blocks[name]
		c, cdiags := bodyContent(b.Body, spec)
		diags = append(diags, cdiags...)
		d := &decoder{ctx: s.ctx, what: t.kind + ` "` + name + `"`}
		d.required(spec, c.Attributes, b.DefRange, b.Body)
		fn(name, b, c, d)
		diags = append(diags, d.diags...)
	}
	return diags
}

func (e *evaluator) declareSecrets(s *scope) hcl.Diagnostics {
	return e.decodeBlocks(e.decls.secrets, s, func(name string, b *hcl.Block, c *hcl.BodyContent, d *decoder) {
		sec := &Secret{Name: name, ID: name, DeclRange: b.DefRange}
		if id := d.str(c.Attributes["id"]); id != "" {
			sec.ID = id
		}
		sec.Env = d.str(c.Attributes["env"])
		sec.Src = d.str(c.Attributes["src"])
		if a := c.Attributes["var"]; a != nil {
			sec.Var = e.secretVar(d, a, s)
			if sec.Var != "" && (sec.Env != "" || sec.Src != "") {
				d.add(InvalidValue("secret", "A secret takes its value from one place: var, env or src.", a.Expr.Range()))
			}
		}
		sec.Required = d.boolean(c.Attributes["required"], true)
		sec.Description = d.str(c.Attributes["description"])
		e.build.Secrets = append(e.build.Secrets, sec)
	})
}

func (e *evaluator) declareSSH(s *scope) hcl.Diagnostics {
	return e.decodeBlocks(e.decls.ssh, s, func(name string, b *hcl.Block, c *hcl.BodyContent, d *decoder) {
		ssh := &SSH{Name: name, ID: name, DeclRange: b.DefRange}
		if id := d.str(c.Attributes["id"]); id != "" {
			ssh.ID = id
		}
		ssh.Paths = d.strList(c.Attributes["paths"])
		ssh.Required = d.boolean(c.Attributes["required"], true)
		ssh.Description = d.str(c.Attributes["description"])
		e.build.SSH = append(e.build.SSH, ssh)
	})
}

// CacheTypes are the cache backends BuildKit knows.
var CacheTypes = exports.CacheTypes

func (e *evaluator) declareCaches(s *scope) hcl.Diagnostics {
	return e.decodeBlocks(e.decls.caches, s, func(name string, b *hcl.Block, c *hcl.BodyContent, d *decoder) {
		cp := &CachePolicy{Name: name, DeclRange: b.DefRange}
		cp.Description = d.str(c.Attributes["description"])
		cp.Import, _ = d.cacheEntries(c.Attributes["import"], false)
		var ranges []hcl.Range
		cp.Export, ranges = d.cacheEntries(c.Attributes["export"], true)
		e.cacheExportRanges.Store(cp, ranges)
		e.build.Caches = append(e.build.Caches, cp)
	})
}

// cacheEntries decodes a cache policy's import (export false) or export
// list, with the rules of --cache-from and --cache-to, and where each
// entry is written.
func (d *decoder) cacheEntries(a *hcl.Attribute, export bool) ([]map[string]string, []hcl.Range) {
	v := d.convert(a, d.value(a), cty.List(cty.Map(cty.String)), "a list of objects of strings, like [{ type = \"local\", src = \".cache\" }]")
	if v == cty.NilVal {
		return nil, nil
	}
	var out []map[string]string
	var ranges []hcl.Range
	n := v.LengthInt()
	for i, it := 0, v.ElementIterator(); it.Next(); i++ {
		_, ev := it.Element()
		rng := elemRange(a, i, n)
		m := map[string]string{}
		for k, x := range ev.AsValueMap() {
			if !x.IsNull() {
				m[k] = x.AsString()
			}
		}
		typ := m["type"]
		switch {
		case typ == "":
			d.add(MissingCacheType(rng))
		case !contains(CacheTypes, typ):
			d.add(NotAllowed("cache type", typ, CacheTypes, rng))
		default:
			if err := exports.CheckCache(typ, m, export); err != nil {
				d.add(InvalidCacheEntry(export, err, rng))
			}
		}
		out = append(out, m)
		ranges = append(ranges, rng)
	}
	return out, ranges
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// declareGroups evaluates groups, flattening groups of groups in order.
func (e *evaluator) declareGroups(s *scope) hcl.Diagnostics {
	members := map[string][]cty.Value{}
	groupDeps := map[string][]string{}
	diags := e.decodeBlocks(e.decls.groups, s, func(name string, b *hcl.Block, c *hcl.BodyContent, d *decoder) {
		g := &Group{Name: name, DeclRange: b.DefRange}
		g.Description = d.str(c.Attributes["description"])
		if a := c.Attributes["targets"]; a != nil {
			v := d.value(a)
			if v != cty.NilVal && (v.Type().IsTupleType() || v.Type().IsListType()) {
				for it := v.ElementIterator(); it.Next(); {
					_, m := it.Element()
					r := refOf(m)
					if r == nil || (r.Kind != "target" && r.Kind != "group") {
						d.add(WrongType("Each group member", "target.NAME or group.NAME", typeName(m), a.Expr.Range()))
						continue
					}
					members[name] = append(members[name], m)
					if r.Kind == "group" {
						groupDeps[name] = append(groupDeps[name], r.Name)
					}
				}
			} else if v != cty.NilVal {
				d.add(WrongType(`The "targets" attribute`, "a list like [target.app, group.tests]", typeName(v), a.Expr.Range()))
			}
		}
		e.build.Groups = append(e.build.Groups, g)
	})
	_, cycle := topoSort(e.decls.groups.order, groupDeps)
	if cycle != nil {
		diags = append(diags, Cycle("group", prefixAll("group.", cycle), e.decls.groups.blocks[cycle[0]].LabelRanges[0]))
		return diags
	}
	// Each group is flattened once, from its members' flattened lists; the
	// lists are charged to the budget, since n groups each holding the one
	// before list n²/2 names.
	flat := map[string][]string{}
	for _, g := range e.build.Groups {
		g.Targets = e.flattenGroup(g.Name, members, flat)
		if err := e.budget.charge(int64(len(g.Targets)+1) * costElement); err != nil {
			diags = append(diags, budgetDiagnostic(e.limits, g.DeclRange))
			break
		}
	}
	return diags
}

func (e *evaluator) flattenGroup(name string, members map[string][]cty.Value, flat map[string][]string) []string {
	if out, ok := flat[name]; ok {
		return out
	}
	flat[name] = nil // (cycles are rejected before; this guards anyway)
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, m := range members[name] {
		r := refOf(m)
		switch {
		case r.Kind == "group":
			for _, n := range e.flattenGroup(r.Name, members, flat) {
				add(n)
			}
		case r.Instances != nil:
			for _, inst := range r.Instances {
				add(inst)
			}
		default:
			add(r.Name)
		}
	}
	flat[name] = out
	return out
}

func prefixAll(prefix string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = prefix + x
	}
	return out
}

// Expand turns requested target and group names into target names, in
// order and without repeats. An empty request means the "default" group,
// or every target when there is none.
func (b *Build) Expand(names []string) ([]string, hcl.Diagnostics) {
	if len(names) == 0 {
		if b.Group("default") != nil {
			names = []string{"default"}
		} else {
			for _, t := range b.Targets {
				names = append(names, t.Name)
			}
		}
	}
	var out []string
	var diags hcl.Diagnostics
	seen := map[string]bool{}
	addTarget := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, n := range names {
		if g := b.Group(n); g != nil {
			for _, t := range g.Targets {
				addTarget(t)
			}
			continue
		}
		if b.Target(n) != nil {
			addTarget(n)
			continue
		}
		if td := b.eval.targetDecls[n]; td != nil {
			for _, inst := range td.instances {
				addTarget(inst.Name)
			}
			continue
		}
		diags = append(diags, UnknownTarget(n, b.names()))
	}
	return out, diags
}

// names lists every target, matrix block and group name, for suggestions.
// checkReferences asks for it once per target.NAME, so it is cached until
// targets or groups are added.
func (b *Build) names() []string {
	e := b.eval
	if e.names != nil && e.namesFor == [2]int{len(b.Targets), len(b.Groups)} {
		return e.names
	}
	ns := make([]string, 0, len(b.Targets)+len(e.targetDecls)+len(b.Groups))
	for _, t := range b.Targets {
		ns = append(ns, t.Name)
	}
	for n := range b.eval.targetDecls {
		ns = append(ns, n)
	}
	for _, g := range b.Groups {
		ns = append(ns, g.Name)
	}
	e.names, e.namesFor = ns, [2]int{len(b.Targets), len(b.Groups)}
	return ns
}

// secretVar decodes a secret's var attribute: a reference to a declared,
// sensitive, string variable, whose name it returns. The value is not
// evaluated into the build: the CLI reads it with Build.SecretValue and
// sends it as the secret, like a --secret flag.
func (e *evaluator) secretVar(d *decoder, a *hcl.Attribute, s *scope) string {
	t, diags := hcl.AbsTraversalForExpr(a.Expr)
	if diags.HasErrors() || len(t) != 2 || t.RootName() != "var" {
		d.add(InvalidValue("secret variable", "var must name a variable, like var.TOKEN: a secret's value never appears in a build file.", a.Expr.Range()))
		return ""
	}
	name := stepName(t[1])
	for _, v := range s.variables {
		if v.Name != name {
			continue
		}
		switch {
		case !v.Sensitive:
			d.add(InvalidValue("secret variable", fmt.Sprintf("Variable %q is not sensitive: declare it with sensitive = true, so its value cannot reach the build graph, the image or any output.", name), a.Expr.Range()))
			return ""
		case !v.Type.Equals(cty.String):
			d.add(InvalidValue("secret variable", fmt.Sprintf("Variable %q must be a string to be a secret's value.", name), a.Expr.Range()))
			return ""
		}
		return name
	}
	return "" // an unknown variable is reported by checkReferences
}

// SecretValue is the value of a secret whose value comes from a sensitive
// variable (var = var.NAME), for the CLI to send as the secret; ok is
// false when the secret has no var or the variable has no known value.
// It is the one way to read a sensitive value out of a Build.
func (b *Build) SecretValue(s *Secret) (value []byte, ok bool) {
	if s == nil || s.Var == "" {
		return nil, false
	}
	for _, v := range b.Variables {
		if v.Name != s.Var {
			continue
		}
		val, _ := v.Value.UnmarkDeep()
		if val == cty.NilVal || !val.IsKnown() || val.IsNull() || val.Type() != cty.String {
			return nil, false
		}
		return []byte(val.AsString()), true
	}
	return nil, false
}
