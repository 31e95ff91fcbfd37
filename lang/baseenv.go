package lang

import (
	"bytes"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
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
//
// src is the text of the block's file, or nil. A block whose text has no
// target, mounts or base that could start a traversal (mayTraverse) has
// none of them to find, and is not walked: most blocks are such, and the
// walk, cold in cache, cost more than reading the text.
func (td *targetDecl) scanTarget(src []byte) {
	td.base = noBase
	if text, ok := blockText(td.block, src); ok && !mayTraverse(text, "target", "mounts", "base") {
		return
	}
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
	if len(names) > 0 {
		td.hasBase = true
		td.base = cty.ObjectVal(map[string]cty.Value{"env": cty.ObjectVal(names)})
	}
}

// noBase is the base value of a target that reads no base.env.NAME.
var noBase = cty.ObjectVal(map[string]cty.Value{"env": cty.EmptyObjectVal})

// blockText is the text of a target block in src, the text of its file,
// when src is that text (the block's type is at its place).
func blockText(b *hcl.Block, src []byte) ([]byte, bool) {
	body, ok := b.Body.(*hclsyntax.Body)
	start, end := b.TypeRange.Start.Byte, 0
	if ok {
		end = body.SrcRange.End.Byte
	}
	if !ok || start < 0 || end > len(src) || start > end || string(src[start:b.TypeRange.End.Byte]) != b.Type {
		return nil, false
	}
	return src[start:end], true
}

// mayTraverse says whether text could hold a traversal rooted at one of
// roots: the name standing alone (not part of a longer identifier), then,
// after any white space, "." or "[" (or a comment, or the end of the text,
// to be safe). A name followed by "=" or a quote, like the attribute
// target = "/root/.netrc", cannot start one.
func mayTraverse(text []byte, roots ...string) bool {
	for _, root := range roots {
		for i := 0; ; {
			j := bytes.Index(text[i:], []byte(root))
			if j < 0 {
				break
			}
			at, after := i+j, i+j+len(root)
			i = after
			// A name is part of a longer one after a letter, digit or "_"
			// ("-" may be a minus), or before any identifier byte.
			if at > 0 && isIdentByte(text[at-1]) && text[at-1] != '-' || after < len(text) && isIdentByte(text[after]) {
				continue
			}
			k := after
			for k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n') {
				k++
			}
			if k == len(text) || text[k] == '.' || text[k] == '[' || text[k] == '/' || text[k] == '#' || text[k] >= utf8.RuneSelf {
				return true
			}
		}
	}
	return false
}

// isIdentByte says whether c continues an identifier (a byte of a
// non-ASCII character may).
func isIdentByte(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '-' }

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
