// Package lint holds buildlang's lint rules: checks of a build that
// evaluates without errors but is probably not what its author wants
// (a declaration nobody uses, a floating base image, a step order that
// defeats the build cache).
//
// Rules are values, as in BuildKit's Dockerfile linter: each has a stable
// kebab-case ID, a one-line Description and a URL into spec/lint.md, which
// is generated from the rules (go run ./internal/gendocs). A
// finding is an hcl.Diagnostic of severity warning whose Extra is a
// *Finding, so edges (JSON, SARIF, LSP) find its rule with RuleOf, or its
// ID with hcl.DiagnosticExtra[interface{ RuleID() string }].
package lint

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

// DocURL is where spec/lint.md is published; a rule's URL is DocURL#ID.
const DocURL = "https://github.com/org/buildlang/blob/main/spec/lint.md"

// Rule is one lint rule: a stable id, what it checks and where it is documented.
type Rule struct {
	ID          string
	Description string // one line, for listings
	URL         string
	// Explanation says why the rule exists and how to fix a finding.
	Explanation string
	// Bad is a build file the rule warns about; Good is the fixed file.
	Bad, Good string
	check     func(p *pass, r *Rule)
}

// RuleID lets edges (JSON, SARIF, LSP) find a warning's rule in Diagnostic.Extra.
func (r *Rule) RuleID() string { return r.ID }

// Finding is the Extra of a lint finding: its rule, and the lang.DiagInfo
// every diagnostic carries (Kind lang.KindLint, What the rule's ID, Names
// what the finding is about), which lang.DiagInfoOf finds by unwrapping.
type Finding struct {
	*Rule
	Info *lang.DiagInfo
}

// UnwrapDiagnosticExtra lets hcl.DiagnosticExtra reach the DiagInfo.
func (f *Finding) UnwrapDiagnosticExtra() any { return f.Info }

// RuleOf returns the rule of a lint finding, or nil for other diagnostics.
func RuleOf(d *hcl.Diagnostic) *Rule {
	if f, ok := hcl.DiagnosticExtra[*Finding](d); ok {
		return f.Rule
	}
	return nil
}

// Rules lists every rule in the order they run.
var Rules []*Rule

func rule(r *Rule) *Rule {
	r.URL = DocURL + "#" + r.ID
	Rules = append(Rules, r)
	return r
}

// Run applies every rule to a build. It is meant for builds without
// errors, but never fails on one with errors: rules skip what they
// cannot see. Findings come rule by rule, each rule's in source order.
func Run(b *lang.Build) hcl.Diagnostics {
	if b == nil {
		return nil
	}
	p := newPass(b)
	for _, r := range Rules {
		if r.check == nil {
			continue
		}
		start := len(p.diags)
		r.check(p, r)
		found := p.diags[start:]
		sort.SliceStable(found, func(i, j int) bool { return p.before(found[i].Subject, found[j].Subject) })
	}
	p.suppress(UnusedSuppression)
	return p.diags
}

// Check returns what `buildlang check` reports for a build, and the
// frontend's --call check and the language server with it: the
// diagnostics of loading it, with those of every other environment when
// none was selected (lang.Build.CheckEnvironments), then, when they hold
// no error, the lint findings.
func Check(b *lang.Build, diags hcl.Diagnostics) hcl.Diagnostics {
	if b == nil {
		return diags
	}
	return Findings(b, b.CheckEnvironments(diags))
}

// Findings is Check for the selected environment only: what a build
// prints as warnings (a build of one environment does not report another's
// problems).
func Findings(b *lang.Build, diags hcl.Diagnostics) hcl.Diagnostics {
	if b == nil || diags.HasErrors() {
		return diags
	}
	return append(diags, Run(b)...)
}

// pass is what the rules share for one Run: the syntax, the declarations
// in it, and each target evaluated for its first default platform. Which
// names are used is lang's (Build.Refers), found while it checked the
// references.
type pass struct {
	b     *lang.Build
	diags hcl.Diagnostics
	seen  map[seenKey]bool

	fileIndex map[string]int
	// decls are the top-level blocks by type and first label.
	decls map[[2]string]*hclsyntax.Block
	// blocks are every block by the range lang gives steps and mounts,
	// made by attrRange when a finding first needs one.
	blocks map[hcl.Range]*hclsyntax.Block
	specs  []*lang.TargetSpec
	envs   []envItem // made by envItems when a rule asks
}

type seenKey struct {
	rule, detail string
	r            hcl.Range
}

