package exports

import (
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Output is one exporter in buildx syntax: a type and its attributes.
// Attrs["dest"] is the file or directory written, when the type has one.
type Output struct {
	Type  string
	Attrs map[string]string
}

// Output types.
const (
	OutputImage    = "image"
	OutputRegistry = "registry" // image, pushed
	OutputOCI      = "oci"
	OutputDocker   = "docker"
	OutputTar      = "tar"
	OutputLocal    = "local"
	OutputNone     = "none" // also "cacheonly"
)

// String prints the output in the syntax ParseOutput reads, keys sorted.
func (o Output) String() string {
	parts := []string{"type=" + o.Type}
	for _, k := range slices.Sorted(maps.Keys(o.Attrs)) {
		v := o.Attrs[k]
		f := k + "=" + v
		if strings.ContainsAny(v, ",\"") {
			f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
		}
		parts = append(parts, f)
	}
	return strings.Join(parts, ",")
}

// Clone is a copy of o whose attributes can be changed on their own.
func (o Output) Clone() Output { return Output{Type: o.Type, Attrs: maps.Clone(o.Attrs)} }

// Push reports whether the output pushes to a registry.
func (o Output) Push() bool {
	if o.Type == OutputRegistry {
		return true
	}
	b, _ := strconv.ParseBool(o.Attrs["push"])
	return o.Type == OutputImage && b
}

// ParseOutput parses an --output value (or an entry of a target's output
// attribute) in buildx syntax:
//
//	type=oci,dest=app.tar   type=local,dest=out   type=image,name=x,push=true
//	type=registry           type=docker,dest=-    out  (a directory)   -  (a tar to stdout)
func ParseOutput(s string) (Output, error) {
	switch {
	case s == "":
		return Output{}, fmt.Errorf("empty output; write e.g. type=local,dest=out or type=oci,dest=app.tar")
	case s == "-":
		return Output{Type: OutputTar, Attrs: map[string]string{"dest": "-"}}, nil
	case !strings.Contains(s, "="):
		return Output{Type: OutputLocal, Attrs: map[string]string{"dest": s}}, nil
	}
	fields, err := Fields(s)
	if err != nil {
		return Output{}, fmt.Errorf("output %q: %w", s, err)
	}
	o := Output{Attrs: map[string]string{}}
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return Output{}, fmt.Errorf("output %q: %q is not KEY=VALUE", s, f)
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "type" {
			o.Type = v
			continue
		}
		if k == "output" { // buildctl's name for dest
			k = "dest"
		}
		o.Attrs[k] = v
	}
	if o.Type == "" {
		if o.Attrs["dest"] == "" {
			return Output{}, fmt.Errorf("output %q: missing type; use one of image, registry, oci, docker, tar, local, none", s)
		}
		o.Type = OutputLocal
	}
	switch o.Type {
	case "cacheonly":
		o.Type = OutputNone
	case OutputRegistry:
		o.Type = OutputImage
		o.Attrs["push"] = "true"
	}
	switch o.Type {
	case OutputOCI, OutputDocker, OutputTar, OutputLocal:
		if o.Attrs["dest"] == "" {
			return Output{}, fmt.Errorf("output %q: type=%s needs dest=PATH (- for standard output)", s, o.Type)
		}
		if o.Type == OutputLocal && o.Attrs["dest"] == "-" {
			return Output{}, fmt.Errorf("output %q: type=local writes a directory; use type=tar,dest=- for standard output", s)
		}
	case OutputImage, OutputNone:
		if o.Attrs["dest"] != "" {
			return Output{}, fmt.Errorf("output %q: type=%s takes no dest", s, o.Type)
		}
	default:
		return Output{}, fmt.Errorf("output %q: unknown type %q; use one of image, registry, oci, docker, tar, local, none", s, o.Type)
	}
	if v, ok := o.Attrs["push"]; ok {
		if _, err := strconv.ParseBool(v); err != nil {
			return Output{}, fmt.Errorf("output %q: push=%q: use true or false", s, v)
		}
	}
	return o, nil
}

// Fields splits one line of comma-separated KEY=VALUE fields, quoted as
// CSV (buildx's flag syntax).
func Fields(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	r := csv.NewReader(strings.NewReader(s))
	r.TrimLeadingSpace = true
	fields, err := r.Read()
	if err != nil {
		return nil, err
	}
	if _, err := r.Read(); err == nil {
		return nil, fmt.Errorf("must be a single line")
	}
	return fields, nil
}
