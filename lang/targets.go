package lang

import (
	"fmt"
	"runtime"

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
	// decoded on every core first, then expanded, on every core too when
	// expandInParallel can give the serial loop's result.
	order := e.decls.targets.order
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
	if runtime.GOMAXPROCS(0) > 1 && len(order) > 1 && e.expandInParallel(root, decls, &diags) {
		return diags
	}
	for i, name := range order {
		td, d := decls[i].td, decls[i].diags
		diags = append(diags, d...)
		if td == nil {
			continue
		}
		e.targetDecls[name] = td
		diags = append(diags, e.expandTarget(td, root, nil)...)
		if len(e.build.Targets) > e.limits.MaxTargets {
			return append(diags, e.tooManyTargets(td))
		}
	}
	return diags
}

func (e *evaluator) tooManyTargets(td *targetDecl) *hcl.Diagnostic {
	return LimitExceeded("targets", e.limits.MaxTargets,
		fmt.Sprintf("This build declares more than %d targets, counting matrix instances.", e.limits.MaxTargets), td.block.LabelRanges[0])
}

// expansion is what expanding one target on its own gives: its instances
// to register and its diagnostics, in the order the serial loop makes them.
type expansion struct {
	insts   []*Target
	added   []string // every name that reached addInstance, for the duplicate check
	diags   hcl.Diagnostics
	inOrder bool // it needs what only the serial loop may do (make a scope)
}

// expandInParallel expands every target on every core, then registers the
// instances in order, appending the diagnostics to diags as the serial
// loop would. It reports false, with everything as before it ran, when the
// result could differ from the serial loop's, which the caller then runs:
// when the budget ran out (which target runs out depends on who got there
// first; resolveAll does the same), when a target needs an environment's
// scope not made yet (making one resolves that environment's variables,
// charged and reported at the first instance that needs it), when a name
// is taken by an earlier target's instance or there are too many targets
// (the serial loop stops evaluating there, so it spends less budget), or
// on a panic (which the serial loop raises as today).
func (e *evaluator) expandInParallel(root *scope, decls []decoded, diags *hcl.Diagnostics) bool {
	mark := e.budget.mark()
	xs := make([]expansion, len(decls))
	panics := par.Each(len(decls), func(i int) {
		if td := decls[i].td; td != nil {
			xs[i].diags = e.expandTarget(td, root, &xs[i])
		}
	})
	ok := len(panics) == 0 && (!e.budget.spent() || mark > e.budget.limit)
	for i := range xs {
		ok = ok && !xs[i].inOrder
	}
	out := *diags
	n := 0
	for i := 0; ok && i < len(decls); i++ {
		td := decls[i].td
		if td == nil {
			continue
		}
		for _, name := range xs[i].added {
			ok = ok && e.instances[name] == nil
		}
		for _, t := range xs[i].insts {
			e.instances[t.Name] = t
		}
		n += len(xs[i].insts)
		ok = ok && n <= e.limits.MaxTargets
	}
	if !ok {
		clear(e.instances)
		for _, d := range decls {
			if d.td != nil {
				d.td.instances, d.td.isMatrix = nil, false
			}
		}
		e.budget.rewind(mark)
		return false
	}
	for i, d := range decls {
		out = append(out, d.diags...)
		if d.td == nil {
			continue
		}
		e.targetDecls[d.td.name] = d.td
		out = append(out, xs[i].diags...)
		d.td.instances = xs[i].insts
		e.build.Targets = append(e.build.Targets, xs[i].insts...)
	}
	*diags = out
	return true
}

// decoded is a target declaration as decodeTargetDecl returned it.
type decoded struct {
	td    *targetDecl
	diags hcl.Diagnostics
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
// combination. With x nil it registers them; else (expandInParallel) it
// only evaluates, into x, and reads no state other targets write.
func (e *evaluator) expandTarget(td *targetDecl, root *scope, x *expansion) hcl.Diagnostics {
	b := td.block
	ma := td.content.Attributes["matrix"]
	if ma == nil {
		if a := td.content.Attributes["name"]; a != nil {
			return hcl.Diagnostics{NameWithoutMatrix(a.NameRange)}
		}
		t := &Target{Name: td.name, Block: td.name, DeclRange: b.DefRange, decl: td}
		return e.addInstance(td, t, &targetState{scope: root, ctx: root.ctx}, x)
	}
	td.isMatrix = true
	combos, keys, diags := e.matrixCombos(ma, root.ctx)
	if diags.HasErrors() {
		return diags
	}
	names := map[string]cty.Value{}
	for _, combo := range combos {
		st, sdiags := e.instanceState(root, combo, ma, x)
		if x != nil && x.inOrder {
			return nil
		}
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
		diags = append(diags, e.addInstance(td, t, st, x)...)
	}
	return diags
}

func (e *evaluator) addInstance(td *targetDecl, t *Target, st *targetState, x *expansion) hcl.Diagnostics {
	if x != nil {
		x.added = append(x.added, t.Name)
	} else if prev := e.instances[t.Name]; prev != nil {
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
	if x != nil {
		x.insts = append(x.insts, t)
		return d.diags
	}
	td.instances = append(td.instances, t)
	e.instances[t.Name] = t
	e.build.Targets = append(e.build.Targets, t)
	return d.diags
}

// instanceState is the scope and context of one matrix combination. A
// matrix key named env selects the environment of the instance.
func (e *evaluator) instanceState(root *scope, combo cty.Value, ma *hcl.Attribute, x *expansion) (*targetState, hcl.Diagnostics) {
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
		if x != nil {
			// Scopes made so far are only read while targets expand in
			// parallel; making one is left to the serial loop.
			if s = e.scopes[env.Name]; s == nil {
				x.inOrder = true
				return nil, nil
			}
			return instanceCtx(s, combo), nil
		}
		var diags hcl.Diagnostics
		s, diags = e.scope(env)
		if diags.HasErrors() {
			return nil, diags
		}
	}
	return instanceCtx(s, combo), nil
}

func instanceCtx(s *scope, combo cty.Value) *targetState {
	ctx := s.ctx.NewChild()
	ctx.Variables = map[string]cty.Value{"matrix": combo}
	return &targetState{scope: s, ctx: ctx}
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
