package lang

import (
	"fmt"
	"math/big"
	"strconv"

	"github.com/containerd/platforms"
	"github.com/hashicorp/hcl/v2"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/stdlib"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// declareEnvironments evaluates every environment block. Environments are
// evaluated first, before variables exist, so they may use functions and
// cache.NAME references only; spec/language.md says why (their vars set
// variables, so reading variables would be circular).
func (e *evaluator) declareEnvironments() hcl.Diagnostics {
	caches := map[string]cty.Value{}
	for _, n := range e.decls.caches.order {
		caches[n] = refVal(CacheRefType, "cache", n, nil)
	}
	policies := map[string]cty.Value{}
	for _, n := range e.decls.policies.order {
		policies[n] = refVal(PolicyRefType, "policy", n, nil)
	}
	ctx := &hcl.EvalContext{
		Functions: e.funcs,
		Variables: map[string]cty.Value{"cache": objectOrEmpty(caches), "policy": objectOrEmpty(policies)},
	}
	spec := TopSchema.Block("environment")
	var diags hcl.Diagnostics
	for _, name := range e.decls.environments.order {
		b := e.decls.environments.blocks[name]
		content, cdiags := bodyContent(b.Body, spec)
		diags = append(diags, cdiags...)
		d := &decoder{ctx: ctx, what: `environment "` + name + `"`}
		env := &Environment{Name: name, DeclRange: b.DefRange}
		env.Description = d.str(content.Attributes["description"])
		env.Platforms = d.platforms(content.Attributes["platforms"], e.limits.MaxPlatforms)
		if a := content.Attributes["cache"]; a != nil {
			env.Cache = d.ref(a, CacheRefType)
		}
		env.Vars = d.objectAttrs(content.Attributes["vars"])
		env.Network = normalizeNetwork(d.enum(content.Attributes["network"], NetworkModes))
		env.NoCache = d.boolean(content.Attributes["no_cache"], false)
		env.SourceDateEpoch = d.sourceDateEpoch(content.Attributes["source_date_epoch"])
		env.Attest = d.attest(content.Attributes["attest"], Attest{})
		if a := content.Attributes["policy"]; a != nil {
			env.Policy = d.ref(a, PolicyRefType)
		}
		env.Nodes = d.nodes(content.Attributes["nodes"], name, e.limits.MaxPlatforms)
		diags = append(diags, d.diags...)
		// A value for a variable nobody declares would silently do nothing.
		for _, k := range sortedKeys(env.Vars) {
			if !e.decls.variables.has(k) {
				diags = append(diags, UnknownReference("variable", k, e.decls.variables.order, e.envVarKeyRange(env, k)))
			}
		}
		e.build.Environments = append(e.build.Environments, env)
	}
	return diags
}

func normalizeNetwork(s string) string {
	if s == "default" {
		return ""
	}
	return s
}

// selectEnvironment picks the environment named in Options, else the one
// named "default", else an implicit empty one.
func (e *evaluator) selectEnvironment() (*Environment, hcl.Diagnostics) {
	want := e.opts.Env
	if want == "" {
		want = "default"
	}
	for _, env := range e.build.Environments {
		if env.Name == want {
			return env, nil
		}
	}
	implicit := &Environment{Name: "default", Implicit: true, Vars: map[string]cty.Value{}}
	if e.opts.Env == "" {
		return implicit, nil
	}
	return implicit, hcl.Diagnostics{UnknownEnvironment(e.opts.Env, e.decls.environments.order)}
}

// environmentValue is what env and environment.NAME evaluate to.
func environmentValue(env *Environment) cty.Value {
	plats := make([]cty.Value, len(env.Platforms))
	for i, p := range env.Platforms {
		plats[i] = cty.StringVal(platformString(p))
	}
	cache := cty.NullVal(CacheRefType)
	if env.Cache != "" {
		cache = refVal(CacheRefType, "cache", env.Cache, nil)
	}
	network := env.Network
	if network == "" {
		network = "default"
	}
	return cty.ObjectVal(map[string]cty.Value{
		"name":      cty.StringVal(env.Name),
		"platforms": listOrEmpty(plats, cty.String),
		"cache":     cache,
		"vars":      objectOrEmpty(env.Vars),
		"network":   cty.StringVal(network),
	})
}

// platforms decodes a list of platform strings, reporting each bad one;
// a list longer than max is an error (every target is evaluated, and
// compiled, once per platform).
func (d *decoder) platforms(a *hcl.Attribute, max int) []ocispecs.Platform {
	if a == nil {
		return nil
	}
	v := d.value(a)
	if v == cty.NilVal {
		return nil
	}
	var out []ocispecs.Platform
	list := d.strListValue(a, v)
	if len(list) > max {
		d.add(LimitExceeded("platforms", max, fmt.Sprintf("This list has %d platforms.", len(list)), a.Expr.Range()))
		return nil
	}
	for i, s := range list {
		p, err := stdlib.ParsePlatform(s)
		if err != nil {
			d.add(InvalidPlatform(s, err, elemRange(a, i, len(list))))
			continue
		}
		out = append(out, p)
	}
	return out
}

// ProvenanceModes are the values of attest's provenance.
var ProvenanceModes = []string{"min", "max"}

// attest decodes an attest object over base: sbom (bool) and provenance
// ("min" or "max"; false turns it off); other keys are errors.
func (d *decoder) attest(a *hcl.Attribute, base Attest) Attest {
	if a == nil {
		return base
	}
	v := d.value(a)
	if v == cty.NilVal || v.IsNull() {
		return base
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		d.add(WrongType(`The "attest" attribute`, "an object like { sbom = true, provenance = \"max\" }", typeName(v), a.Expr.Range()))
		return base
	}
	out := base
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		key := k.AsString()
		switch key {
		case "sbom":
			b, err := convert.Convert(ev, cty.Bool)
			if err != nil || b.IsNull() || !b.IsKnown() {
				d.add(WrongType("attest's sbom", "a bool", typeName(ev), a.Expr.Range()))
				continue
			}
			out.SBOM = b.True()
		case "provenance":
			if ev.Type() == cty.Bool && !ev.IsNull() && ev.IsKnown() && ev.False() {
				out.Provenance = ""
				continue
			}
			s, err := convert.Convert(ev, cty.String)
			if err != nil || s.IsNull() || !s.IsKnown() || !contains(ProvenanceModes, s.AsString()) {
				d.add(NotAllowed("provenance mode", valueLabel(ev), ProvenanceModes, a.Expr.Range()))
				continue
			}
			out.Provenance = s.AsString()
		default:
			d.add(NotAllowed("attest key", key, []string{"sbom", "provenance"}, a.Expr.Range()))
		}
	}
	return out
}

