package lang

import (
	"reflect"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang/internal/walk"
	"github.com/zclconf/go-cty/cty"
)

// base.env.NAME reads the base image's environment, which only the
// compiler knows (it resolves the base). In the model it is a marker the
// compiler replaces with the value NAME has at that point, as a
// Dockerfile's ENV PATH=$PATH:/x expands $PATH against the env so far.
// Markers are only allowed in env values: of the target, of set steps and
// of run steps.
const (
	baseEnvOpen  = "\uFDD0base.env."
	baseEnvClose = "\uFDD1"
)

// BaseEnvMarker is the text base.env.NAME stands for in env values.
func BaseEnvMarker(name string) string { return baseEnvOpen + name + baseEnvClose }

// ExpandBaseEnv replaces the base.env markers in s with lookup's values
// ("" for a name lookup does not have).
func ExpandBaseEnv(s string, lookup func(string) string) string {
	for {
		i := strings.Index(s, baseEnvOpen)
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], baseEnvClose)
		if j < 0 {
			return s
		}
		name := s[i+len(baseEnvOpen) : i+j]
		s = s[:i] + lookup(name) + s[i+j+len(baseEnvClose):]
	}
}

// scanTarget walks a target block's attributes once, at decode, for what
// evaluation needs of its syntax: the target names it mentions as
// target.NAME (for linkTargets) and its base value, base.env with every
// name its expressions read as base.env.NAME (for resolve, which runs per
// instance and platform and so must not walk the syntax each time).
func (td *targetDecl) scanTarget() {
	names := map[string]cty.Value{}
	visitAttrs(td, func(a *hcl.Attribute) {
		for _, t := range walk.Variables(a.Expr) {
			switch {
			case t.RootName() == "target" && len(t) > 1:
				if name := stepName(t[1]); name != "" {
					td.targetRefs = append(td.targetRefs, name)
				}
			case t.RootName() == "mounts" && len(t) > 1:
				if name := stepName(t[1]); name != "" {
					td.mountSetRefs = append(td.mountSetRefs, name)
				}
			case t.RootName() == "base" && len(t) >= 3:
				if env, ok := t[1].(hcl.TraverseAttr); !ok || env.Name != "env" {
					continue
				}
				if name := stepName(t[2]); name != "" {
					names[name] = cty.StringVal(BaseEnvMarker(name))
				}
			}
		}
	})
	td.base = cty.ObjectVal(map[string]cty.Value{"env": objectOrEmpty(names)})
}

// visitAttrs calls fn for every attribute of a target block and its
// nested blocks.
func visitAttrs(td *targetDecl, fn func(*hcl.Attribute)) {
	add := func(c *hcl.BodyContent) {
		if c != nil {
			for _, a := range c.Attributes {
				fn(a)
			}
		}
	}
	add(td.content)
	add(td.health)
	for _, sd := range td.steps {
		add(sd.content)
		for _, md := range sd.mounts {
			add(md.content)
		}
	}
}

// checkBaseEnv reports base.env used outside env values: nothing but the
// compiler's env expansion reads the markers.
func (d *decoder) checkBaseEnv(spec *TargetSpec, subject hcl.Range) {
	allowed := map[uintptr]bool{}
	allow := func(m map[string]string) {
		if m != nil {
			allowed[reflect.ValueOf(m).Pointer()] = true
		}
	}
	allow(spec.Image.Env)
	for _, st := range spec.Steps {
		if st.Set != nil {
			allow(st.Set.Env)
		}
		if st.Run != nil {
			allow(st.Run.Env)
		}
	}
	if markerOutside(reflect.ValueOf(spec).Elem(), allowed) {
		d.add(BaseEnvMisused(subject))
	}
}

func markerOutside(v reflect.Value, allowed map[uintptr]bool) bool {
	switch v.Kind() {
	case reflect.String:
		return strings.Contains(v.String(), baseEnvOpen)
	case reflect.Pointer:
		if v.IsNil() || v.Type() == targetPointer {
			return false
		}
		return markerOutside(v.Elem(), allowed)
	case reflect.Struct:
		for _, i := range stringFields(v.Type()) {
			if markerOutside(v.Field(i), allowed) {
				return true
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if markerOutside(v.Index(i), allowed) {
				return true
			}
		}
	case reflect.Map:
		if v.IsNil() || allowed[v.Pointer()] {
			return false
		}
		for it := v.MapRange(); it.Next(); {
			if markerOutside(it.Value(), allowed) {
				return true
			}
		}
	}
	return false
}

var targetPointer = reflect.TypeFor[*Target]()

// stringFieldsOf caches stringFields: checkBaseEnv runs for every target
// and platform, and reflect's field lookups were most of its cost.
var stringFieldsOf sync.Map // reflect.Type → []int

// stringFields are the indexes of the exported fields of the struct type t
// that markerOutside looks into: those whose type can hold a string.
func stringFields(t reflect.Type) []int {
	if f, ok := stringFieldsOf.Load(t); ok {
		return f.([]int)
	}
	var out []int
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && mayHoldString(f.Type, map[reflect.Type]bool{}) {
			out = append(out, i)
		}
	}
	stringFieldsOf.Store(t, out)
	return out
}

// mayHoldString says whether markerOutside can find a string in a value
// of type t.
func mayHoldString(t reflect.Type, seen map[reflect.Type]bool) bool {
	switch t.Kind() {
	case reflect.String:
		return true
	case reflect.Pointer:
		return t != targetPointer && mayHoldString(t.Elem(), seen)
	case reflect.Slice, reflect.Map: // a map's values, not its keys
		return mayHoldString(t.Elem(), seen)
	case reflect.Struct:
		if seen[t] {
			return true // a recursive type: its other fields decide
		}
		seen[t] = true
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() && mayHoldString(f.Type, seen) {
				return true
			}
		}
	}
	return false
}
