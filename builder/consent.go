package builder

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/lang"
)

// This file refuses what the build file asks for and the user did not
// grant (Options.Allow, decided by lang.Allow): entitlements, secrets,
// ssh, outputs and caches. A variable's host environment variable is
// refused by lang, as it loads, for every command alike. What the command
// line names itself (--secret, --ssh, --build-context, --context,
// --output, --cache-from, --cache-to, --var) needs no further consent:
// the user typed it.

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

// grantDevices asks the daemon for the device entitlement of each CDI
// device the steps mount that the user granted (--allow device, or
// device=NAME). One not granted is not refused here: buildkitd's CDI spec
// may let builds use it without the entitlement, and BuildKit says so
// when it does not.
func (p *Plan) grantDevices(devices []string) {
	for _, d := range devices {
		if g, ok := p.opts.Allow.DeviceGrant(d); ok && !slices.Contains(p.Entitlements, g) {
			p.Entitlements = append(p.Entitlements, g)
		}
	}
}

// withDeviceHint adds the flag that grants a device to BuildKit's refusal
// of one not granted (its error says "device NAME is requested by the
// build but not allowed").
func withDeviceHint(err error) error {
	if err == nil || !strings.Contains(err.Error(), "is requested by the build but not allowed") {
		return err
	}
	return fmt.Errorf("%w; if you trust this build file, pass --allow device (every device) or --allow device=NAME (buildkitd must allow it too: --allow-insecure-entitlement device)", err)
}

func (p *Plan) envAllowed(name string) bool { return p.opts.Allow.EnvAllowed(name) }

// readAllowed says whether the build file may read a host path: inside
// the build context, or granted with --allow fs.read.
func (p *Plan) readAllowed(path string) bool {
	return p.opts.Allow.ReadAllowed(path, p.opts.ContextDir)
}

// writeAllowed is readAllowed for writes (--allow fs.write).
func (p *Plan) writeAllowed(path string) bool {
	return p.opts.Allow.WriteAllowed(path, p.opts.ContextDir)
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
