package lang

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// linkTargets finds which targets read from which (from, copy, bind,
// inherits), rejects cycles with their path, and gives every target its
// default platforms.
func (e *evaluator) linkTargets() hcl.Diagnostics {
	blockDeps := map[string][]string{}
	for _, name := range e.decls.targets.order {
		if td := e.targetDecls[name]; td != nil { // nil: past MaxTargets, or its decoding failed
			blockDeps[name] = e.staticTargetRefs(td)
		}
	}
	// Cycles are found between blocks: an instance of a matrix target
	// reading another instance of the same target is a cycle too.
	byBlock := map[string][]string{}
	for name, refs := range blockDeps {
		for _, r := range refs {
			byBlock[name] = append(byBlock[name], e.blockOf(r))
		}
		byBlock[name] = uniqueSorted(byBlock[name])
	}
	// A cycle is reported, and its targets are still evaluated (for their
	// own platforms, else the environment's, else the build platform), so
	// it does not hide their other errors.
	var diags hcl.Diagnostics
	if _, cycle := topoSort(e.decls.targets.order, byBlock); cycle != nil {
		first := e.targetDecls[cycle[0]].block
		diags = hcl.Diagnostics{Cycle("target", prefixAll("target.", cycle), first.LabelRanges[0])}
	}
	instDeps := map[string][]string{}
	var names []string
	for _, t := range e.build.Targets {
		names = append(names, t.Name)
		var deps []string
		for _, r := range blockDeps[t.Block] {
			if td := e.targetDecls[r]; td != nil && td.isMatrix {
				for _, inst := range td.instances {
					deps = append(deps, inst.Name)
				}
				continue
			}
			deps = append(deps, r)
		}
		t.Deps = uniqueSorted(deps)
		instDeps[t.Name] = t.Deps
	}
	order, _ := topoSort(names, instDeps)
	e.defaultPlatforms(order)
	return diags
}

// staticTargetRefs lists the target names a target block mentions as
// target.NAME or target["NAME"], in the attributes its schema has: an
// unsupported attribute is reported as such, and what it refers to is no
// dependency.
func (e *evaluator) staticTargetRefs(td *targetDecl) []string {
	var refs []string
	names := td.targetRefs
	for _, set := range td.mountSetRefs {
		if ms := e.mountSets[set]; ms != nil {
			names = append(names[:len(names):len(names)], ms.targetRefs...)
		}
	}
	for _, name := range names {
		if e.instances[name] != nil || e.targetDecls[name] != nil {
			refs = append(refs, name)
		}
	}
	return uniqueSorted(refs)
}

func (e *evaluator) blockOf(name string) string {
	if t := e.instances[name]; t != nil {
		return t.Block
	}
	return name
}

// defaultPlatforms walks targets consumers-first: a target's platforms are
// its own, else those it inherits, else the union of its consumers', else
// the environment's, else the build platform. Targets in or behind a
// cycle, which depsFirst lacks, get their own, else the environment's,
// else the build platform.
func (e *evaluator) defaultPlatforms(depsFirst []string) {
	defer func() {
		for _, t := range e.build.Targets {
			if len(t.DefaultPlatforms) == 0 {
				t.DefaultPlatforms = t.Platforms
			}
			if len(t.DefaultPlatforms) == 0 {
				t.DefaultPlatforms = t.state.scope.env.Platforms
			}
			if len(t.DefaultPlatforms) == 0 {
				t.DefaultPlatforms = []ocispecs.Platform{e.build.BuildPlatform}
			}
		}
	}()
	consumers := map[string][]*Target{}
	for _, t := range e.build.Targets {
		for _, d := range t.Deps {
			consumers[d] = append(consumers[d], t)
		}
	}
	inherited := map[*Target][]ocispecs.Platform{}
	for i := len(depsFirst) - 1; i >= 0; i-- {
		t := e.instances[depsFirst[i]]
		switch {
		case len(t.Platforms) > 0:
			t.DefaultPlatforms = t.Platforms
		case len(e.inheritedPlatforms(t, inherited, 0)) > 0:
			t.DefaultPlatforms = inherited[t]
		case len(consumers[t.Name]) > 0:
			var ps []ocispecs.Platform
			seen := map[string]bool{}
			for _, c := range consumers[t.Name] {
				for _, p := range c.DefaultPlatforms {
					if k := platformString(p); !seen[k] {
						seen[k] = true
						ps = append(ps, p)
					}
				}
			}
			t.DefaultPlatforms = ps
		}
		if len(t.DefaultPlatforms) == 0 {
			env := t.state.scope.env
			t.DefaultPlatforms = env.Platforms
		}
		if len(t.DefaultPlatforms) == 0 {
			t.DefaultPlatforms = []ocispecs.Platform{e.build.BuildPlatform}
		}
	}
}

// inheritedPlatforms are the platforms of the last target t inherits that
// has platforms of its own or inherited, memoized in memo: a target
// inherited along many paths (inherits = [a, a] at each of forty levels)
// is looked at once. Cycles are rejected before this runs; depth only
// guards against them anyway.
func (e *evaluator) inheritedPlatforms(t *Target, memo map[*Target][]ocispecs.Platform, depth int) []ocispecs.Platform {
	if len(t.Platforms) > 0 || depth > len(e.build.Targets) {
		return t.Platforms
	}
	if ps, ok := memo[t]; ok {
		return ps
	}
	a := t.decl.content.Attributes["inherits"]
	if a == nil {
		return nil
	}
	memo[t] = nil
	v, diags := a.Expr.Value(t.state.ctx)
	if diags.HasErrors() || !v.CanIterateElements() {
		return nil // reported when the target is resolved
	}
	var out []ocispecs.Platform
	for it := v.ElementIterator(); it.Next(); {
		_, pv := it.Element()
		if r := refOf(pv); r != nil && r.Kind == "target" && r.Instances == nil && e.instances[r.Name] != nil {
			if ps := e.inheritedPlatforms(e.instances[r.Name], memo, depth+1); len(ps) > 0 {
				out = ps
			}
		}
	}
	memo[t] = out
	return out
}

func uniqueSorted(xs []string) []string {
	sort.Strings(xs)
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}
