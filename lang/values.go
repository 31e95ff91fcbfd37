package lang

import (
	"reflect"

	"github.com/zclconf/go-cty/cty"
)

// References are typed values, not strings: target.NAME, secret.NAME and the
// like evaluate to capsules, so a secret cannot be passed where a target is
// expected and every mistake is a type error with a range.

// refValue is what the reference capsules hold.
type refValue struct {
	Kind string // "target", "group", "secret", "ssh", "cache"
	Name string
	// Instances lists a matrix target's instance names; nil otherwise.
	Instances []string
}

func refCapsule(kind string) cty.Type {
	return cty.CapsuleWithOps(kind, reflect.TypeOf(refValue{}), &cty.CapsuleOps{
		GoString:     func(v any) string { return kind + "." + v.(*refValue).Name },
		TypeGoString: func(reflect.Type) string { return kind },
		RawEquals:    func(a, b any) bool { return a.(*refValue).Name == b.(*refValue).Name },
		Equals: func(a, b any) cty.Value {
			return cty.BoolVal(a.(*refValue).Name == b.(*refValue).Name)
		},
		HashKey: func(v any) string { return kind + ":" + v.(*refValue).Name },
	})
}

// The reference types, named as the spec and error messages name them.
var (
	TargetRefType = refCapsule("target")
	GroupRefType  = refCapsule("group")
	SecretRefType = refCapsule("secret")
	SSHRefType    = refCapsule("ssh")
	CacheRefType  = refCapsule("cache")
	MountsRefType = refCapsule("mounts")
	PolicyRefType = refCapsule("policy")
)

// SourceType is the type of scratch, context, contexts.NAME and the values
// of image(), git(), http() and local().
var SourceType = cty.CapsuleWithOps("source", reflect.TypeOf(Source{}), &cty.CapsuleOps{
	GoString:     func(v any) string { return "source(" + string(v.(*Source).Kind) + ":" + v.(*Source).Ref + ")" },
	TypeGoString: func(reflect.Type) string { return "source" },
	RawEquals:    func(a, b any) bool { return reflect.DeepEqual(a, b) },
	HashKey:      func(v any) string { s := v.(*Source); return string(s.Kind) + ":" + s.Ref + "@" + s.GitRef },
	// A target is a source too, so `cond ? target.a : image(var.BASE)`
	// unifies (HCL's conditional converts both results to one type), as
	// Dockerfile's FROM ${BASE} names a stage or an image.
	ConversionTo: func(src cty.Type) func(cty.Value, cty.Path) (any, error) {
		if !src.Equals(TargetRefType) {
			return nil
		}
		return func(v cty.Value, path cty.Path) (any, error) {
			r := refOf(v)
			if r == nil {
				return nil, path.NewErrorf("a target reference is needed")
			}
			if r.Instances != nil {
				return nil, path.NewErrorf("target.%s is a matrix target with %d instances; name one, like target[%q]", r.Name, len(r.Instances), firstOr(r.Instances, r.Name))
			}
			return &Source{Kind: SourceTarget, Ref: r.Name}, nil
		}
	},
})

func refVal(t cty.Type, kind, name string, instances []string) cty.Value {
	return cty.CapsuleVal(t, &refValue{Kind: kind, Name: name, Instances: instances})
}

func sourceVal(s Source) cty.Value { return cty.CapsuleVal(SourceType, &s) }

// refOf returns the reference a capsule holds, or nil for other values.
func refOf(v cty.Value) *refValue {
	if v.IsNull() || !v.IsKnown() || !v.Type().IsCapsuleType() {
		return nil
	}
	r, _ := v.EncapsulatedValue().(*refValue)
	return r
}

// typeName names a value's type for error messages.
func typeName(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	t := v.Type()
	switch {
	case t.IsCapsuleType():
		return "a " + t.FriendlyName()
	case t.IsTupleType() || t.IsListType() || t.IsSetType():
		return "a list"
	case t.IsObjectType() || t.IsMapType():
		return "an object"
	}
	return "a " + t.FriendlyName()
}
