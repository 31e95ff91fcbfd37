package lang

import (
	"path"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang/exports"
)

// together is a set of targets a build builds together, and what builds
// them together, for the messages.
type together struct {
	what    string
	targets []string
}

// builtTogether lists the sets of targets a build builds together: the
// targets of each group, of the default build (the default group, else
// every target) and the instances of each matrix target.
func (e *evaluator) builtTogether() []together {
	var sets []together
	hasDefault := false
	for _, g := range e.build.Groups {
		sets = append(sets, together{"group " + quote(g.Name), g.Targets})
		hasDefault = hasDefault || g.Name == "default"
	}
	if !hasDefault {
		var all []string
		for _, t := range e.build.Targets {
			all = append(all, t.Name)
		}
		sets = append(sets, together{"a build of every target (there is no default group)", all})
	}
	instances := map[string][]string{}
	var blocks []string
	for _, t := range e.build.Targets {
		if t.Matrix != nil {
			if instances[t.Block] == nil {
				blocks = append(blocks, t.Block)
			}
			instances[t.Block] = append(instances[t.Block], t.Name)
		}
	}
	for _, b := range blocks {
		sets = append(sets, together{"matrix target " + quote(b), instances[b]})
	}
	return sets
}

// checkTogether reports what targets built together would overwrite of
// each other's: their outputs' dests and their cache exports' refs.
// specs are the targets' evaluated specs by name.
func (e *evaluator) checkTogether(specs map[string]*TargetSpec) hcl.Diagnostics {
	sets := e.builtTogether()
	return append(e.checkOutputDests(sets, specs), e.checkCacheExports(sets, specs)...)
}

// checkOutputDests reports two targets built together whose outputs write
// the same file or directory, as `buildlang build` refuses them
// (exports.Collisions decides for both); each pair is reported once, at
// the later target's output entry.
func (e *evaluator) checkOutputDests(sets []together, specs map[string]*TargetSpec) hcl.Diagnostics {
	type at struct {
		target string
		i      int
	}
	var diags hcl.Diagnostics
	reported := map[[2]string]bool{}
	for _, s := range sets {
		var writes []exports.Write
		var where []at
		for _, name := range s.targets {
			spec := specs[name]
			if spec == nil {
				continue
			}
			dir := path.Dir(spec.Target.DeclRange.Filename)
			for i, out := range spec.Outputs {
				o, err := exports.ParseOutput(out)
				if err != nil || o.Attrs["dest"] == "" {
					continue // reported by checkOutputs; or no dest
				}
				d := exports.TargetDest(o.Attrs["dest"], name)
				if d != "-" && !path.IsAbs(d) {
					d = path.Join(dir, d)
				}
				writes = append(writes, exports.Write{Target: name, Dest: d})
				where = append(where, at{name, i})
			}
		}
		for _, c := range exports.Collisions(writes, exports.CleanSlash) {
			key := [2]string{c.First.Target, c.Second.Target}
			if reported[key] {
				continue
			}
			reported[key] = true
			w := where[slices.Index(writes, c.Second)]
			spec := specs[w.target]
			subject := spec.Target.DeclRange // an inherited output: the target
			if rs, ok := e.outputRanges.Load(spec); ok && w.i < len(rs.([]hcl.Range)) {
				subject = rs.([]hcl.Range)[w.i]
			}
			diags = append(diags, OutputConflict(c.Second.Target, c.First.Target, c.Second.Dest, s.what, subject))
		}
	}
	return diags
}

// checkCacheExports warns of targets built together whose cache exports
// write one registry ref (exports.CacheCollisions), at the later target's
// export entry: one warning per entry and ref, naming the targets and what
// builds them together (a policy shared by a group's targets and a matrix
// target's instances is one entry).
func (e *evaluator) checkCacheExports(sets []together, specs map[string]*TargetSpec) hcl.Diagnostics {
	type key struct {
		ref string
		at  hcl.Range
	}
	type conflict struct {
		targets, whats []string
	}
	var keys []key
	conflicts := map[key]*conflict{}
	for _, s := range sets {
		var writes []exports.Write
		var where []hcl.Range
		for _, name := range s.targets {
			spec := specs[name]
			if spec == nil {
				continue
			}
			pol := e.build.Cache(spec.Cache)
			if pol == nil {
				continue
			}
			rs, _ := e.cacheExportRanges.Load(pol)
			ranges, _ := rs.([]hcl.Range)
			for i, m := range pol.Export {
				if ref := exports.CacheRef(m["type"], m); ref != "" && i < len(ranges) {
					writes = append(writes, exports.Write{Target: name, Dest: ref})
					where = append(where, ranges[i])
				}
			}
		}
		firstAt := map[string]hcl.Range{} // where each ref's first collision is reported
		for _, cl := range exports.CacheCollisions(writes) {
			ref := cl.Second.Dest
			at, ok := firstAt[ref]
			if !ok {
				at = where[slices.Index(writes, cl.Second)]
				firstAt[ref] = at
			}
			k := key{ref, at}
			c := conflicts[k]
			if c == nil {
				c = &conflict{}
				conflicts[k] = c
				keys = append(keys, k)
			}
			for _, t := range []string{cl.First.Target, cl.Second.Target} {
				if !slices.Contains(c.targets, t) {
					c.targets = append(c.targets, t)
				}
			}
			if !slices.Contains(c.whats, s.what) {
				c.whats = append(c.whats, s.what)
			}
		}
	}
	var diags hcl.Diagnostics
	for _, k := range keys {
		c := conflicts[k]
		diags = append(diags, CacheExportConflict(c.targets, k.ref, c.whats, k.at))
	}
	return diags
}

// ForBuild returns diags for a build of targets (targets or groups, none
// for the default build, as Expand takes them): without the problems of
// targets built together (OutputConflict, CacheExportConflict) when this
// build does not build two of them. Check reports them for every group,
// the default build and each matrix target; a build of one target is not
// refused or warned for what its siblings write. When targets do not expand, diags are returned as they
// are (the build reports the unknown name).
func (b *Build) ForBuild(diags hcl.Diagnostics, targets []string) hcl.Diagnostics {
	names, ediags := b.Expand(targets)
	if ediags.HasErrors() {
		return diags
	}
	built := map[string]bool{}
	for _, n := range names {
		built[n] = true
	}
	var out hcl.Diagnostics
	for _, d := range diags {
		if info := DiagInfoOf(d); info != nil && info.together {
			n := 0
			for _, name := range info.Names {
				if built[name] {
					n++
				}
			}
			if n < 2 {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}
