package lang

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// refKinds maps each reference root to the kind of thing it names, as
// error messages say it.
var refKinds = map[string]string{
	"var": "variable", "local": "local value", "target": "target", "group": "group",
	"secret": "secret", "ssh": "ssh", "cache": "cache", "environment": "environment",
	"matrix": "matrix key",
}

// Roots lists every name an expression may start with, for the language
// server's completion and for suggestions.
var Roots = []string{
	"var", "local", "env", "environment", "target", "group", "secret", "ssh", "cache",
	"matrix", "scratch", "context", "contexts", "build_platform", "target_platform",
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
	var diags hcl.Diagnostics
	for _, name := range e.build.FileOrder {
		body, ok := e.build.Files[name].Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, a := range body.Attributes {
			diags = append(diags, e.checkExpr(a.Expr, refScope{inEnv: true})...)
		}
		for _, b := range body.Blocks {
			sc := refScope{}
			switch b.Type {
			case "function":
				continue // parameters are checked when the function runs
			case "environment":
				sc.inEnv = true
			case "variable":
				sc.inVariable = true
			case "locals":
				sc.inLocals = true
			case "target":
				sc.inTarget = true
				if m := b.Body.Attributes["matrix"]; m != nil {
					sc.hasMatrix = true
					sc.matrixKeys = literalKeys(m.Expr)
				}
			}
			diags = append(diags, e.checkBody(b.Body, sc)...)
		}
	}
	return diags
}

func (e *evaluator) checkBody(body *hclsyntax.Body, sc refScope) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, a := range body.Attributes {
		if sc.inVariable && a.Name == "type" {
			continue
		}
		diags = append(diags, e.checkExpr(a.Expr, sc)...)
	}
	for _, b := range body.Blocks {
		diags = append(diags, e.checkBody(b.Body, sc)...)
	}
	return diags
}

func (e *evaluator) checkExpr(expr hclsyntax.Expression, sc refScope) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range hclsyntax.Variables(expr) {
		if d := e.checkTraversal(t, sc); d != nil {
			d.Extra = referenceError{}
			diags = append(diags, d)
		}
	}
	return diags
}

func (e *evaluator) checkTraversal(t hcl.Traversal, sc refScope) *hcl.Diagnostic {
	root := t.RootName()
	rootRange := t[0].SourceRange()
	if sc.inEnv && root != "cache" {
		return errorf(rootRange, "Reference not allowed here",
			"Environments and includes are evaluated before variables, locals and targets, so they may use only functions and cache.NAME; %q is not available here.", root)
	}
	if sc.inLocals && root == "target" {
		return errorf(rootRange, "Reference not allowed here",
			"Locals are evaluated before targets (a matrix may use them, so the targets are not known yet); refer to target.NAME where it is used, in a target or group, instead of in a local value.")
	}
	switch root {
	case "matrix":
		if !sc.hasMatrix {
			return errorf(rootRange, "No matrix here", "matrix.KEY is only available inside a target with a matrix attribute.")
		}
	case "build_platform", "target_platform":
		if !sc.inTarget {
			return errorf(rootRange, "No platform here", "%s is only available inside target blocks, where each target is evaluated per platform.", root)
		}
		return nil
	case "env", "scratch", "context", "contexts":
		if root == "env" && len(t) > 1 {
			if n := stepName(t[1]); n != "" && !contains(EnvAttributes, n) {
				return errorf(hcl.RangeBetween(rootRange, t[1].SourceRange()), "Unknown environment attribute",
					"env has no attribute %q; it has %s.%s", n, quoteList(EnvAttributes), didYouMean(n, EnvAttributes))
			}
		}
		return nil
	}
	kind, ok := refKinds[root]
	if !ok {
		return errorf(rootRange, "Unknown reference",
			"There is nothing named %q here.%s", root, didYouMean(root, Roots))
	}
	if len(t) < 2 {
		return nil // the whole object, e.g. length(var)
	}
	name := stepName(t[1])
	if name == "" {
		return nil // a computed index; checked when evaluated
	}
	names := e.namesOf(root, sc)
	if names == nil || e.declared(root, names, name) {
		return nil
	}
	// Suggestions compare the name with every candidate: a file with
	// 30,000 unknown names among 30,000 declared ones gets them only until
	// the build's share of that work is spent.
	if e.suggestWork += min(len(names), maxSuggestWork); e.suggestWork > maxSuggestTotal {
		names = nil
	}
	return UnknownReference(kind, name, names, hcl.RangeBetween(rootRange, t[1].SourceRange()))
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
// per root, made once, since a build checks every reference against them.
func (e *evaluator) declared(root string, names []string, name string) bool {
	if len(names) < 16 || root == "matrix" {
		return contains(names, name)
	}
	k := nameSetKey{root, &names[0], len(names)}
	set := e.nameSets[k]
	if set == nil {
		set = make(map[string]bool, len(names))
		for _, n := range names {
			set[n] = true
		}
		if e.nameSets == nil {
			e.nameSets = map[nameSetKey]map[string]bool{}
		}
		e.nameSets[k] = set
	}
	return set[name]
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
