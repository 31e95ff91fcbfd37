package lang

import (
	"path"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang/exports"
)

// checkOutputDests reports two targets built together whose outputs write
// the same file or directory, as `buildlang build` refuses them
// (exports.Collisions decides for both): the targets of each group, of the
// default build (the default group, else every target) and the instances
// of each matrix target. specs are the targets' evaluated specs by name;
// each pair is reported once, at the later target's output entry.
func (e *evaluator) checkOutputDests(specs map[string]*TargetSpec) hcl.Diagnostics {
	type set struct {
		what    string // what builds them together, for the message
		targets []string
	}
	var sets []set
	hasDefault := false
	for _, g := range e.build.Groups {
		sets = append(sets, set{"group " + quote(g.Name), g.Targets})
		hasDefault = hasDefault || g.Name == "default"
	}
	if !hasDefault {
		var all []string
		for _, t := range e.build.Targets {
			all = append(all, t.Name)
		}
		sets = append(sets, set{"a build of every target (there is no default group)", all})
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
		sets = append(sets, set{"matrix target " + quote(b), instances[b]})
	}

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
			var subject hcl.Range
			for j, w := range writes {
				if w == c.Second {
					spec := specs[where[j].target]
					subject = spec.Target.DeclRange // an inherited output: the target
					if rs, ok := e.outputRanges.Load(spec); ok && where[j].i < len(rs.([]hcl.Range)) {
						subject = rs.([]hcl.Range)[where[j].i]
					}
					break
				}
			}
			diags = append(diags, OutputConflict(c.Second.Target, c.First.Target, c.Second.Dest, s.what, subject))
		}
	}
	return diags
}

// ForBuild returns diags for a build of targets (targets or groups, none
// for the default build, as Expand takes them): without the problems of
// two targets built together (OutputConflict) when this build does not
// build both. Check reports them for every group, the default build and
// each matrix target; a build of one target is not refused for what its
// siblings write. When targets do not expand, diags are returned as they
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
		if info := DiagInfoOf(d); info != nil && info.together && len(info.Names) >= 2 && !(built[info.Names[0]] && built[info.Names[1]]) {
			continue
		}
		out = append(out, d)
	}
	return out
}
