package lang

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// DefaultShell runs string commands when a target sets no shell.
var DefaultShell = []string{"/bin/sh", "-c"}

// Resolve evaluates a target (or matrix instance) for one target platform.
// Results are cached, so the compiler may call it for every use of a target;
// it is safe for concurrent use.
func (b *Build) Resolve(name string, platform ocispecs.Platform) (*TargetSpec, hcl.Diagnostics) {
	e := b.eval
	t := e.instances[name]
	if t == nil {
		_, diags := b.Expand([]string{name})
		return nil, diags
	}
	return e.resolveCached(t, platform, map[string]bool{})
}

// resolveCached is resolve, once per target and platform: targets
// inheriting one parent along many paths evaluate it once.
func (e *evaluator) resolveCached(t *Target, platform ocispecs.Platform, inheriting map[string]bool) (*TargetSpec, hcl.Diagnostics) {
	key := resolveKey{t.Name, platformString(platform)}
	e.mu.Lock()
	r, ok := e.resolved[key]
	e.mu.Unlock()
	if ok {
		return r.spec, r.diags
	}
	spec, diags := e.resolve(t, platform, inheriting)
	diags = limitDiagnostics(diags, e.limits)
	e.mu.Lock()
	if r, ok := e.resolved[key]; ok {
		spec, diags = r.spec, r.diags // evaluated concurrently: keep one
	} else {
		e.resolved[key] = &resolveResult{spec, diags}
	}
	e.mu.Unlock()
	return spec, diags
}

func (e *evaluator) resolve(t *Target, platform ocispecs.Platform, inheriting map[string]bool) (*TargetSpec, hcl.Diagnostics) {
	// Each evaluation costs, parents' included (inherits = [a, a] twice
	// at each of thirty levels would be a billion).
	if err := e.budget.charge(costResolve); err != nil {
		return nil, hcl.Diagnostics{budgetDiagnostic(e.limits, t.DeclRange)}
	}
	td := t.decl
	ctx := e.targetContext(t.state.ctx, td, platform)
	d := &decoder{ctx: ctx, what: `target "` + t.Name + `"`, bud: e.budget, merge: e.merge, replace: e.replace}
	attrs := td.content.Attributes

	spec := &TargetSpec{From: Source{Kind: SourceScratch}}
	if a := attrs["inherits"]; a != nil {
		e.inherit(d, a, spec, platform, inheriting, t.Name)
	}
	spec.Target = t
	spec.Platform = platform
	if spec.RunPlatform.OS == "" || attrs["platform"] != nil {
		spec.RunPlatform = platform
	}
	if a := attrs["platform"]; a != nil {
		if p, ok := d.platform(a); ok {
			spec.RunPlatform = p
		}
	}
	if a := attrs["from"]; a != nil {
		spec.From = d.source(a, true)
	}
	e.imageConfig(d, attrs, td, &spec.Image)
	if a := attrs["args"]; a != nil {
		spec.Args = mergeMaps(spec.Args, d.strMap(a))
	}
	if a := attrs["tags"]; a != nil {
		spec.Tags = d.strList(a)
		d.checkTags(a, spec.Tags)
	}
	if a := attrs["output"]; a != nil {
		spec.Outputs = d.strList(a)
		e.outputRanges.Store(spec, d.checkOutputs(a, spec.Outputs, spec.Tags))
	}
	env := t.state.scope.env
	if attrs["inherits"] == nil {
		spec.Attest = env.Attest
	}
	spec.Attest = d.attest(attrs["attest"], spec.Attest)
	if spec.Cache == "" {
		spec.Cache = env.Cache
	}
	if a := attrs["cache"]; a != nil {
		spec.Cache = d.ref(a, CacheRefType)
	}
	spec.NoCache = env.NoCache || d.boolean(attrs["no_cache"], spec.NoCache)
	if spec.Network == "" {
		spec.Network = env.Network
	}
	if a := attrs["network"]; a != nil {
		spec.Network = normalizeNetwork(d.enum(a, NetworkModes))
	}
	e.applySets(t, spec)
	if len(td.steps) > 0 {
		spec.Steps = make([]Step, 0, len(td.steps))
		shell := spec.Image.Shell
		for _, sd := range td.steps {
			st := e.step(d, sd, spec, shell)
			spec.Steps = append(spec.Steps, st)
			if st.Set != nil && len(st.Set.Shell) > 0 {
				shell = st.Set.Shell
			}
		}
	}
	e.pin(d, spec)
	e.checkPolicy(d, spec)
	d.checkBaseEnv(spec, t.DeclRange)
	return spec, d.diags
}

