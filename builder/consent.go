package builder

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/lang"
)

// This file holds the user's consent: what a build file may ask of the
// daemon (entitlements) and of the host (files outside the build context,
// host environment variables, the ssh agent), as `docker buildx bake
// --allow` grants it. What the command line names itself (--secret,
// --ssh, --build-context, --context, --output, --cache-from, --cache-to,
// --var) needs no further consent: the user typed it.

// Allow is what --allow granted.
type Allow struct {
	// Entitlements are BuildKit entitlements: network.host,
	// security.insecure.
	Entitlements []string
	// FSRead and FSWrite are host paths (a file or a directory and all
	// below it) the build file may read or write; "*" is any path.
	FSRead, FSWrite []string
	// Env names host environment variables the build file may read; "*"
	// is any.
	Env []string
	// SSH lets an ssh block forward the agent at $SSH_AUTH_SOCK.
	SSH bool
}

// ParseAllow parses --allow values (each may hold several, comma
// separated): network.host, security.insecure, ssh, fs.read=PATH,
// fs.write=PATH, fs=PATH (both), env=NAME; PATH and NAME may be *.
func ParseAllow(values []string) (Allow, error) {
	var a Allow
	for _, v := range values {
		k, val, hasVal := strings.Cut(v, "=")
		switch {
		case !hasVal && (k == compiler.EntitlementNetworkHost || k == compiler.EntitlementSecurityInsecure):
			if !slices.Contains(a.Entitlements, k) {
				a.Entitlements = append(a.Entitlements, k)
			}
		case !hasVal && k == "ssh":
			a.SSH = true
		case hasVal && val == "":
			return Allow{}, fmt.Errorf("--allow %s: give a value, e.g. %s=* for any", v, k)
		case hasVal && (k == "fs.read" || k == "fs.write" || k == "fs"):
			p := val
			if p != "*" {
				abs, err := filepath.Abs(p)
				if err != nil {
					return Allow{}, fmt.Errorf("--allow %s: %w", v, err)
				}
				p = abs
			}
			if k != "fs.write" {
				a.FSRead = append(a.FSRead, p)
			}
			if k != "fs.read" {
				a.FSWrite = append(a.FSWrite, p)
			}
		case hasVal && k == "env":
			a.Env = append(a.Env, val)
		default:
			return Allow{}, fmt.Errorf("--allow %q: unknown; use %s", v, strings.Join(lang.AllowForms, ", "))
		}
	}
	return a, nil
}

// refusal is one thing the build file asks for that the user did not
// grant.
type refusal struct {
	diag *hcl.Diagnostic
	flag string // what grants it: "network.host", "fs.read=/x", ...
}

func (p *Plan) refuse(subject hcl.Range, summary, flag, detailFormat string, args ...any) {
	for _, r := range p.refusals {
		if r.flag == flag && *r.diag.Subject == subject {
			return // a cache policy shared by targets, a step of a target built for two platforms
		}
	}
	p.refusals = append(p.refusals, refusal{flag: flag, diag: &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detailFormat, args...),
		Subject:  subject.Ptr(),
	}})
}

// consentError is Check's error when something was not granted: every
// flag that grants what was refused, as bake prints them.
func (p *Plan) consentError() error {
	if len(p.refusals) == 0 {
		return nil
	}
	var flags []string
	for _, r := range p.refusals {
		if f := "--allow " + r.flag; !slices.Contains(flags, f) {
			flags = append(flags, f)
		}
	}
	return fmt.Errorf("the build file asks for privileges that were not granted; review them (above) and, if you trust it, pass %s", strings.Join(flags, " "))
}

// checkEntitlements refuses each step needing an entitlement that was not
// granted, and asks the daemon only for granted ones.
func (p *Plan) checkEntitlements() {
	for _, e := range p.entitlementNeeds {
		if !slices.Contains(p.opts.Allow.Entitlements, e.Name) {
			for _, s := range e.Steps {
				what := "runs on the host's network"
				if e.Name == compiler.EntitlementSecurityInsecure {
					what = "runs without the sandbox, with the host's privileges"
				}
				// The step's first line: the whole block would print it all.
				at := hcl.Range{Filename: s.Range.Filename, Start: s.Range.Start, End: s.Range.Start}
				p.refuse(at, "Entitlement "+e.Name+" not granted", e.Name,
					"Target %q's step %s %s, which needs the %s entitlement; buildlang build asks the daemon only for entitlements you grant. If you trust this build file, pass --allow %s (buildkitd must allow it too: --allow-insecure-entitlement %s).",
					s.Target, s.Desc, what, e.Name, e.Name, e.Name)
			}
			continue
		}
		p.Entitlements = append(p.Entitlements, e.Name)
	}
}

// checkHostVariables refuses variables whose value came from the host
// environment without --allow env=NAME.
func (p *Plan) checkHostVariables() {
	for _, v := range p.Build.Variables {
		if v.Source != lang.FromHostEnv || p.envAllowed(v.HostEnv) {
			continue
		}
		p.refuse(v.DeclRange, "Reading a host environment variable needs consent", "env="+v.HostEnv,
			"Variable %q reads the host environment variable %s, which is set here. If you trust this build file, pass --allow env=%s to let it, or give the value yourself with --var %s=VALUE.",
			v.Name, v.HostEnv, v.HostEnv, v.Name)
	}
}

func (p *Plan) envAllowed(name string) bool {
	return slices.Contains(p.opts.Allow.Env, name) || slices.Contains(p.opts.Allow.Env, "*")
}

