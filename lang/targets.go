package lang

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang/internal/par"
	"github.com/zclconf/go-cty/cty"
)

// targetDecl is a target block decoded structurally (schema, steps in
// order), once; its expressions are evaluated per instance and platform.
type targetDecl struct {
	name        string
	block       *hcl.Block
	content     *hcl.BodyContent
	steps       []*stepDecl
	health      *hcl.BodyContent
	healthRange hcl.Range
	healthBody  hcl.Body
	instances   []*Target
	isMatrix    bool
	// targetRefs and base are scanTarget's: the names mentioned as
	// target.NAME, and the value of base.
	targetRefs []string
	base       cty.Value
	hasBase    bool // base is not noBase: the target reads base.env.NAME
	// mountSetRefs are the names mentioned as mounts.NAME: the targets
	// those sets mention are dependencies too.
	mountSetRefs []string
}

type stepDecl struct {
	kind    StepKind
	block   *hcl.Block
	content *hcl.BodyContent
	mounts  []*mountDecl
	// mountCalls are the mount calls of its mounts list, by index.
	mountCalls map[int]*mountDecl
}

type mountDecl struct {
	kind    MountKind
	block   *hcl.Block
	content *hcl.BodyContent
}

// instance evaluation state kept on the Target.
type targetState struct {
	scope *scope
	ctx   *hcl.EvalContext // the scope's context plus matrix
}

func (e *evaluator) declareTargets(root *scope) hcl.Diagnostics {
	var diags hcl.Diagnostics
	// Decoding a target's block reads only its syntax: every block is
	// decoded on every core first, then expanded in order.
	order := e.decls.targets.order
	type decoded struct {
		td    *targetDecl
		diags hcl.Diagnostics
	}
	decls := make([]decoded, len(order))
	panics := par.Each(len(order), func(i int) {
		b := e.decls.targets.blocks[order[i]]
		decls[i].td, decls[i].diags = decodeTargetDecl(order[i], b, fileBytes(e.build.Files[b.DefRange.Filename]))
	})
	for _, p := range panics {
		// A bug decoding a target leaves it undeclared, with an error.
		name := order[p.Index]
		decls[p.Index] = decoded{diags: hcl.Diagnostics{InternalError(fmt.Sprintf("decode target %q", name), p.Value, e.decls.targets.blocks[name].DefRange)}}
	}
	for i, name := range order {
		td, d := decls[i].td, decls[i].diags
		diags = append(diags, d...)
		if td == nil {
			continue
		}
		e.targetDecls[name] = td
		diags = append(diags, e.expandTarget(td, root)...)
		if len(e.build.Targets) > e.limits.MaxTargets {
			return append(diags, LimitExceeded("targets", e.limits.MaxTargets,
				fmt.Sprintf("This build declares more than %d targets, counting matrix instances.", e.limits.MaxTargets), td.block.LabelRanges[0]))
		}
	}
	return diags
}

func fileBytes(f *hcl.File) []byte {
	if f == nil {
		return nil
	}
	return f.Bytes
}

// decodeTargetDecl decodes the block b of target name; src is the text of
// its file, or nil.
func decodeTargetDecl(name string, b *hcl.Block, src []byte) (*targetDecl, hcl.Diagnostics) {
	td := &targetDecl{name: name, block: b}
	c, diags := bodyContent(b.Body, TargetSchema)
	td.content = c
	if len(b.Labels) > len(TargetSchema.Labels) {
		diags = append(diags, shortFormAttrs(TargetSchema, b, c.Attributes)...)
	}
	for _, sb := range c.Blocks {
		if sb.Type == "healthcheck" {
			if td.health != nil {
				diags = append(diags, DuplicateHealthcheck(sb.DefRange))
				continue
			}
			hc, hdiags := bodyContent(sb.Body, HealthcheckSchema)
			diags = append(diags, hdiags...)
			td.health = hc
			td.healthRange = sb.DefRange
			td.healthBody = sb.Body
			continue
		}
		sd, sdiags := decodeStepDecl(sb)
		diags = append(diags, sdiags...)
		td.steps = append(td.steps, sd)
	}
	if a := c.Attributes["healthcheck"]; a != nil {
		diags = append(diags, td.healthcheckAttr(a)...)
	}
	td.scanTarget(src)
	return td, diags
}

