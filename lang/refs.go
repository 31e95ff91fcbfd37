package lang

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang/internal/par"
	"github.com/org/buildlang/lang/internal/walk"
)

// refKinds maps each reference root to the kind of thing it names, as
// error messages say it.
var refKinds = map[string]string{
	"var": "variable", "local": "local value", "target": "target", "group": "group",
	"secret": "secret", "ssh": "ssh", "cache": "cache", "environment": "environment",
	"matrix": "matrix key", "policy": "policy", "mounts": "mount set",
}

// Roots lists every name an expression may start with, for the language
// server's completion and for suggestions.
var Roots = []string{
	"var", "local", "env", "environment", "target", "group", "secret", "ssh", "cache", "mounts", "policy",
	"matrix", "scratch", "context", "contexts", "build_platform", "target_platform", "base",
}

// EnvAttributes are the attributes of env and environment.NAME.
var EnvAttributes = []string{"name", "platforms", "cache", "vars", "network"}

// refScope says which roots are valid where an expression stands.
type refScope struct {
	inTarget   bool
	matrixKeys []string // nil when the target has no matrix (or it is not literal)
	hasMatrix  bool
	inEnv      bool // environment blocks see only functions and cache
	inVariable bool // a variable's type is a type expression, not a value
	inLocals   bool // locals are evaluated before targets exist
}

// checkReferences walks every expression of every file and reports
// references to things that do not exist, with suggestions. It runs before
// anything is built so a typo is one clear error, not a cascade.
func (e *evaluator) checkReferences() hcl.Diagnostics {
	// Every top-level block (and each file's top-level attributes) is
	// checked on every core. The checks only read the evaluator once the
	// name sets are made; the suggestions for unknown names, which share
	// one budget (suggestWork), are made after, in source order.
	e.makeNameSets()
	type part struct {
		attrs *hclsyntax.Body // a file's top-level attributes, or
		block *hclsyntax.Block
		found []refProblem
	}
	var parts []*part
	for _, name := range e.build.FileOrder {
		body, ok := e.build.Files[name].Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		parts = append(parts, &part{attrs: body})
		for _, b := range body.Blocks {
			if b.Type != "function" { // parameters are checked when the function runs
				parts = append(parts, &part{block: b})
			}
		}
	}
	panics := par.Each(len(parts), func(i int) {
		pt := parts[i]
		if pt.attrs != nil {
			for _, a := range pt.attrs.Attributes {
				pt.found = e.checkExpr(pt.found, a.Expr, refScope{inEnv: true})
			}
			return
		}
		b := pt.block
		sc := refScope{}
		switch b.Type {
		case "environment", "policy":
			sc.inEnv = true
		case "variable":
			sc.inVariable = true
		case "locals":
			sc.inLocals = true
		case "mounts":
			sc.inTarget = true // evaluated in each step that uses the set
		case "target":
			sc.inTarget = true
			if m := b.Body.Attributes["matrix"]; m != nil {
				sc.hasMatrix = true
				sc.matrixKeys = literalKeys(m.Expr)
			}
		}
		pt.found = e.checkBody(pt.found, b.Body, sc)
	})
	var diags hcl.Diagnostics
	for i, pt := range parts {
		for _, p := range pt.found {
			diags = append(diags, e.refDiagnostic(p))
		}
		for _, p := range panics {
			if p.Index == i {
				at := pt.attrs.SrcRange
				if pt.block != nil {
					at = pt.block.DefRange()
				}
				diags = append(diags, InternalError("check the references", p.Value, at))
			}
		}
	}
	return diags
}

func (e *evaluator) checkBody(found []refProblem, body *hclsyntax.Body, sc refScope) []refProblem {
	for _, a := range body.Attributes {
		if sc.inVariable && a.Name == "type" || sc.inTarget && a.Name == "script" {
			continue // a type expression; a script's text, never evaluated
		}
		found = e.checkExpr(found, a.Expr, sc)
	}
	for _, b := range body.Blocks {
		if b.Type == "dynamic" && sc.inTarget {
			continue // its iterator is in scope only when it is expanded, and checked then
		}
		found = e.checkBody(found, b.Body, sc)
	}
	return found
}

