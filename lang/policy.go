package lang

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/distribution/reference"
	"github.com/hashicorp/hcl/v2"
)

// Policy is what an environment refuses to build from or with. Nil lists
// allow everything of their kind; an empty list allows nothing.
type Policy struct {
	Name        string
	Description string
	// Registries are the registries images may come from ("docker.io" for
	// Docker Hub); nil allows any.
	Registries []string
	// Repositories are patterns (* matches any characters) of the
	// repositories images may come from, e.g. "localhost:5000/base/*".
	Repositories []string
	// Pinned requires every image to be pinned to a digest, by the build
	// file or build.lock.
	Pinned bool
	// DenyLatest refuses images tagged latest, or untagged.
	DenyLatest bool
	// GitHosts are the hosts git sources may come from.
	GitHosts []string
	// HTTP are patterns of the URLs http sources may download.
	HTTP []string
	// HTTPChecksum requires every http source to give a checksum.
	HTTPChecksum bool
	// BasePlatform requires every base image to be published for the
	// platform it is built for; only a build that resolves the image
	// (through a daemon) can tell (see PlatformViolation).
	BasePlatform bool
	// DenyNetwork and DenySecurity are run steps' network and security
	// modes refused ("host", "insecure").
	DenyNetwork, DenySecurity []string
	// Attestations are the attestations every image must get: "sbom",
	// "provenance".
	Attestations []string
	// SignedBy are public keys (PEM files, relative to the build file's
	// directory) one of which must have signed every image, cosign-style;
	// `buildlang build` verifies them before the solve.
	SignedBy  []string
	DeclRange hcl.Range
}

// AttestationKinds are the attestations a policy may require.
var AttestationKinds = []string{"sbom", "provenance"}

// PolicyNetworkModes are the network modes a policy may deny.
var PolicyNetworkModes = []string{"host", "none"}

// declarePolicies decodes every policy block. Like environments, which
// select them, policies are evaluated before variables exist: they are
// literal, with functions only.
func (e *evaluator) declarePolicies() hcl.Diagnostics {
	ctx := &hcl.EvalContext{Functions: e.funcs}
	spec := TopSchema.Block("policy")
	var diags hcl.Diagnostics
	for _, name := range e.decls.policies.order {
		b := e.decls.policies.blocks[name]
		content, cdiags := bodyContent(b.Body, spec)
		diags = append(diags, cdiags...)
		d := &decoder{ctx: ctx, what: `policy "` + name + `"`}
		attrs := content.Attributes
		p := &Policy{Name: name, DeclRange: b.DefRange}
		p.Description = d.str(attrs["description"])
		p.Registries = d.optList(attrs["registries"])
		p.Repositories = d.optList(attrs["repositories"])
		p.Pinned = d.boolean(attrs["pinned"], false)
		p.DenyLatest = d.boolean(attrs["deny_latest"], false)
		p.GitHosts = d.optList(attrs["git_hosts"])
		p.HTTP = d.optList(attrs["http"])
		p.HTTPChecksum = d.boolean(attrs["http_checksum"], false)
		p.BasePlatform = d.boolean(attrs["base_platform"], false)
		p.DenyNetwork = d.enumList(attrs["deny_network"], PolicyNetworkModes)
		p.DenySecurity = d.enumList(attrs["deny_security"], []string{"insecure"})
		p.Attestations = d.enumList(attrs["attestations"], AttestationKinds)
		p.SignedBy = d.optList(attrs["signed_by"])
		diags = append(diags, d.diags...)
		e.build.Policies = append(e.build.Policies, p)
	}
	return diags
}

// optList is a list of strings where unset (nil) differs from empty.
func (d *decoder) optList(a *hcl.Attribute) []string {
	if a == nil {
		return nil
	}
	l := d.strList(a)
	if l == nil {
		l = []string{}
	}
	return l
}

func (d *decoder) enumList(a *hcl.Attribute, allowed []string) []string {
	l := d.optList(a)
	for i, s := range l {
		if !contains(allowed, s) {
			d.add(NotAllowed(a.Name+" value", s, allowed, elemRange(a, i, len(l))))
		}
	}
	return l
}