// targetContext is the context a target's expressions are evaluated in
// for a platform: its scope's (parent), with target_platform,
// build_platform and base. Targets that read no base.env share one per
// scope and platform.
func (e *evaluator) targetContext(parent *hcl.EvalContext, td *targetDecl, platform ocispecs.Platform) *hcl.EvalContext {
	if td.hasBase {
		return e.newTargetContext(parent, platform, td.base)
	}
	key := targetContextKey{parent, platformString(platform)}
	if ctx, ok := e.targetContexts.Load(key); ok {
		return ctx.(*hcl.EvalContext)
	}
	ctx, _ := e.targetContexts.LoadOrStore(key, e.newTargetContext(parent, platform, noBase))
	return ctx.(*hcl.EvalContext)
}

type targetContextKey struct {
	parent   *hcl.EvalContext
	platform string
}

func (e *evaluator) newTargetContext(parent *hcl.EvalContext, platform ocispecs.Platform, base cty.Value) *hcl.EvalContext {
	ctx := parent.NewChild()
	ctx.Variables = map[string]cty.Value{
		"target_platform": e.platformValue(platform),
		"build_platform":  e.platformValue(e.build.BuildPlatform),
		"base":            base,
	}
	return ctx
}

// platformValue is stdlib.PlatformValue, made once per platform.
func (e *evaluator) platformValue(p ocispecs.Platform) cty.Value {
	key := platformString(p)
	if v, ok := e.platformValues.Load(key); ok {
		return v.(cty.Value)
	}
	v := stdlib.PlatformValue(p)
	e.platformValues.Store(key, v)
	return v
}

// inherit starts spec from its parents, in order, later parents winning.
func (e *evaluator) inherit(d *decoder, a *hcl.Attribute, spec *TargetSpec, platform ocispecs.Platform, inheriting map[string]bool, self string) {
	v := d.value(a)
	if v == cty.NilVal {
		return
	}
	if !v.Type().IsTupleType() && !v.Type().IsListType() {
		d.add(WrongType(`The "inherits" attribute`, "a list of targets, like [target.base]", typeName(v), a.Expr.Range()))
		return
	}
	inheriting[self] = true
	defer delete(inheriting, self)
	for it := v.ElementIterator(); it.Next(); {
		_, pv := it.Element()
		r := refOf(pv)
		if r == nil || r.Kind != "target" || r.Instances != nil {
			d.add(WrongType("Each inherited target", "a single target like target.base", typeName(pv), a.Expr.Range()))
			continue
		}
		if inheriting[r.Name] {
			// linkTargets reported the cycle (inherits names targets
			// literally, so every cycle is in the source); this guards.
			continue
		}
		parent, pdiags := e.resolveCached(e.instances[r.Name], platform, inheriting)
		d.add(pdiags...)
		if parent != nil {
			mergeSpec(spec, parent)
		}
	}
}

