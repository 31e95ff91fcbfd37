package lint

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang/internal/par"
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
//
// The target blocks are read on every core: this is the first pass over
// their syntax since it was parsed, and on a large file it is memory
// latency, not instructions (a 1,000-target file: 4 ms on one core,
// 0.7 ms when the same blocks are in cache).
func (p *pass) envItems() []envItem {
	if p.envs != nil {
		return p.envs
	}
	var targets []*hclsyntax.Block
	for _, name := range p.b.FileOrder {
		if body := fileBody(p.b, name); body != nil {
			for _, t := range body.Blocks {
				if t.Type == "target" {
					targets = append(targets, t)
				}
			}
		}
	}
	perTarget := make([][]envItem, len(targets))
	if panics := par.Each(len(targets), func(i int) { perTarget[i] = targetEnvItems(targets[i]) }); panics != nil {
		panic(panics[0]) // a bug: raised on the caller, as without goroutines
	}
	n := 0
	for _, items := range perTarget {
		n += len(items)
	}
	p.envs = make([]envItem, 0, n) // not nil, even when empty: made once
	for _, items := range perTarget {
		p.envs = append(p.envs, items...)
	}
	return p.envs
}

// targetEnvItems lists the env and args items of target block t, then
// those of its run and set steps, in source order.
func targetEnvItems(t *hclsyntax.Block) []envItem {
	items := mapItems(nil, "target", t.Body, "args", "env")
	for _, st := range t.Body.Blocks {
		if st.Type == "run" || st.Type == "set" {
			items = mapItems(items, st.Type, st.Body, "env")
		}
	}
	return items
}

// mapItems appends to items those of the map literals body's attributes
// attrs hold.
func mapItems(items []envItem, block string, body *hclsyntax.Body, attrs ...string) []envItem {
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
				items = append(items, envItem{attr: attr, block: block, key: key, keyRange: item.KeyExpr.Range(), value: item.ValueExpr})
			}
		}
	}
	return items
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
		text := lit.Val.AsString()
		if strings.IndexByte(text, '$') < 0 {
			return // the commonest case, and no match: a variable starts with $
		}
		if m := shellVariable.FindString(text); m != "" {
			fn(text, m, lit.SrcRange)
		}
	})
}

// Secret-looking names, as BuildKit's SecretsUsedInArgOrEnv finds them: a
// secret word as the whole name or its first or last _-separated word,
// unless an allowed word is one of them (PUBLIC_KEY, TOKEN_FILE).
var (
	secretName   = regexp.MustCompile(`(?i)(?:_|^)(?:` + strings.Join(secretWords, "|") + `)(?:_|$)`)
	allowSecrets = regexp.MustCompile(`(?i)(?:_|^)(?:public|file|version)(?:_|$)`)
)

// secretWords are the words secretName matches; mayLookSecret looks for
// them without it.
var secretWords = []string{"apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"}

func looksSecret(name string) bool {
	if !mayLookSecret(name) {
		return false
	}
	name = strings.ReplaceAll(name, "-", "_")
	return secretName.MatchString(name) && !allowSecrets.MatchString(name)
}

// mayLookSecret is false when name cannot match secretName, since it holds
// none of secretWords in any case: most names, tested without the regular
// expression. Names that are long or not ASCII are left to it ((?i) folds
// beyond ASCII: "ſ" matches "s").
func mayLookSecret(name string) bool {
	var lower [64]byte
	if len(name) > len(lower) {
		return true
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf {
			return true
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	for _, w := range secretWords {
		if bytes.Contains(lower[:len(name)], []byte(w)) {
			return true
		}
	}
	return false
}