// Policy returns the policy with the given name, or nil.
func (b *Build) Policy(name string) *Policy {
	for _, p := range b.Policies {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// PatternRegexp is the anchored regular expression of a policy pattern,
// where * matches any characters: the static check and the BuildKit
// source policy (package policy) match with the same expression.
func PatternRegexp(pattern string) string {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return "^" + strings.Join(parts, ".*") + "$"
}

func matchesAny(patterns []string, s string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool {
		ok, _ := regexp.MatchString(PatternRegexp(p), s)
		return ok
	})
}

// Violation is one rule of a policy a source breaks.
type Violation struct{ Summary, Detail string }

// ImageViolations lists the rules of the policy an image reference breaks;
// pinned says whether the build pins it (build.lock's digest counts).
func (p *Policy) ImageViolations(ref string, pinned bool) []Violation {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return nil // the compiler reports invalid references
	}
	domain := reference.Domain(named)
	_, hasDigest := named.(reference.Digested)
	tagged, hasTag := named.(reference.Tagged)
	var out []Violation
	if p.Registries != nil && !slices.Contains(p.Registries, domain) {
		out = append(out, Violation{"Registry not allowed", "Policy " + p.Name + " allows images only from " + orList(quoteAll(p.Registries)) + "; " + quote(ref) + " comes from " + quote(domain) + ". Use an image from an allowed registry (a mirror of it, say), or add the registry to the policy."})
	}
	if p.Repositories != nil && !matchesAny(p.Repositories, named.Name()) {
		out = append(out, Violation{"Repository not allowed", "Policy " + p.Name + " allows images only from repositories matching " + orList(quoteAll(p.Repositories)) + "; " + quote(named.Name()) + " matches none."})
	}
	if p.DenyLatest && (!hasTag && !hasDigest || hasTag && tagged.Tag() == "latest") {
		out = append(out, Violation{"Image tagged latest", "Policy " + p.Name + " refuses images tagged latest (or untagged, which means latest): " + quote(ref) + " moves with every release. Name a version tag."})
	}
	if p.Pinned && !hasDigest && !pinned {
		out = append(out, Violation{"Image not pinned", "Policy " + p.Name + " requires every image to be pinned to a digest; " + quote(ref) + " is not, and build.lock does not lock it. Run `buildlang lock`, or write the digest: " + quote(ref+"@sha256:...") + "."})
	}
	return out
}

// GitViolation says why a policy refuses a git source, or "".
func (p *Policy) GitViolation(remote string) (summary, detail string) {
	if p.GitHosts == nil {
		return "", ""
	}
	host := gitHost(remote)
	if slices.Contains(p.GitHosts, host) {
		return "", ""
	}
	if len(p.GitHosts) == 0 {
		return "Git source not allowed", "Policy " + p.Name + " refuses every git source (git_hosts = [])."
	}
	return "Git host not allowed", "Policy " + p.Name + " allows git sources only from " + orList(quoteAll(p.GitHosts)) + "; " + quote(remote) + " is on " + quote(host) + "."
}

// gitHost is the host of a git remote: a URL's, or user@host:path's.
func gitHost(remote string) string {
	if u, err := url.Parse(remote); err == nil && u.Host != "" {
		return u.Hostname()
	}
	if _, rest, ok := strings.Cut(remote, "@"); ok {
		remote = rest
	}
	host, _, _ := strings.Cut(remote, ":")
	host, _, _ = strings.Cut(host, "/")
	return host
}