// mergeSpec lays parent over spec: parent's set fields win, maps merge.
func mergeSpec(spec, parent *TargetSpec) {
	if parent.From.Kind != SourceScratch || parent.From.Ref != "" {
		spec.From = parent.From
	}
	spec.RunPlatform = parent.RunPlatform
	if len(parent.Steps) > 0 {
		spec.Steps = parent.Steps
	}
	mergeImage(&spec.Image, &parent.Image)
	spec.Args = mergeMaps(spec.Args, parent.Args)
	if parent.Tags != nil {
		spec.Tags = parent.Tags
	}
	if parent.Outputs != nil {
		spec.Outputs = parent.Outputs
	}
	if parent.Cache != "" {
		spec.Cache = parent.Cache
	}
	spec.NoCache = spec.NoCache || parent.NoCache
	if parent.Network != "" {
		spec.Network = parent.Network
	}
	spec.Attest = parent.Attest // the parent started from the environment's
}

func mergeImage(dst, src *ImageConfig) {
	if src.Entrypoint != nil {
		dst.Entrypoint = src.Entrypoint
	}
	if src.Cmd != nil {
		dst.Cmd = src.Cmd
	}
	dst.Env = mergeMaps(dst.Env, src.Env)
	if src.Workdir != "" {
		dst.Workdir = src.Workdir
	}
	if src.User != "" {
		dst.User = src.User
	}
	if src.Shell != nil {
		dst.Shell = src.Shell
	}
	dst.Labels = mergeMaps(dst.Labels, src.Labels)
	dst.Annotations = mergeMaps(dst.Annotations, src.Annotations)
	if src.Expose != nil {
		dst.Expose = src.Expose
	}
	if src.Volumes != nil {
		dst.Volumes = src.Volumes
	}
	if src.StopSignal != "" {
		dst.StopSignal = src.StopSignal
	}
	if src.Healthcheck != nil {
		dst.Healthcheck = src.Healthcheck
	}
	if src.Author != "" {
		dst.Author = src.Author
	}
	if src.OnBuild != nil {
		dst.OnBuild = src.OnBuild
	}
}

func mergeMaps(dst, src map[string]string) map[string]string {
	if src == nil {
		return dst
	}
	if len(dst) == 0 {
		return src // the maps of a spec are never changed once made: sharing is safe
	}
	out := maps.Clone(dst)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, src)
	return out
}

func (e *evaluator) imageConfig(d *decoder, attrs hcl.Attributes, td *targetDecl, img *ImageConfig) {
	health := td.health
	own := ImageConfig{
		Entrypoint:  d.strList(attrs["entrypoint"]),
		Cmd:         d.strList(attrs["cmd"]),
		Env:         d.strMap(attrs["env"]),
		Workdir:     d.str(attrs["workdir"]),
		User:        d.str(attrs["user"]),
		Shell:       d.strList(attrs["shell"]),
		Labels:      d.strMap(attrs["labels"]),
		Annotations: d.strMap(attrs["annotations"]),
		Expose:      d.ports(attrs["expose"]),
		Volumes:     d.strList(attrs["volumes"]),
		StopSignal:  d.str(attrs["stop_signal"]),
		Author:      d.str(attrs["author"]),
		OnBuild:     d.strList(attrs["onbuild"]),
	}
	if health != nil {
		hd := &decoder{what: "healthcheck"}
		hd.required(HealthcheckSchema, health.Attributes, td.healthRange, td.healthBody)
		d.add(hd.diags...)
		own.Healthcheck = &Healthcheck{
			Test:          d.strList(health.Attributes["test"]),
			Interval:      d.duration(health.Attributes["interval"]),
			Timeout:       d.duration(health.Attributes["timeout"]),
			StartPeriod:   d.duration(health.Attributes["start_period"]),
			StartInterval: d.duration(health.Attributes["start_interval"]),
			Retries:       d.integer(health.Attributes["retries"], 0),
		}
	}
	if a := attrs["shell"]; a != nil && own.Shell != nil && len(own.Shell) == 0 {
		d.add(InvalidValue("shell", "shell must name a program, like [\"/bin/bash\", \"-c\"].", a.Expr.Range()))
	}
	mergeImage(img, &own)
}