func newPass(b *lang.Build) *pass {
	p := &pass{
		b: b, seen: map[seenKey]bool{}, fileIndex: map[string]int{},
		decls: map[[2]string]*hclsyntax.Block{},
	}
	for i, name := range b.FileOrder {
		p.fileIndex[name] = i
		body := fileBody(b, name)
		if body == nil {
			continue
		}
		for _, blk := range body.Blocks {
			if len(blk.Labels) == 0 {
				continue
			}
			if k := [2]string{blk.Type, blk.Labels[0]}; p.decls[k] == nil {
				p.decls[k] = blk
			}
		}
	}
	for _, t := range b.Targets {
		plat := b.BuildPlatform
		if len(t.DefaultPlatforms) > 0 {
			plat = t.DefaultPlatforms[0]
		}
		if spec := p.resolve(t.Name, plat); spec != nil {
			p.specs = append(p.specs, spec)
		}
	}
	return p
}

// fileBody is the native syntax of one of b's files, or nil.
func fileBody(b *lang.Build, name string) *hclsyntax.Body {
	if f := b.Files[name]; f != nil {
		body, _ := f.Body.(*hclsyntax.Body)
		return body
	}
	return nil
}

// resolve evaluates a target, never letting a bug in evaluation take the
// linter down with it.
func (p *pass) resolve(name string, plat ocispecs.Platform) (spec *lang.TargetSpec) {
	defer func() {
		if recover() != nil {
			spec = nil
		}
	}()
	spec, _ = p.b.Resolve(name, plat)
	return spec
}

func (p *pass) used(root, name string) bool { return p.b.Refers(root, name) }

// warn adds a finding once per rule, range and detail: a target evaluated
// as several matrix instances reports a shared line once. It returns the
// finding's DiagInfo, for the rule to add fixes, or nil for a repeat.
func (p *pass) warn(r *Rule, subject hcl.Range, summary, detail string, names ...string) *lang.DiagInfo {
	k := seenKey{r.ID, detail, subject}
	if p.seen[k] {
		return nil
	}
	p.seen[k] = true
	info := &lang.DiagInfo{Kind: lang.KindLint, What: r.ID, Names: names}
	p.diags = append(p.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  summary,
		Detail:   detail,
		Subject:  subject.Ptr(),
		Extra:    &Finding{Rule: r, Info: info},
	})
	return info
}

// before orders ranges by file load order, then position; nil first.
func (p *pass) before(a, b *hcl.Range) bool {
	switch {
	case a == nil || b == nil:
		return a == nil && b != nil
	case a.Filename != b.Filename:
		return p.fileIndex[a.Filename] < p.fileIndex[b.Filename]
	}
	return a.Start.Byte < b.Start.Byte
}

// labelRange is the range of a top-level block's name label, or fallback.
func (p *pass) labelRange(typ, name string, fallback hcl.Range) hcl.Range {
	if blk := p.decls[[2]string{typ, name}]; blk != nil && len(blk.LabelRanges) > 0 {
		return blk.LabelRanges[0]
	}
	return fallback
}

// attrRange is the range of the expression of a step or mount block's
// attribute, or the block's header when it has no such attribute.
func (p *pass) attrRange(blockRange hcl.Range, attr string) hcl.Range {
	if p.blocks == nil {
		p.blocks = map[hcl.Range]*hclsyntax.Block{}
		for _, name := range p.b.FileOrder {
			if body := fileBody(p.b, name); body != nil {
				p.indexBlocks(body)
			}
		}
	}
	blk := p.blocks[blockRange]
	if blk == nil {
		return blockRange
	}
	if a := blk.Body.Attributes[attr]; a != nil {
		return a.Expr.Range()
	}
	if r, ok := lang.ShortFormRange(blk, attr); ok {
		return r
	}
	return blk.DefRange()
}

// indexBlocks adds every block in body to p.blocks.
func (p *pass) indexBlocks(body *hclsyntax.Body) {
	for _, blk := range body.Blocks {
		p.blocks[hcl.RangeBetween(blk.DefRange(), blk.Body.SrcRange)] = blk
		p.indexBlocks(blk.Body)
	}
}

// WithRuleIDs is diags as text output shows them: each lint finding's rule
// id after its summary, in brackets ("Warning: Unused variable
// [unused-variable]"), as spec/lint.md says. diags are not changed.
func WithRuleIDs(diags hcl.Diagnostics) hcl.Diagnostics {
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		if r := RuleOf(d); r != nil {
			c := *d
			c.Summary += " [" + r.ID + "]"
			d = &c
		}
		out[i] = d
	}
	return out
}
