package lint

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang/internal/walk"
	"github.com/zclconf/go-cty/cty"
)

// EnvVariableAdvice ends the literal-variable-in-env warning: what to
// write instead of $NAME in an env value. It is one constant so that the
// way to extend the base image's variables, when the language has one,
// changes the advice in one place.
const EnvVariableAdvice = "In an env value, base.env.NAME reads the value the image has so far (the base image's, for a target's env): PATH = \"/opt/bin:${base.env.PATH}\"."

// envItem is one item of an env or args map literal in a target, run or
// set block.
type envItem struct {
	attr     string // "env" or "args"
	block    string // "target", "run" or "set"
	key      string
	keyRange hcl.Range
	value    hclsyntax.Expression
}

// envItems lists, in source order, the items of every env and args map
// literal of the build's targets and their run and set steps.
func (p *pass) envItems() []envItem {
	if p.envs != nil {
		return p.envs
	}
	n := 0 // counted first, so the slice is made once
	p.envMaps(func(_ string, body *hclsyntax.Body, attrs ...string) {
		for _, attr := range attrs {
			if a := body.Attributes[attr]; a != nil {
				if obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
					n += len(obj.Items)
				}
			}
		}
	})
	p.envs = make([]envItem, 0, n)
	p.envMaps(p.mapItems)
	return p.envs
}

// envMaps calls fn for each target block and each of their run and set
// steps, in source order, with the attributes that hold env and args maps.
func (p *pass) envMaps(fn func(block string, body *hclsyntax.Body, attrs ...string)) {
	for _, name := range p.b.FileOrder {
		f := p.b.Files[name]
		if f == nil {
			continue
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, t := range body.Blocks {
			if t.Type != "target" {
				continue
			}
			fn("target", t.Body, "args", "env")
			for _, st := range t.Body.Blocks {
				if st.Type == "run" || st.Type == "set" {
					fn(st.Type, st.Body, "env")
				}
			}
		}
	}
}

func (p *pass) mapItems(block string, body *hclsyntax.Body, attrs ...string) {
	for _, attr := range attrs {
		a := body.Attributes[attr]
		if a == nil {
			continue
		}
		obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
		if !ok {
			continue
		}
		for _, item := range obj.Items {
			if key := itemKey(item.KeyExpr); key != "" {
				p.envs = append(p.envs, envItem{attr: attr, block: block, key: key, keyRange: item.KeyExpr.Range(), value: item.ValueExpr})
			}
		}
	}
}

// itemKey is the key an object item's key expression names: a bare name
// as hcl.ExprAsKeyword reads it, or a string the expression evaluates to
// without variables; "" if neither. The commonest keys, a name and a
// quoted string, are read directly: HCL's way builds a diagnostic for
// every quoted one.
func itemKey(x hclsyntax.Expression) string {
	if k, ok := x.(*hclsyntax.ObjectConsKeyExpr); ok && !k.ForceNonLiteral {
		switch w := k.Wrapped.(type) {
		case *hclsyntax.ScopeTraversalExpr:
			if len(w.Traversal) != 1 {
				return ""
			}
			if root, ok := w.Traversal[0].(hcl.TraverseRoot); ok {
				return root.Name
			}
		case *hclsyntax.TemplateExpr:
			if len(w.Parts) == 1 {
				if lit, ok := w.Parts[0].(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && lit.Val.IsKnown() && !lit.Val.IsNull() && !lit.Val.IsMarked() {
					return lit.Val.AsString()
				}
			}
		}
	}
	if key := hcl.ExprAsKeyword(x); key != "" {
		return key
	}
	if v, diags := x.Value(nil); !diags.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
		return v.AsString()
	}
	return ""
}

// shellVariable matches $NAME and ${NAME} as a shell or a Dockerfile's ENV
// would expand them.
var shellVariable = regexp.MustCompile(`\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)`)

// literalVariables calls fn for each literal text of expr that holds a
// shell variable, with its range and the first variable.
func literalVariables(expr hclsyntax.Expression, fn func(text, variable string, r hcl.Range)) {
	walk.All(expr, func(n hclsyntax.Node) {
		lit, ok := n.(*hclsyntax.LiteralValueExpr)
		if !ok || lit.Val.Type() != cty.String || !lit.Val.IsKnown() || lit.Val.IsNull() {
			return
		}
		if m := shellVariable.FindString(lit.Val.AsString()); m != "" {
			fn(lit.Val.AsString(), m, lit.SrcRange)
		}
	})
}

// Secret-looking names, as BuildKit's SecretsUsedInArgOrEnv finds them: a
// secret word as the whole name or its first or last _-separated word,
// unless an allowed word is one of them (PUBLIC_KEY, TOKEN_FILE).
var (
	secretName   = regexp.MustCompile(`(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)`)
	allowSecrets = regexp.MustCompile(`(?i)(?:_|^)(?:public|file|version)(?:_|$)`)
)

func looksSecret(name string) bool {
	name = strings.ReplaceAll(name, "-", "_")
	return secretName.MatchString(name) && !allowSecrets.MatchString(name)
}
