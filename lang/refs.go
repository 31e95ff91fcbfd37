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
	var parts []*refWalker
	for _, name := range e.build.FileOrder {
		body, ok := e.build.Files[name].Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		parts = append(parts, &refWalker{e: e, attrs: body})
		for _, b := range body.Blocks {
			parts = append(parts, &refWalker{e: e, block: b})
		}
	}
	panics := par.Each(len(parts), func(i int) { parts[i].walk() })
	var diags hcl.Diagnostics
	uses := &nameUses{names: map[string]map[string]bool{}, whole: map[string]bool{}}
	for i, pt := range parts {
		for _, p := range pt.found {
			diags = append(diags, e.refDiagnostic(p))
		}
		uses.record(pt)
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
	e.build.uses = uses
	return diags
}

// refWalker walks one top-level part of a file (its top-level attributes,
// or one top-level block) once, for two things: the references that are
// wrong (found), and the names it refers to (uses, whole), which
// Build.Refers answers from.
type refWalker struct {
	e     *evaluator
	attrs *hclsyntax.Body // a file's top-level attributes, or
	block *hclsyntax.Block

	found []refProblem
	uses  [][2]string // root and name of each root.NAME or root["NAME"]
	whole []string    // roots used as a whole, or with a computed key
}

// walk checks and records the walker's part.
func (w *refWalker) walk() {
	if w.attrs != nil {
		for _, a := range w.attrs.Attributes {
			w.expr(a.Expr, refScope{inEnv: true}, true, noSelf)
		}
		return
	}
	b := w.block
	sc := refScope{}
	switch b.Type {
	case "function":
		// Parameters are checked when the function runs; its names are
		// still uses.
		w.usesOf(b.Body)
		return
	case "variable":
		sc.inVariable = true
		if len(b.Labels) == 0 {
			break
		}
		// A variable's validations refer to the variable itself; that is
		// not a use. Only its attributes and those of its blocks count.
		self := [2]string{"var", b.Labels[0]}
		for _, a := range b.Body.Attributes {
			w.expr(a.Expr, sc, a.Name != "type", noSelf) // a type expression is not checked
		}
		for _, vb := range b.Body.Blocks {
			for _, a := range vb.Body.Attributes {
				w.expr(a.Expr, sc, a.Name != "type", self)
			}
			w.checkBlocks(vb.Body, sc)
		}
		return
	case "locals":
		// A local's own value referring to it is a cycle, not a use.
		sc.inLocals = true
		for name, a := range b.Body.Attributes {
			w.expr(a.Expr, sc, true, [2]string{"local", name})
		}
		w.checkBlocks(b.Body, sc)
		return
	case "environment", "policy":
		sc.inEnv = true
	case "mounts":
		sc.inTarget = true // evaluated in each step that uses the set
	case "target":
		sc.inTarget = true
		if m := b.Body.Attributes["matrix"]; m != nil {
			sc.hasMatrix = true
			sc.matrixKeys = literalKeys(m.Expr)
		}
	}
	w.body(b.Body, sc, true)
}

// noSelf is the self reference of parts that have none.
var noSelf [2]string

// body walks a block's body: each attribute is checked when check holds
// and sc allows, and recorded as uses.
func (w *refWalker) body(body *hclsyntax.Body, sc refScope, check bool) {
	for _, a := range body.Attributes {
		// A type expression; a script's text, never evaluated.
		skip := sc.inVariable && a.Name == "type" || sc.inTarget && a.Name == "script"
		w.expr(a.Expr, sc, check && !skip, noSelf)
		if a.Name == "mounts" {
			w.mountLabels(a.Expr)
		}
	}
	for _, b := range body.Blocks {
		// A mount of a declared secret or ssh uses it by its label.
		if (b.Type == "secret" || b.Type == "ssh") && len(b.Labels) > 0 {
			w.use(b.Type, b.Labels[0])
		}
		// A dynamic block's iterator is in scope only when it is
		// expanded, and checked then.
		w.body(b.Body, sc, check && !(b.Type == "dynamic" && sc.inTarget))
	}
}

// usesOf records the uses in a body that is not checked.
func (w *refWalker) usesOf(body *hclsyntax.Body) { w.body(body, refScope{}, false) }

// checkBlocks checks the blocks of body without recording uses: the
// blocks of locals and of a variable's blocks use nothing.
func (w *refWalker) checkBlocks(body *hclsyntax.Body, sc refScope) {
	for _, b := range body.Blocks {
		for _, a := range b.Body.Attributes {
			if !(sc.inVariable && a.Name == "type") {
				w.found = w.e.checkExprOnly(w.found, a.Expr, sc)
			}
		}
		w.checkBlocks(b.Body, sc)
	}
}

// mountLabels records the secrets and ssh agents a mounts attribute's
// calls name by label (secret("id")).
func (w *refWalker) mountLabels(expr hclsyntax.Expression) {
	hclsyntax.VisitAll(expr, func(n hclsyntax.Node) hcl.Diagnostics {
		if x, isExpr := n.(hclsyntax.Expression); isExpr {
			if kind, label, _, ok := MountCallLabel(x); ok && (kind == "secret" || kind == "ssh") {
				w.use(kind, label)
			}
		}
		return nil
	})
}

// expr checks an expression's references when check holds and records
// the names it uses, except self.
func (w *refWalker) expr(expr hclsyntax.Expression, sc refScope, check bool, self [2]string) {
	for _, t := range walk.Variables(expr) {
		if check {
			if p := w.e.checkTraversal(t, sc); p != (refProblem{}) {
				w.found = append(w.found, p)
			}
		}
		root := t.RootName()
		name := ""
		if len(t) >= 2 {
			name = stepName(t[1])
		}
		switch {
		case name == "":
			w.whole = append(w.whole, root)
		case root != self[0] || name != self[1]:
			w.use(root, name)
		}
	}
}

func (w *refWalker) use(root, name string) { w.uses = append(w.uses, [2]string{root, name}) }

func (e *evaluator) checkExprOnly(found []refProblem, expr hclsyntax.Expression, sc refScope) []refProblem {
	for _, t := range walk.Variables(expr) {
		if p := e.checkTraversal(t, sc); p != (refProblem{}) {
			found = append(found, p)
		}
	}
	return found
}

// nameUses are the names a build's source refers to, per root (var,
// local, secret, ...), made by checkReferences for Build.Refers.
type nameUses struct {
	names map[string]map[string]bool
	whole map[string]bool // roots used as a whole or with a computed key
}

func (u *nameUses) record(w *refWalker) {
	for _, x := range w.uses {
		m := u.names[x[0]]
		if m == nil {
			m = map[string]bool{}
			u.names[x[0]] = m
		}
		m[x[1]] = true
	}
	for _, root := range w.whole {
		u.whole[root] = true
	}
}

// Refers says whether the build's files may refer to root.NAME: an
// expression names it (root.NAME or root["NAME"]), uses root as a whole or
// with a computed key, or, for a secret or ssh agent, mounts it by label
// (a nested secret "NAME" block, a secret("NAME") call). A variable's
// validations naming the variable and a local's value naming the local
// do not count. The lint rules about unused declarations ask this.
func (b *Build) Refers(root, name string) bool {
	u := b.uses
	if u == nil {
		return false
	}
	return u.whole[root] || u.names[root][name]
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
