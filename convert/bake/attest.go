package bake

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/org/buildlang/convert/hclgen"
	"github.com/org/buildlang/lang"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// attestEntry is one entry of a bake target's attest list, with the
// range a warning about it points at.
type attestEntry struct {
	text   string            // as the user would pass it to --attest
	fields map[string]string // its key=value pairs
	rng    hcl.Range
	skip   string // why the entry cannot be read at all
}

// attest converts bake's attest entries ("type=sbom",
// "type=provenance,mode=max", each optionally "disabled=true") into the
// build file's attest object. An entry the object cannot say (a custom SBOM
// generator, provenance options beyond mode, ...) stays a comment with a
// warning at its line naming the flag that asks for it when building.
func (c *conv) attest(body *hclwrite.Body, at *hclsyntax.Attribute) {
	var sbom, provenance hclwrite.Tokens
	for _, e := range c.attestEntries(at) {
		if e.skip != "" {
			// what bake builds depends on it: drop what came before of
			// its type (of both when its type is not known)
			if e.fields["type"] != "provenance" {
				sbom = nil
			}
			if e.fields["type"] != "sbom" {
				provenance = nil
			}
			c.note(body, e.rng, "%s", e.skip)
			continue
		}
		key, val, why := attestValue(e.fields)
		switch {
		case why != "" && (e.fields["type"] == "sbom" || e.fields["type"] == "provenance"):
			// bake's last entry of a type wins: an earlier one the
			// build file could say is not what bake builds either
			if e.fields["type"] == "sbom" {
				sbom = nil
			} else {
				provenance = nil
			}
			c.note(body, e.rng, "attest %q: %s; it is left out of the target's attest: pass it when building (buildlang build --attest %s)", e.text, why, e.text)
		case why != "":
			c.note(body, e.rng, "attest %q: %s; left out", e.text, why)
		case key == "sbom":
			sbom = hclwrite.TokensForValue(val)
		default:
			provenance = hclwrite.TokensForValue(val)
		}
	}
	var kvs []hclgen.KV
	if sbom != nil {
		kvs = append(kvs, hclgen.KV{Key: "sbom", Value: sbom})
	}
	if provenance != nil {
		kvs = append(kvs, hclgen.KV{Key: "provenance", Value: provenance})
	}
	if len(kvs) > 0 {
		body.SetAttributeRaw("attest", hclgen.Map(kvs))
	}
}

// attestEntries reads the entries of an attest list: strings
// ("type=sbom,disabled=true") or objects ({ type = "sbom" }). Entries that
// read variables are not converted: the build file's attest is fixed.
func (c *conv) attestEntries(at *hclsyntax.Attribute) []attestEntry {
	var exprs []hclsyntax.Expression
	if tup, ok := at.Expr.(*hclsyntax.TupleConsExpr); ok {
		exprs = tup.Exprs
	} else {
		exprs = []hclsyntax.Expression{at.Expr}
	}
	var out []attestEntry
	for _, e := range exprs {
		if len(hclsyntax.Variables(e)) > 0 {
			// its type, from the variables' defaults, says what it overrides
			var fields map[string]string
			if v, ok := c.value(e); ok {
				fields, _, _ = attestFields(v)
			}
			out = append(out, attestEntry{rng: e.Range(), fields: fields, skip: fmt.Sprintf("attest %s reads variables; the build file's attest is fixed, so it is left out: pass it when building (buildlang build --attest ...)", c.text(e))})
			continue
		}
		v, ok := c.value(e)
		if !ok {
			out = append(out, attestEntry{rng: e.Range(), skip: fmt.Sprintf("attest %s could not be computed; left out", c.text(e))})
			continue
		}
		var vals []cty.Value
		if e == at.Expr && (v.Type().IsListType() || v.Type().IsTupleType()) {
			vals = v.AsValueSlice()
		} else {
			vals = []cty.Value{v}
		}
		for _, v := range vals {
			fields, text, ok := attestFields(v)
			if !ok {
				out = append(out, attestEntry{rng: e.Range(), skip: fmt.Sprintf("attest %s is neither \"type=...\" nor an object; left out", c.text(e))})
				continue
			}
			out = append(out, attestEntry{text: text, fields: fields, rng: e.Range()})
		}
	}
	return out
}