// healthcheckAttr decodes healthcheck = { ... }, the healthcheck block on
// one line: the object's items are the block's attributes.
func (td *targetDecl) healthcheckAttr(a *hcl.Attribute) hcl.Diagnostics {
	if td.health != nil {
		return hcl.Diagnostics{DuplicateHealthcheck(a.NameRange)}
	}
	obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return hcl.Diagnostics{WrongType(`The "healthcheck" attribute`, "an object written in place, like { test = [\"CMD\", \"/healthcheck\"], interval = \"30s\" }", "an expression", a.Expr.Range())}
	}
	body, diags := objectBody(obj, "healthcheck")
	hc, hdiags := bodyContent(body, HealthcheckSchema)
	td.health, td.healthRange, td.healthBody = hc, a.NameRange, body
	return append(diags, hdiags...)
}

func decodeStepDecl(b *hcl.Block) (*stepDecl, hcl.Diagnostics) {
	var spec *BlockSpec
	for _, s := range StepSchemas {
		if s.Type == b.Type {
			spec = s
		}
	}
	sd := &stepDecl{kind: StepKind(b.Type), block: b}
	c, diags := bodyContent(b.Body, spec)
	sd.content = c
	if len(b.Labels) > 0 && spec.Short != nil {
		diags = append(diags, shortFormAttrs(spec, b, c.Attributes)...)
	}
	if spec == RunSchema {
		var mdiags hcl.Diagnostics
		sd.mounts, mdiags = decodeMounts(c, spec)
		diags = append(diags, mdiags...)
		if a := c.Attributes["mounts"]; a != nil {
			sd.mountCalls, mdiags = decodeMountCalls(a)
			diags = append(diags, mdiags...)
		}
	}
	return sd, diags
}

// decodeMounts decodes the mount blocks of a run step or a mounts block
// (spec is RunSchema or MountsSchema, whose blocks are the same).
func decodeMounts(c *hcl.BodyContent, spec *BlockSpec) ([]*mountDecl, hcl.Diagnostics) {
	var out []*mountDecl
	var diags hcl.Diagnostics
	for _, mb := range c.Blocks {
		if mb.Type == "dynamic" && !validDynamic(mb) {
			diags = append(diags, NotAllowed("dynamic block type", mb.Labels[0], dynamicTypes, mb.LabelRanges[0]))
			continue
		}
		mc, mdiags := bodyContent(mb.Body, spec.Block(mb.Type))
		diags = append(diags, mdiags...)
		out = append(out, &mountDecl{kind: MountKind(mb.Type), block: mb, content: mc})
	}
	return out, diags
}

// expandTarget makes the target's instances: one, or one per matrix
// combination.
func (e *evaluator) expandTarget(td *targetDecl, root *scope) hcl.Diagnostics {
	b := td.block
	ma := td.content.Attributes["matrix"]
	if ma == nil {
		if a := td.content.Attributes["name"]; a != nil {
			return hcl.Diagnostics{NameWithoutMatrix(a.NameRange)}
		}
		t := &Target{Name: td.name, Block: td.name, DeclRange: b.DefRange, decl: td}
		return e.addInstance(td, t, &targetState{scope: root, ctx: root.ctx})
	}
	td.isMatrix = true
	combos, keys, diags := e.matrixCombos(ma, root.ctx)
	if diags.HasErrors() {
		return diags
	}
	names := map[string]cty.Value{}
	for _, combo := range combos {
		st, sdiags := e.instanceState(root, combo, ma)
		diags = append(diags, sdiags...)
		if st == nil {
			continue
		}
		name, ndiags := e.instanceName(td, keys, combo, st.ctx)
		diags = append(diags, ndiags...)
		if ndiags.HasErrors() {
			continue
		}
		if prev, dup := names[name]; dup {
			rng := ma.Expr.Range()
			if na := td.content.Attributes["name"]; na != nil {
				rng = na.Expr.Range()
			}
			diags = append(diags, InstanceNamesCollide(td.name, name, showCombo(prev), showCombo(combo), rng))
			continue
		}
		names[name] = combo
		t := &Target{Name: name, Block: td.name, DeclRange: b.DefRange, decl: td, Matrix: combo.AsValueMap()}
		diags = append(diags, e.addInstance(td, t, st)...)
	}
	return diags
}