// sourceDateEpoch decodes source_date_epoch: a non-negative whole number
// of seconds, or "git".
func (d *decoder) sourceDateEpoch(a *hcl.Attribute) string {
	if a == nil {
		return ""
	}
	v := d.value(a)
	if v == cty.NilVal || v.IsNull() {
		return ""
	}
	if v.Type() == cty.String && v.AsString() == "git" {
		return "git"
	}
	if n, err := convert.Convert(v, cty.Number); err == nil && n.IsKnown() && !n.IsNull() {
		if bf := n.AsBigFloat(); bf.IsInt() && bf.Sign() >= 0 {
			if i, acc := bf.Int64(); acc == big.Exact {
				return strconv.FormatInt(i, 10)
			}
		}
	}
	d.add(InvalidValue("source_date_epoch", "source_date_epoch must be unix seconds, like 1700000000, or \"git\" for the commit time of the checkout.", a.Expr.Range()))
	return ""
}

// ref decodes a reference of the given capsule type and returns its name.
func (d *decoder) ref(a *hcl.Attribute, t cty.Type) string {
	v := d.value(a)
	if v == cty.NilVal || v.IsNull() {
		return ""
	}
	r := refOf(v)
	if r == nil || !v.Type().Equals(t) {
		d.add(WrongType(fmt.Sprintf("The %q attribute", a.Name), "a "+t.FriendlyName()+" reference like "+t.FriendlyName()+".NAME", typeName(v), a.Expr.Range()))
		return ""
	}
	return r.Name
}

// objectAttrs decodes an object or map into its attribute values.
func (d *decoder) objectAttrs(a *hcl.Attribute) map[string]cty.Value {
	out := map[string]cty.Value{}
	v := d.value(a)
	if v == cty.NilVal || v.IsNull() {
		return out
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		d.add(WrongType(fmt.Sprintf("The %q attribute", a.Name), "an object", typeName(v), a.Expr.Range()))
		return out
	}
	for it := v.ElementIterator(); it.Next(); {
		k, val := it.Element()
		out[k.AsString()] = val
	}
	return out
}

func objectOrEmpty(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

func listOrEmpty(vs []cty.Value, t cty.Type) cty.Value {
	if len(vs) == 0 {
		return cty.ListValEmpty(t)
	}
	return cty.ListVal(vs)
}

// platformString formats a platform the way stdlib's platform values do.
func platformString(p ocispecs.Platform) string { return platforms.Format(p) }