// readAllowed says whether the build file may read a host path: inside
// the build context, or granted with --allow fs.read.
func (p *Plan) readAllowed(path string) bool {
	return pathAllowed(path, append([]string{p.opts.ContextDir}, p.opts.Allow.FSRead...))
}

// writeAllowed is readAllowed for writes (--allow fs.write).
func (p *Plan) writeAllowed(path string) bool {
	return pathAllowed(path, append([]string{p.opts.ContextDir}, p.opts.Allow.FSWrite...))
}

// pathAllowed says whether path is one of grants or below one, after
// resolving symbolic links (a link inside the context to a file outside
// it is outside).
func pathAllowed(path string, grants []string) bool {
	real := resolveExisting(path)
	for _, g := range grants {
		if g == "*" {
			return true
		}
		if g = resolveExisting(g); real == g || strings.HasPrefix(real, strings.TrimSuffix(g, string(filepath.Separator))+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// resolveExisting makes path absolute and resolves the symbolic links of
// its longest existing prefix; the rest is kept as it is.
func resolveExisting(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	rest := ""
	for dir := abs; ; {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest)
		} else if !errors.Is(err, os.ErrNotExist) {
			return abs
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return abs
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

// checkOutput refuses an output from the build file that writes outside
// the build context without --allow fs.write.
func (p *Plan) checkOutput(t *TargetPlan, spec *lang.TargetSpec, o Output) {
	d := o.Attrs["dest"]
	if d == "" || d == "-" || p.writeAllowed(d) {
		return
	}
	abs := absPath(d)
	p.refuse(spec.Target.DeclRange, "Writing outside the build context needs consent", "fs.write="+abs,
		"Target %q's output writes %s, outside the build context %s. If you trust this build file, pass --allow fs.write=%s, or choose the output yourself with --output.",
		t.Name, abs, absPath(p.opts.ContextDir), abs)
}

// checkCache refuses a local cache of the build file's cache policy that
// reads or writes outside the build context without --allow fs.read or
// fs.write.
func (p *Plan) checkCache(pol *lang.CachePolicy, e client.CacheOptionsEntry, export bool) {
	if e.Type != "local" {
		return
	}
	key, allowed, verb, grant, flag := "src", p.readAllowed, "imports from", "fs.read", "--cache-from"
	if export {
		key, allowed, verb, grant, flag = "dest", p.writeAllowed, "exports to", "fs.write", "--cache-to"
	}
	d := e.Attrs[key]
	if d == "" || allowed(d) {
		return
	}
	abs := absPath(d)
	what := "Reading"
	if export {
		what = "Writing"
	}
	p.refuse(pol.DeclRange, what+" outside the build context needs consent", grant+"="+abs,
		"Cache policy %q %s %s, outside the build context %s. If you trust this build file, pass --allow %s=%s, or choose the cache yourself with %s.",
		pol.Name, verb, abs, absPath(p.opts.ContextDir), grant, abs, flag)
}

func absPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	return abs
}

// secretAllowed says whether a secret block's source may be read: a host
// variable with --allow env=NAME (an unset one reads nothing), a file
// inside the build context or with --allow fs.read.
func (p *Plan) secretAllowed(sp *SecretPlan) bool {
	src, decl := sp.Source, sp.Decl
	switch {
	case src.Env != "":
		if _, set := p.opts.LookupEnv(src.Env); !set || p.envAllowed(src.Env) {
			return true
		}
		p.refuse(decl.DeclRange, "Reading a host environment variable needs consent", "env="+src.Env,
			"Secret %q reads the host environment variable %s. If you trust this build file, pass --allow env=%s to let it, or provide the secret yourself with --secret id=%s,env=%s.",
			decl.Name, src.Env, src.Env, sp.ID, src.Env)
	case src.File != "":
		if p.readAllowed(src.File) {
			return true
		}
		abs := absPath(src.File)
		p.refuse(decl.DeclRange, "Reading outside the build context needs consent", "fs.read="+abs,
			"Secret %q reads %s, outside the build context %s. If you trust this build file, pass --allow fs.read=%s to let it, or provide the secret yourself with --secret id=%s,src=FILE.",
			decl.Name, abs, absPath(p.opts.ContextDir), abs, sp.ID)
	default:
		return true
	}
	sp.Problem = "not granted (see above)"
	return false
}

// sshAllowed says whether an ssh block may forward what it names: key
// files or sockets inside the build context or with --allow fs.read, the
// agent at $SSH_AUTH_SOCK with --allow ssh.
func (p *Plan) sshAllowed(sp *SSHPlan, decl *lang.SSH) bool {
	ok := true
	if len(sp.Source.Paths) == 0 && !p.opts.Allow.SSH {
		p.refuse(decl.DeclRange, "Forwarding the ssh agent needs consent", "ssh",
			"ssh %q forwards your ssh agent ($SSH_AUTH_SOCK) to the build. If you trust this build file, pass --allow ssh, or name the agent yourself with --ssh %s.",
			decl.Name, sp.ID)
		ok = false
	}
	for _, path := range sp.Source.Paths {
		if p.readAllowed(path) {
			continue
		}
		abs := absPath(path)
		p.refuse(decl.DeclRange, "Reading outside the build context needs consent", "fs.read="+abs,
			"ssh %q forwards %s, outside the build context %s. If you trust this build file, pass --allow fs.read=%s, or name the agent or keys yourself with --ssh %s=PATH.",
			decl.Name, abs, absPath(p.opts.ContextDir), abs, sp.ID)
		ok = false
	}
	if !ok {
		sp.Problem = "not granted (see above)"
	}
	return ok
}