func (e *evaluator) addInstance(td *targetDecl, t *Target, st *targetState) hcl.Diagnostics {
	if prev := e.instances[t.Name]; prev != nil {
		return hcl.Diagnostics{DuplicateDecl("target", t.Name, prev.DeclRange, t.DeclRange)}
	}
	if t.Name != td.name && e.decls.targets.has(t.Name) {
		rng := td.content.Attributes["matrix"].Expr.Range()
		if na := td.content.Attributes["name"]; na != nil {
			rng = na.Expr.Range()
		}
		return hcl.Diagnostics{InstanceNameTaken(td.name, t.Name, e.decls.targets.blocks[t.Name].LabelRanges[0], rng)}
	}
	d := &decoder{ctx: st.ctx, what: `target "` + t.Name + `"`}
	t.Description = d.str(td.content.Attributes["description"])
	t.Platforms = d.platforms(td.content.Attributes["platforms"], e.limits.MaxPlatforms)
	t.state = st
	td.instances = append(td.instances, t)
	e.instances[t.Name] = t
	e.build.Targets = append(e.build.Targets, t)
	return d.diags
}

// instanceState is the scope and context of one matrix combination. A
// matrix key named env selects the environment of the instance.
func (e *evaluator) instanceState(root *scope, combo cty.Value, ma *hcl.Attribute) (*targetState, hcl.Diagnostics) {
	s := root
	if combo.Type().HasAttribute("env") {
		ev := combo.GetAttr("env")
		if ev.Type() != cty.String {
			return nil, hcl.Diagnostics{WrongType("The matrix key env", "a list of environment names", typeName(ev), matrixItemRange(ma, "env"))}
		}
		env := e.environment(ev.AsString())
		if env == nil {
			return nil, hcl.Diagnostics{UnknownReference("environment", ev.AsString(), e.decls.environments.order, matrixItemRange(ma, "env"))}
		}
		var diags hcl.Diagnostics
		s, diags = e.scope(env)
		if diags.HasErrors() {
			return nil, diags
		}
	}
	ctx := s.ctx.NewChild()
	ctx.Variables = map[string]cty.Value{"matrix": combo}
	return &targetState{scope: s, ctx: ctx}, nil
}

func (e *evaluator) environment(name string) *Environment {
	for _, env := range e.build.Environments {
		if env.Name == name {
			return env
		}
	}
	return nil
}

func (e *evaluator) instanceName(td *targetDecl, keys []string, combo cty.Value, ctx *hcl.EvalContext) (string, hcl.Diagnostics) {
	if a := td.content.Attributes["name"]; a != nil {
		d := &decoder{ctx: ctx, what: `target "` + td.name + `"`, bud: e.budget, replace: e.replace}
		n := d.str(a)
		if !d.diags.HasErrors() && !validInstanceName(n) {
			d.add(InvalidValue("name", fmt.Sprintf("%q is not a valid target name: use letters, digits, '_', '-' and '.', starting with a letter or digit. sanitize_tag() makes any string valid.", n), a.Expr.Range()))
		}
		return n, d.diags
	}
	name := td.name
	for _, k := range keys {
		name += "-" + valueLabel(combo.GetAttr(k))
	}
	return sanitizeName(name), nil
}

// targetRefs is the value of the target root: every target and instance by
// name, and every matrix block by its name with its instances.
func (e *evaluator) targetRefs() cty.Value {
	m := map[string]cty.Value{}
	for _, name := range e.decls.targets.order {
		td := e.targetDecls[name]
		if td == nil {
			continue // undeclared: past MaxTargets, where declareTargets stops, or its decoding failed
		}
		if td.isMatrix {
			var insts []string
			for _, t := range td.instances {
				insts = append(insts, t.Name)
			}
			m[name] = refVal(TargetRefType, "target", name, append([]string{}, insts...))
		}
		for _, t := range td.instances {
			m[t.Name] = refVal(TargetRefType, "target", t.Name, nil)
		}
	}
	v := objectOrEmpty(m)
	for _, s := range e.scopes {
		s.ctx.Variables["target"] = v
	}
	return v
}
