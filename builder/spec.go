package builder

import (
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/client"
)

// This file parses the command line's --secret, --ssh, --output,
// --cache-from and --cache-to values. The syntax is docker buildx's.

// SecretSource says where the CLI reads a secret's value: a host
// environment variable or a file.
type SecretSource struct {
	ID   string
	Env  string // read from this host environment variable, or
	File string // from this file, or
	Var  string // from this sensitive variable (secret "x" { var = var.NAME })
}

func (s SecretSource) String() string {
	switch {
	case s.Env != "":
		return "env " + s.Env
	case s.File != "":
		return "file " + s.File
	case s.Var != "":
		return "variable " + s.Var
	}
	return "no source"
}

// ParseSecret parses a --secret value:
//
//	id=ID,src=FILE   id=ID,env=VAR   id=ID,type=env[,src=VAR]   id=ID
//
// With neither src nor env, the value comes from the environment variable
// named ID if it is set, else from the file named ID (as buildctl does).
func ParseSecret(s string, lookupEnv func(string) (string, bool)) (SecretSource, error) {
	fields, err := csvFields(s)
	if err != nil {
		return SecretSource{}, fmt.Errorf("--secret %q: %w", s, err)
	}
	var src SecretSource
	typ := ""
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return SecretSource{}, fmt.Errorf("--secret %q: %q is not KEY=VALUE; write id=ID,src=FILE or id=ID,env=VAR", s, f)
		}
		switch strings.ToLower(k) {
		case "id":
			src.ID = v
		case "src", "source":
			src.File = v
		case "env":
			src.Env = v
		case "type":
			if v != "file" && v != "env" {
				return SecretSource{}, fmt.Errorf("--secret %q: type %q: use file or env", s, v)
			}
			typ = v
		default:
			return SecretSource{}, fmt.Errorf("--secret %q: unknown key %q (known: id, src, env, type)", s, k)
		}
	}
	if src.ID == "" {
		return SecretSource{}, fmt.Errorf("--secret %q: missing id; write id=ID,src=FILE or id=ID,env=VAR", s)
	}
	if typ == "env" && src.Env == "" {
		src.Env, src.File = src.File, ""
		if src.Env == "" {
			src.Env = src.ID
		}
	}
	if src.Env != "" && src.File != "" {
		return SecretSource{}, fmt.Errorf("--secret %q: give either src or env, not both", s)
	}
	if src.Env == "" && src.File == "" {
		if _, ok := lookupEnv(src.ID); ok {
			src.Env = src.ID
		} else {
			src.File = src.ID
		}
	}
	return src, nil
}

// SSHSource is an SSH agent socket or key files forwarded by id.
type SSHSource struct {
	ID    string
	Paths []string // empty: $SSH_AUTH_SOCK
}

func (s SSHSource) String() string {
	if len(s.Paths) == 0 {
		return "$SSH_AUTH_SOCK"
	}
	return strings.Join(s.Paths, ",")
}

// ParseSSH parses an --ssh value: default, ID, or ID=PATH[,PATH...] where a
// path is an agent socket or a private key file.
func ParseSSH(s string) (SSHSource, error) {
	id, paths, ok := strings.Cut(s, "=")
	if id == "" {
		return SSHSource{}, fmt.Errorf("--ssh %q: missing id; write default, ID or ID=PATH[,PATH]", s)
	}
	if strings.ContainsAny(id, ",") {
		return SSHSource{}, fmt.Errorf("--ssh %q: write ID=PATH[,PATH], one id per --ssh", s)
	}
	src := SSHSource{ID: id}
	if ok {
		for _, p := range strings.Split(paths, ",") {
			if p == "" {
				return SSHSource{}, fmt.Errorf("--ssh %q: empty path", s)
			}
			src.Paths = append(src.Paths, p)
		}
	}
	return src, nil
}

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

func (o Output) clone() Output { return Output{Type: o.Type, Attrs: maps.Clone(o.Attrs)} }

// push reports whether the output pushes to a registry.
func (o Output) push() bool {
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
	fields, err := csvFields(s)
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

// ParseCache parses a --cache-from (export false) or --cache-to (export
// true) value in buildx syntax: type=local,src=DIR, type=local,dest=DIR,
// type=registry,ref=REF, type=inline, ..., or a bare registry reference.
func ParseCache(s string, export bool) (client.CacheOptionsEntry, error) {
	flag := "--cache-from"
	if export {
		flag = "--cache-to"
	}
	if s == "" {
		return client.CacheOptionsEntry{}, fmt.Errorf("%s: empty value", flag)
	}
	if !strings.Contains(s, "=") {
		return client.CacheOptionsEntry{Type: "registry", Attrs: map[string]string{"ref": s}}, nil
	}
	fields, err := csvFields(s)
	if err != nil {
		return client.CacheOptionsEntry{}, fmt.Errorf("%s %q: %w", flag, s, err)
	}
	e := client.CacheOptionsEntry{Attrs: map[string]string{}}
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return client.CacheOptionsEntry{}, fmt.Errorf("%s %q: %q is not KEY=VALUE", flag, s, f)
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "type" {
			e.Type = v
		} else {
			e.Attrs[k] = v
		}
	}
	if e.Type == "" {
		return client.CacheOptionsEntry{}, fmt.Errorf("%s %q: missing type, e.g. type=local or type=registry", flag, s)
	}
	if err := checkCacheEntry(e, export); err != nil {
		return client.CacheOptionsEntry{}, fmt.Errorf("%s %q: %w", flag, s, err)
	}
	return e, nil
}

func checkCacheEntry(e client.CacheOptionsEntry, export bool) error {
	switch e.Type {
	case "local":
		key := "src"
		if export {
			key = "dest"
		}
		if e.Attrs[key] == "" {
			return fmt.Errorf("type=local needs %s=DIR", key)
		}
	case "registry":
		if e.Attrs["ref"] == "" {
			return fmt.Errorf("type=registry needs ref=REF")
		}
	case "inline":
		if !export {
			return fmt.Errorf("type=inline is for exports; import the image itself with type=registry,ref=IMAGE")
		}
	case "gha", "s3", "azblob":
	default:
		return fmt.Errorf("unknown cache type %q (known: local, registry, inline, gha, s3, azblob)", e.Type)
	}
	return nil
}

func csvFields(s string) ([]string, error) {
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
