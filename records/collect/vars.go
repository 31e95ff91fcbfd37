package collect

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/records"
)

// The variables that reach a step are the ones its block's expressions
// name, directly or through locals, and those of the target attributes
// that shape every step (args, env, workdir, user, shell, network,
// no_cache; from and platform for the base), along its inherits chain.

// stepAttrs are the target attributes that reach its steps; baseAttrs
// those that reach its FROM.
var (
	stepAttrs = []string{"args", "env", "workdir", "user", "shell", "network", "no_cache"}
	baseAttrs = []string{"from", "platform"}
)

type varIndex struct {
	b      *lang.Build
	key    []byte
	locals map[string]hcl.Expression
	memo   map[string][]string // local name → variables
	used   map[string]*records.Var
}

func newVarIndex(b *lang.Build, key []byte) *varIndex {
	x := &varIndex{b: b, key: key, locals: map[string]hcl.Expression{}, memo: map[string][]string{}}
	if b == nil {
		return x
	}
	for _, name := range b.FileOrder {
		body, ok := b.Files[name].Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, blk := range body.Blocks {
			if blk.Type == "locals" {
				for n, a := range blk.Body.Attributes {
					x.locals[n] = a.Expr
				}
			}
		}
	}
	return x
}

// forStep returns the variables reaching a step, in the build file the
// build names file, and notes their values.
func (x *varIndex) forStep(target, file string, s *records.Step) []string {
	if x.b == nil || file == "" {
		return nil
	}
	names := map[string]bool{}
	attrs := stepAttrs
	if s.Kind() == "base" {
		attrs = baseAttrs
	}
	if f := x.b.Files[file]; f != nil {
		if body, ok := f.Body.(*hclsyntax.Body); ok {
			for _, tb := range body.Blocks {
				if tb.Type != "target" || !within(tb.Range(), s.Line) {
					continue
				}
				x.stepBlock(tb.Body, s, names)
				x.targetAttrs(tb, attrs, names, map[*hclsyntax.Block]bool{})
			}
		}
	}
	if t := x.b.Target(target); t != nil {
		if tb := x.targetBlock(t.Block); tb != nil {
			x.targetAttrs(tb, attrs, names, map[*hclsyntax.Block]bool{})
		}
	}
	var out []string
	for n := range names {
		if v := x.note(n); v != nil {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// stepBlock adds the variables of the step block (or FROM attribute)
// starting at the step's line.
func (x *varIndex) stepBlock(body *hclsyntax.Body, s *records.Step, names map[string]bool) {
	for _, blk := range body.Blocks {
		if blk.TypeRange.Start.Line == s.Line {
			x.body(blk.Body, names)
			x.secretVars(blk.Body, names)
			return
		}
	}
	for _, a := range body.Attributes {
		if a.Name == "from" && a.SrcRange.Start.Line == s.Line {
			x.expr(a.Expr, names)
		}
	}
}

func (x *varIndex) targetAttrs(tb *hclsyntax.Block, attrs []string, names map[string]bool, seen map[*hclsyntax.Block]bool) {
	if seen[tb] {
		return
	}
	seen[tb] = true
	for _, n := range attrs {
		if a := tb.Body.Attributes[n]; a != nil {
			x.expr(a.Expr, names)
		}
	}
	if a := tb.Body.Attributes["inherits"]; a != nil {
		for _, tr := range a.Expr.Variables() {
			if tr.RootName() == "target" && len(tr) > 1 {
				if at, ok := tr[1].(hcl.TraverseAttr); ok {
					if parent := x.targetBlock(at.Name); parent != nil {
						x.targetAttrs(parent, attrs, names, seen)
					}
				}
			}
		}
	}
}

// secretVars adds the variables that give the value of the secrets a
// step mounts (secret "NAME" { var = var.X }): sensitive ones, recorded as
// keyed hashes.
func (x *varIndex) secretVars(step *hclsyntax.Body, names map[string]bool) {
	for _, m := range step.Blocks {
		if m.Type != "secret" || len(m.Labels) == 0 {
			continue
		}
		if sb := x.topBlock("secret", m.Labels[0]); sb != nil {
			if a := sb.Body.Attributes["var"]; a != nil {
				x.expr(a.Expr, names)
			}
		}
	}
}

func (x *varIndex) targetBlock(name string) *hclsyntax.Block { return x.topBlock("target", name) }

func (x *varIndex) topBlock(typ, name string) *hclsyntax.Block {
	for _, fn := range x.b.FileOrder {
		body, ok := x.b.Files[fn].Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, blk := range body.Blocks {
			if blk.Type == typ && len(blk.Labels) > 0 && blk.Labels[0] == name {
				return blk
			}
		}
	}
	return nil
}

func (x *varIndex) body(b *hclsyntax.Body, names map[string]bool) {
	for _, a := range b.Attributes {
		x.expr(a.Expr, names)
	}
	for _, blk := range b.Blocks {
		x.body(blk.Body, names)
	}
}

func (x *varIndex) expr(e hcl.Expression, names map[string]bool) {
	for _, tr := range e.Variables() {
		if len(tr) < 2 {
			continue
		}
		at, ok := tr[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		switch tr.RootName() {
		case "var":
			names[at.Name] = true
		case "local":
			for _, n := range x.local(at.Name) {
				names[n] = true
			}
		}
	}
}

// local returns the variables a local value reads, through other locals.
func (x *varIndex) local(name string) []string {
	if vs, ok := x.memo[name]; ok {
		return vs
	}
	x.memo[name] = nil // a cycle reads nothing more
	e := x.locals[name]
	if e == nil {
		return nil
	}
	names := map[string]bool{}
	x.expr(e, names)
	var out []string
	for n := range names {
		out = append(out, n)
	}
	x.memo[name] = out
	return out
}

// note records a variable's value (a keyed hash when sensitive) and what
// set it.
func (x *varIndex) note(name string) *records.Var {
	if v := x.used[name]; v != nil {
		return v
	}
	var decl *lang.Variable
	for _, v := range x.b.Variables {
		if v.Name == name {
			decl = v
		}
	}
	if decl == nil {
		return nil
	}
	v := &records.Var{Sensitive: decl.Sensitive, Source: x.source(decl)}
	val := decl.ValueString()
	if decl.Sensitive {
		v.Hash = records.KeyedHash(x.key, name, val)
	} else {
		v.Value = val
	}
	if x.used == nil {
		x.used = map[string]*records.Var{}
	}
	x.used[name] = v
	return v
}

func (x *varIndex) source(v *lang.Variable) string {
	switch v.Source {
	case lang.FromOverride:
		return "--var"
	case lang.FromHostEnv:
		return "the environment variable " + v.HostEnv
	case lang.FromEnvironment:
		return "environment " + x.b.Env.Name
	}
	return "its default"
}

func within(r hcl.Range, line int) bool { return r.Start.Line <= line && line <= r.End.Line }