func (e *evaluator) checkExpr(found []refProblem, expr hclsyntax.Expression, sc refScope) []refProblem {
	for _, t := range walk.Variables(expr) {
		if p := e.checkTraversal(t, sc); p != (refProblem{}) {
			found = append(found, p)
		}
	}
	return found
}

// refProblem is a reference checkTraversal found wrong: its diagnostic,
// or a name unknown after its root, reported with suggestions from names
// (refDiagnostic).
type refProblem struct {
	diag    *hcl.Diagnostic
	unknown *unknownName
}

type unknownName struct {
	kind, name string
	names      []string
	subject    hcl.Range
}

// refDiagnostic is the diagnostic of a problem; problems must be given in
// source order, since suggestions share one budget.
func (e *evaluator) refDiagnostic(p refProblem) *hcl.Diagnostic {
	d := p.diag
	if u := p.unknown; u != nil {
		// Suggestions compare the name with every candidate: a file with
		// 30,000 unknown names among 30,000 declared ones gets them only
		// until the build's share of that work is spent.
		names := u.names
		if e.suggestWork += min(len(names), maxSuggestWork); e.suggestWork > maxSuggestTotal {
			names = nil
		}
		d = UnknownReference(u.kind, u.name, names, u.subject)
	}
	DiagInfoOf(d).reference = true
	return d
}

func (e *evaluator) checkTraversal(t hcl.Traversal, sc refScope) refProblem {
	problem := func(d *hcl.Diagnostic) refProblem { return refProblem{diag: d} }
	root := t.RootName()
	rootRange := t[0].SourceRange()
	if sc.inEnv && root != "cache" && root != "policy" {
		return problem(ReferenceNotAllowed(root, false, rootRange))
	}
	if sc.inLocals && root == "target" {
		return problem(ReferenceNotAllowed(root, true, rootRange))
	}
	switch root {
	case "matrix":
		if !sc.hasMatrix {
			return problem(NoMatrix(rootRange))
		}
	case "build_platform", "target_platform":
		if !sc.inTarget {
			return problem(NoPlatform(root, rootRange))
		}
		return refProblem{}
	case "base":
		if !sc.inTarget || len(t) != 3 || stepName(t[1]) != "env" || stepName(t[2]) == "" {
			return problem(BaseEnvMisused(t.SourceRange()))
		}
		return refProblem{}
	case "env", "scratch", "context", "contexts":
		if root == "env" && len(t) > 1 {
			if n := stepName(t[1]); n != "" && !contains(EnvAttributes, n) {
				return problem(UnknownEnvAttribute(n, hcl.RangeBetween(rootRange, t[1].SourceRange())))
			}
		}
		return refProblem{}
	}
	kind, ok := refKinds[root]
	if !ok {
		return problem(e.unknownRoot(root, sc, rootRange))
	}
	if len(t) < 2 {
		return refProblem{} // the whole object, e.g. length(var)
	}
	name := stepName(t[1])
	if name == "" {
		return refProblem{} // a computed index; checked when evaluated
	}
	names := e.namesOf(root, sc)
	if names == nil || e.declared(root, names, name) {
		return refProblem{}
	}
	return refProblem{unknown: &unknownName{kind, name, names, hcl.RangeBetween(rootRange, t[1].SourceRange())}}
}

// nameSetKey identifies a list of names by its backing array: the lists
// are made once per build (Build.names when targets or groups change).
type nameSetKey struct {
	root  string
	first *string
	n     int
}

// maxSuggestTotal bounds the names compared for suggestions in one build.
const maxSuggestTotal = 200_000

// declared says whether name is one of names, the names after root: a set
// per root (makeNameSets), since a build checks every reference against
// them.
func (e *evaluator) declared(root string, names []string, name string) bool {
	if len(names) < 16 || root == "matrix" {
		return contains(names, name)
	}
	if set := e.nameSets[nameSetKey{root, &names[0], len(names)}]; set != nil {
		return set[name]
	}
	return contains(names, name)
}

