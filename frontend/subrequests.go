package frontend

import (
	"sort"
	"strings"

	"github.com/containerd/platforms"
	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/moby/buildkit/solver/pb"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/lang"
	langlint "github.com/org/buildlang/lang/lint"
	"github.com/zclconf/go-cty/cty"
)

// sourceIndex assigns each build file an index into a subrequest's sources.
type sourceIndex struct {
	names []string
	sm    sourceMaps
}

func newSourceIndex(b *lang.Build, sm sourceMaps) *sourceIndex {
	return &sourceIndex{names: b.FileOrder, sm: sm}
}

func (s *sourceIndex) location(r hcl.Range) *pb.Location {
	for i, n := range s.names {
		if n == r.Filename {
			return &pb.Location{SourceIndex: int32(i), Ranges: []*pb.Range{compiler.SourceRange(r)}}
		}
	}
	return nil
}

func (s *sourceIndex) data() [][]byte {
	out := make([][]byte, len(s.names))
	for i, n := range s.names {
		out[i] = s.sm[n].Data
	}
	return out
}

func (s *sourceIndex) infos() []*pb.SourceInfo {
	out := make([]*pb.SourceInfo, len(s.names))
	for i, n := range s.names {
		out[i] = sourceInfo(s.sm[n])
	}
	return out
}

// listTargets answers --call targets: every target and matrix instance.
func listTargets(b *lang.Build, si *sourceIndex) *targets.List {
	defaults := map[string]bool{}
	if names, diags := b.Expand(nil); !diags.HasErrors() {
		for _, n := range names {
			defaults[n] = true
		}
	}
	l := &targets.List{Sources: si.data()}
	for _, t := range b.Targets {
		pl := make([]string, len(t.DefaultPlatforms))
		for i, p := range t.DefaultPlatforms {
			pl[i] = platforms.Format(p)
		}
		l.Targets = append(l.Targets, targets.Target{
			Name:        t.Name,
			Default:     defaults[t.Name],
			Description: t.Description,
			Platform:    strings.Join(pl, ","),
			Location:    si.location(t.DeclRange),
		})
	}
	return l
}

// buildOutline answers --call outline: the variables a user can set and the
// secrets and ssh ids the build needs.
func buildOutline(b *lang.Build, si *sourceIndex, target string) *outline.Outline {
	if target == "" {
		// Describe what a build without --target builds, when that is one target.
		if names, diags := b.Expand(nil); !diags.HasErrors() && len(names) == 1 {
			target = names[0]
		}
	}
	o := &outline.Outline{Name: target, Sources: si.data()}
	if t := b.Target(target); t != nil {
		o.Description = t.Description
	}
	for _, v := range b.Variables {
		arg := outline.Arg{Name: v.Name, Description: v.Description, Location: si.location(v.DeclRange)}
		if !v.Sensitive && v.Value.IsWhollyKnown() && !v.Value.IsNull() && v.Value.Type() == cty.String {
			arg.Value = v.Value.AsString()
		}
		o.Args = append(o.Args, arg)
	}
	for _, s := range b.Secrets {
		o.Secrets = append(o.Secrets, outline.Secret{Name: s.ID, Required: s.Required, Location: si.location(s.DeclRange)})
	}
	for _, s := range b.SSH {
		o.SSH = append(o.SSH, outline.SSH{Name: s.ID, Required: s.Required, Location: si.location(s.DeclRange)})
	}
	return o
}

// lintResults answers --call check: our lint warnings, and check errors as
// the build error.
func lintResults(b *lang.Build, diags hcl.Diagnostics, si *sourceIndex) *lint.LintResults {
	res := &lint.LintResults{Sources: si.infos()}
	diags = langlint.Check(b, diags)
	if !diags.HasErrors() {
		diags = append(diags, cacheWarnings(b, targetSpecs(b))...)
	}
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			if res.Error == nil {
				res.Error = &lint.BuildError{Message: formatDiagnostic(d)}
				if d.Subject != nil {
					if loc := si.location(*d.Subject); loc != nil {
						res.Error.Location = pb.Location{SourceIndex: loc.SourceIndex, Ranges: loc.Ranges}
					}
				}
			}
			continue
		}
		w := lint.Warning{RuleName: compiler.WarningKind(d), Description: d.Summary, Detail: d.Detail}
		if r := langlint.RuleOf(d); r != nil {
			w.Description, w.URL = r.Description, r.URL
		}
		if d.Subject != nil {
			w.Location = si.location(*d.Subject)
		}
		res.Warnings = append(res.Warnings, w)
	}
	sort.SliceStable(res.Warnings, func(i, j int) bool { return res.Warnings[i].RuleName < res.Warnings[j].RuleName })
	return res
}
