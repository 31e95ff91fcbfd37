package builder

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/client"
	"github.com/org/buildlang/lang/exports"
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
	fields, err := exports.Fields(s)
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

// Output is one exporter in buildx syntax; lang/exports owns its rules,
// so `check` refuses the outputs a build would.
type Output = exports.Output

// Output types.
const (
	OutputImage    = exports.OutputImage
	OutputRegistry = exports.OutputRegistry
	OutputOCI      = exports.OutputOCI
	OutputDocker   = exports.OutputDocker
	OutputTar      = exports.OutputTar
	OutputLocal    = exports.OutputLocal
	OutputNone     = exports.OutputNone
)

// ParseOutput parses an --output value (or an entry of a target's output
// attribute) in buildx syntax; see exports.ParseOutput.
func ParseOutput(s string) (Output, error) { return exports.ParseOutput(s) }

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
	fields, err := exports.Fields(s)
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
	if err := exports.CheckCache(e.Type, e.Attrs, export); err != nil {
		return client.CacheOptionsEntry{}, fmt.Errorf("%s %q: %w", flag, s, err)
	}
	return e, nil
}