// HTTPViolation says why a policy refuses an http source, or "".
func (p *Policy) HTTPViolation(rawURL, checksum string) (summary, detail string) {
	switch {
	case p.HTTP != nil && !matchesAny(p.HTTP, rawURL):
		if len(p.HTTP) == 0 {
			return "Download not allowed", "Policy " + p.Name + " refuses every http source (http = [])."
		}
		return "Download not allowed", "Policy " + p.Name + " allows downloads only from URLs matching " + orList(quoteAll(p.HTTP)) + "; " + quote(rawURL) + " matches none."
	case p.HTTPChecksum && checksum == "":
		return "Download without checksum", "Policy " + p.Name + " requires every http source to give its checksum, so the download cannot change under the build: write http(" + quote(rawURL) + ", \"sha256:...\")."
	}
	return "", ""
}

// PlatformViolation says why the policy refuses a base image that the
// registry has only for other platforms: image was resolved for want but
// holds got. It is "" when the policy lets that be a warning. The compiler
// asks it where it resolves images, for the CLI and the frontend alike.
func (p *Policy) PlatformViolation(image, got, want string) (summary, detail string) {
	if !p.BasePlatform {
		return "", ""
	}
	return "Base image without the platform", "Policy " + p.Name + " requires every base image to be published for the platform it is built for (base_platform = true); " + quote(image) + " has no " + want + " image, only " + got + ", so the result would hold " + got + " binaries labelled " + want + ". Use an image published for " + want + ", or build for the platforms the image has."
}

func quoteAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = quote(x)
	}
	return out
}

// policy is the selected environment's policy, or nil.
func (e *evaluator) policy() *Policy {
	if env := e.build.Env; env != nil && env.Policy != "" {
		return e.build.Policy(env.Policy)
	}
	return nil
}

// checkPolicy reports, at their lines, the sources and steps of a spec the
// selected environment's policy refuses.
func (e *evaluator) checkPolicy(d *decoder, spec *TargetSpec) {
	p := e.policy()
	if p == nil {
		return
	}
	env := e.build.Env
	for _, s := range spec.Sources() {
		var vs []Violation
		switch s.Kind {
		case SourceImage:
			vs = p.ImageViolations(s.Ref, s.Digest != "")
		case SourceGit:
			if summary, detail := p.GitViolation(s.Ref); summary != "" {
				vs = append(vs, Violation{summary, detail})
			}
		case SourceHTTP:
			if summary, detail := p.HTTPViolation(s.Ref, s.Checksum); summary != "" {
				vs = append(vs, Violation{summary, detail})
			}
		}
		for _, v := range vs {
			d.add(PolicyViolation(p.Name, env.Name, v.Summary, v.Detail, s.Range))
		}
	}
	for _, kind := range p.Attestations {
		if kind == "sbom" && !spec.Attest.SBOM || kind == "provenance" && spec.Attest.Provenance == "" {
			d.add(PolicyViolation(p.Name, env.Name, "Attestation required",
				"Policy "+p.Name+" requires every image to have "+kind+" attestations; this target does not ask for one. Add attest = { sbom = true, provenance = \"max\" } to the target or the environment.", spec.Target.DeclRange))
		}
	}
	for _, st := range spec.Steps {
		if st.Run == nil {
			continue
		}
		at := blockKeyword(st.Range, "run")
		if st.Run.Network != "" && slices.Contains(p.DenyNetwork, st.Run.Network) {
			d.add(PolicyViolation(p.Name, env.Name, "Network mode not allowed",
				"Policy "+p.Name+" refuses run steps with network = "+quote(st.Run.Network)+"; this step has it (from the step, its target or the environment). Remove it, or build in another environment.", at))
		}
		if st.Run.Security != "" && slices.Contains(p.DenySecurity, st.Run.Security) {
			d.add(PolicyViolation(p.Name, env.Name, "Security mode not allowed",
				"Policy "+p.Name+" refuses run steps with security = "+quote(st.Run.Security)+". Remove it, or build in another environment.", at))
		}
	}
}

// blockKeyword is the range of a block's type keyword, at the start of
// the block's range: a tight subject for a whole step.
func blockKeyword(r hcl.Range, keyword string) hcl.Range {
	end := r.Start
	end.Byte += len(keyword)
	end.Column += len(keyword)
	return hcl.Range{Filename: r.Filename, Start: r.Start, End: end}
}