// attestFields reads one attest entry as its key=value pairs and the text
// of the equivalent --attest flag value.
func attestFields(v cty.Value) (map[string]string, string, bool) {
	fields := map[string]string{}
	switch {
	case v.Type() == cty.String && !v.IsNull():
		for _, kv := range strings.Split(v.AsString(), ",") {
			k, val, _ := strings.Cut(kv, "=")
			fields[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
		return fields, v.AsString(), true
	case (v.Type().IsObjectType() || v.Type().IsMapType()) && !v.IsNull():
		var parts []string
		if t, ok := v.AsValueMap()["type"]; ok {
			if s, err := convert.Convert(t, cty.String); err == nil && !s.IsNull() {
				parts = append(parts, "type="+s.AsString())
			}
		}
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			s, err := convert.Convert(ev, cty.String)
			if err != nil || s.IsNull() || !s.IsKnown() {
				return nil, "", false
			}
			fields[k.AsString()] = s.AsString()
			if k.AsString() != "type" {
				parts = append(parts, k.AsString()+"="+s.AsString())
			}
		}
		return fields, strings.Join(parts, ","), true
	}
	return nil, "", false
}

// attestValue maps one entry onto the build file's attest: the key (sbom
// or provenance) and its value, or why it cannot be said there.
func attestValue(fields map[string]string) (string, cty.Value, string) {
	disabled := false
	if d, ok := fields["disabled"]; ok {
		b, err := strconv.ParseBool(d)
		if err != nil {
			return "", cty.NilVal, fmt.Sprintf("disabled=%s is not true or false", d)
		}
		disabled = b
	}
	allowed := map[string]bool{"type": true, "disabled": true}
	switch fields["type"] {
	case "sbom":
	case "provenance":
		allowed["mode"] = true
	case "":
		return "", cty.NilVal, "it names no type (type=sbom or type=provenance)"
	default:
		return "", cty.NilVal, fmt.Sprintf("type %s is not an attestation buildlang knows (sbom, provenance)", fields["type"])
	}
	var extra []string
	for k := range fields {
		if !allowed[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return "", cty.NilVal, fmt.Sprintf("%s: the build file's attest says only whether there is an SBOM and which provenance mode, not this", strings.Join(extra, ", "))
	}
	if fields["type"] == "sbom" {
		return "sbom", cty.BoolVal(!disabled), ""
	}
	if disabled {
		return "provenance", cty.False, ""
	}
	mode, ok := fields["mode"]
	if !ok {
		mode = "min" // BuildKit's default provenance mode
	}
	for _, m := range lang.ProvenanceModes {
		if m == mode {
			return "provenance", cty.StringVal(mode), ""
		}
	}
	return "", cty.NilVal, fmt.Sprintf("provenance mode %q is none of %s", mode, strings.Join(lang.ProvenanceModes, ", "))
}

// entitlements notes what a bake target's entitlements become: buildlang
// grants them when building, never in the build file, so the comment and
// warning name the --allow flag that grants them.
func (c *conv) entitlements(body *hclwrite.Body, at *hclsyntax.Attribute) {
	names := c.strings(at)
	var grants, unknown []string
	for _, n := range names {
		if lang.IsAllowForm(n) {
			grants = append(grants, n)
		} else {
			unknown = append(unknown, n)
		}
	}
	if len(grants) > 0 {
		flag := strings.Join(grants, ",")
		c.note(body, at.SrcRange, "entitlements %s: buildlang grants entitlements when building, not in the build file; pass buildlang build --allow %s (docker buildx build --allow %s through the frontend)", strings.Join(grants, ", "), flag, flag)
	}
	for _, n := range unknown {
		c.note(body, at.SrcRange, "entitlement %s is none that buildlang build --allow grants (%s); left out", n, strings.Join(lang.AllowForms, ", "))
	}
}