// makeNameSets makes the name sets declared reads, for every root's
// names as they are now.
func (e *evaluator) makeNameSets() {
	if e.nameSets == nil {
		e.nameSets = map[nameSetKey]map[string]bool{}
	}
	for root := range refKinds {
		names := e.namesOf(root, refScope{})
		if len(names) < 16 || root == "matrix" {
			continue
		}
		k := nameSetKey{root, &names[0], len(names)}
		if e.nameSets[k] != nil {
			continue
		}
		set := make(map[string]bool, len(names))
		for _, n := range names {
			set[n] = true
		}
		e.nameSets[k] = set
	}
}

// namesOf lists the names valid after a root; nil means "do not check".
func (e *evaluator) namesOf(root string, sc refScope) []string {
	switch root {
	case "var":
		return nonNil(e.decls.variables.order)
	case "local":
		return nonNil(e.decls.localOrder)
	case "target":
		return nonNil(e.build.names())
	case "group":
		return nonNil(e.decls.groups.order)
	case "secret":
		return nonNil(e.decls.secrets.order)
	case "ssh":
		return nonNil(e.decls.ssh.order)
	case "cache":
		return nonNil(e.decls.caches.order)
	case "mounts":
		return nonNil(e.decls.mounts.order)
	case "policy":
		return nonNil(e.decls.policies.order)
	case "environment":
		return nonNil(e.decls.environments.order)
	case "matrix":
		return sc.matrixKeys
	}
	return nil
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// literalKeys are the keys of an object literal, or nil when the
// expression is not one.
func literalKeys(expr hclsyntax.Expression) []string {
	obj, ok := expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	keys := []string{}
	for _, item := range obj.Items {
		k := hcl.ExprAsKeyword(item.KeyExpr)
		if k == "" {
			return nil
		}
		if k != "exclude" && k != "include" {
			keys = append(keys, k)
		}
	}
	return keys
}

// unknownRoot reports a reference whose root is no root: a shell variable
// in a template (${GIT_SHA}), a declared name without its root (a for
// local.a), or a misspelt root.
func (e *evaluator) unknownRoot(root string, sc refScope, subject hcl.Range) *hcl.Diagnostic {
	var inScope []string
	for _, r := range []string{"local", "var", "target", "group", "secret", "ssh", "cache", "matrix"} {
		if (r == "target" || r == "group") && (sc.inLocals || sc.inVariable) {
			continue
		}
		if names := e.namesOf(r, sc); names != nil && e.declared(r, names, root) {
			inScope = append(inScope, r+"."+root)
		}
	}
	if interp, ok := e.interpolation(subject); ok {
		return ShellVariableInTemplate(root, inScope, interp, subject)
	}
	return UnknownRoot(root, inScope, Roots, subject)
}

// interpolation returns the range of the ${...} around r when r is all
// that a template interpolation holds.
func (e *evaluator) interpolation(r hcl.Range) (hcl.Range, bool) {
	f := e.build.Files[r.Filename]
	if f == nil || r.End.Byte > len(f.Bytes) {
		return hcl.Range{}, false
	}
	src := f.Bytes
	start := r.Start.Byte
	for start > 0 && (src[start-1] == ' ' || src[start-1] == '\t') {
		start--
	}
	end := r.End.Byte
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	if start < 2 || src[start-2] != '$' || src[start-1] != '{' || end >= len(src) || src[end] != '}' {
		return hcl.Range{}, false
	}
	if start >= 3 && src[start-3] == '$' {
		return hcl.Range{}, false // $${ is an escape, not an interpolation
	}
	// Interpolations sit on one line, so columns move with bytes.
	out := r
	out.Start.Byte, out.Start.Column = start-2, r.Start.Column-(r.Start.Byte-start)-2
	out.End.Byte, out.End.Column = end+1, r.End.Column+(end-r.End.Byte)+1
	return out, true
}