// ports decodes expose: numbers or "port[/proto]" strings.
func (d *decoder) ports(a *hcl.Attribute) []string {
	if a == nil {
		return nil
	}
	elems, ok := literalElems(a.Expr)
	if !ok {
		v := d.value(a)
		if v == cty.NilVal || v.IsNull() {
			return nil
		}
		if !v.CanIterateElements() || v.Type().IsObjectType() || v.Type().IsMapType() {
			d.add(WrongType(`The "expose" attribute`, "a list of ports, like [8080, \"53/udp\"]", typeName(v), a.Expr.Range()))
			return nil
		}
		for it := v.ElementIterator(); it.Next(); {
			_, p := it.Element()
			elems = append(elems, p)
		}
	}
	out := []string{}
	count := len(elems)
	for i, p := range elems {
		s := valueLabel(p)
		port, proto, _ := strings.Cut(s, "/")
		if proto == "" {
			proto = "tcp"
		}
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || !contains([]string{"tcp", "udp", "sctp"}, proto) {
			d.add(InvalidValue("port", fmt.Sprintf("%q is not a port; write a number from 1 to 65535, optionally with /tcp, /udp or /sctp.", s), elemRange(a, i, count)))
			continue
		}
		out = append(out, strconv.Itoa(n)+"/"+proto)
	}
	return out
}

// platform decodes a platform object (build_platform, platform("...")) or string.
func (d *decoder) platform(a *hcl.Attribute) (ocispecs.Platform, bool) {
	v := d.value(a)
	if v == cty.NilVal || v.IsNull() {
		return ocispecs.Platform{}, false
	}
	p, err := stdlib.PlatformFromValue(v)
	if err != nil {
		d.add(InvalidPlatform(valueLabel(v), err, a.Expr.Range()))
		return ocispecs.Platform{}, false
	}
	return p, true
}

// source decodes something to build from or copy from. A string is an
// image reference when allowString is set ("scratch" meaning scratch).
func (d *decoder) source(a *hcl.Attribute, allowString bool) Source {
	v := d.value(a)
	if v == cty.NilVal || v.IsNull() {
		return Source{Kind: SourceScratch, Range: a.Expr.Range()}
	}
	var s Source
	switch {
	case allowString && v.Type() == cty.String:
		s = Source{Kind: SourceImage, Ref: v.AsString()}
		switch s.Ref {
		case "scratch": // as FROM scratch, so ARG BASE=scratch ports work
			s = Source{Kind: SourceScratch}
		case "":
			d.add(InvalidValue("image reference", "The image reference is empty; write one like \"alpine:3.20\", or use scratch.", a.Expr.Range()))
		}
	case v.Type().Equals(SourceType):
		s = *v.EncapsulatedValue().(*Source)
	case v.Type().Equals(TargetRefType):
		r := refOf(v)
		if r.Instances != nil {
			d.add(InvalidValue("source", fmt.Sprintf("target.%s is a matrix target with %d instances; name one, like target[%q].", r.Name, len(r.Instances), firstOr(r.Instances, r.Name)), a.Expr.Range()))
		}
		s = Source{Kind: SourceTarget, Ref: r.Name}
	default:
		want := "a source: target.NAME, image(\"ref\"), context, contexts.NAME, scratch, git(...), http(...) or local(...)"
		if allowString {
			want = "an image reference string or " + want
		}
		d.add(WrongType(fmt.Sprintf("The %q attribute", a.Name), want, typeName(v), a.Expr.Range()))
		return Source{Kind: SourceScratch, Range: a.Expr.Range()}
	}
	s.Range = a.Expr.Range()
	switch s.Kind {
	case SourceLocal:
		d.confined(a, s.Include, s, true)
		d.confined(a, s.Exclude, s, true)
	case SourceImage:
		if s.Ref != "" {
			d.checkImageRef(s.Ref, callArgRange(a.Expr, "image", 0))
		}
	case SourceGit:
		d.checkGit(&s, a.Expr)
	case SourceHTTP:
		d.checkHTTP(s, a.Expr)
	}
	return s
}

func firstOr(xs []string, dflt string) string {
	if len(xs) > 0 {
		return xs[0]
	}
	return dflt
}
