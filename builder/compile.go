package builder

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerui"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/session"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/policy"
)

// This file is the build's one compile: each requested target for its
// platforms, once, with base images resolved through the daemon the build
// runs on (Options.Connection), or unresolved when there is none (a dry
// run). What the build needs — secrets, ssh agents, local directories,
// entitlements, its steps — is read from the compiler's Outputs, never
// from the LLB; the solves use the same Outputs.

// compiled is what the compile gave one target.
type compiled struct {
	outputs []*compiler.Output
	// images are the resolver's answers while compiling it (records).
	images []ResolvedImage
	// warnings are the compiler's, sent to the build's progress.
	warnings hcl.Diagnostics
}

// compile compiles every requested target, one compile per target (so each
// target's resolver answers are its own), and returns the outputs by
// target in request order. With a connection it compiles inside one
// gateway session of the daemon, whose resolver answers, and makes the
// session that will send local directories, whose id the locals carry.
func (p *Plan) compile(ctx context.Context) ([]*compiled, hcl.Diagnostics, error) {
	b, opts := p.Build, p.opts
	names, diags := b.Expand(opts.Targets)
	if diags.HasErrors() {
		return nil, diags, nil
	}
	n := 0
	for _, name := range names {
		if ps, ok := opts.Parts[name]; ok {
			n += len(ps)
		} else if len(opts.Platforms) > 0 {
			n += len(opts.Platforms)
		} else if t := b.Target(name); t != nil {
			n += len(t.DefaultPlatforms)
		}
	}
	if d := compiler.TooManyOutputs(n); d != nil {
		return nil, append(diags, d), nil
	}
	conn := opts.Connection
	if conn == nil {
		if err := p.setLocalOpts(); err != nil {
			return nil, diags, err
		}
		out, cdiags := p.compileTargets(ctx, names, nil)
		return out, append(diags, cdiags...), nil
	}
	s, err := session.NewSession(context.WithoutCancel(ctx), sharedKey(opts.ContextDir))
	if err != nil {
		return nil, diags, err
	}
	p.session = s
	if err := p.setLocalOpts(); err != nil {
		return nil, diags, err
	}
	var out []*compiled
	var cdiags hcl.Diagnostics
	// Registry credentials only: nothing is solved. The source policy
	// (build.lock's pins, the environment's policy) applies to resolving
	// as to the solves.
	_, err = conn.Client.Build(ctx, client.SolveOpt{Session: p.registryAuth(), SourcePolicy: policy.ForBuild(p.Build)}, "buildlang", func(ctx context.Context, gw gateway.Client) (*gateway.Result, error) {
		out, cdiags = p.compileTargets(ctx, names, sourceresolver.NewImageMetaResolver(gw))
		return gateway.NewResult(), nil
	}, nil)
	if err != nil {
		return nil, diags, fmt.Errorf("resolving base images through BuildKit at %s: %w", conn.Addr, err)
	}
	return out, append(diags, cdiags...), nil
}

// compileTargets compiles each target on its own; diagnostics a shared
// dependency gives every target are returned once.
func (p *Plan) compileTargets(ctx context.Context, names []string, resolver compiler.ImageResolver) ([]*compiled, hcl.Diagnostics) {
	var out []*compiled
	var diags hcl.Diagnostics
	for _, name := range names {
		ps := p.opts.Platforms
		if part, ok := p.opts.Parts[name]; ok {
			ps = part
		}
		req := p.compileRequest(name, ps, nil)
		var rec *recordingResolver
		if resolver != nil {
			rec = &recordingResolver{inner: resolver}
			req.Resolver = rec
		}
		res, d := compiler.Compile(ctx, p.Build, req)
		diags = appendNewDiags(diags, d)
		if res == nil {
			continue
		}
		c := &compiled{outputs: res.Outputs}
		if rec != nil {
			c.images = rec.images()
		}
		for _, x := range d {
			if x.Severity == hcl.DiagWarning {
				c.warnings = append(c.warnings, x)
			}
		}
		out = append(out, c)
	}
	return out, diags
}

// compileRequest is the compile of one target for platforms (none: its
// own), as the build and why --plan (Plan.Compile) both make it.
func (p *Plan) compileRequest(target string, ps []ocispecs.Platform, resolver compiler.ImageResolver) compiler.Request {
	return compiler.Request{
		Targets:       []string{target},
		Platforms:     ps,
		Resolver:      resolver,
		NamedContexts: p.namedContexts,
		Context:       compiler.ContextOptions{LocalOpts: p.localOpts},
		NoCache:       p.opts.NoCache,
		Epoch:         p.opts.Epoch,
	}
}

// setLocalOpts sets the options of the build context's llb.Local.
func (p *Plan) setLocalOpts() error {
	id := ""
	if p.session != nil {
		id = p.session.ID()
	}
	var err error
	p.localOpts, err = contextLocalOpts(p.opts.ContextDir, p.opts.StateDir, id)
	return err
}

// namedContexts provides contexts.NAME from --build-context (the forms
// contextKindOf tells apart): an image, resolved as a base image is, for
// docker-image://REF; an OCI layout; a git repository or download for a
// URL; else the directory as a local sent by the build's session. A name
// without a directory is a local too, so the plan sees it is read
// (Plan.Check reports it missing).
func (p *Plan) namedContexts(ctx context.Context, name string, platform ocispecs.Platform) (*compiler.NamedContext, error) {
	src := p.opts.BuildContexts[name]
	switch kind, ref := contextKindOf(src); kind {
	case contextImage:
		return &compiler.NamedContext{Ref: ref}, nil
	case contextLayout:
		l, err := p.layout(name, src)
		if err != nil {
			return nil, err
		}
		id := ""
		if p.session != nil {
			id = p.session.ID()
		}
		return l.namedContext(ctx, name, id, platform)
	case contextRemote:
		return remoteContext(name, src)
	}
	opts := []llb.LocalOption{llb.SharedKeyHint(name), llb.LocalUniqueID("buildlang"),
		llb.WithCustomName("[internal] load context " + name)}
	if p.session != nil {
		opts = append(opts, llb.SessionID(p.session.ID()))
	}
	if src != "" {
		pats, err := dockerignore(src)
		if err != nil {
			return nil, err
		}
		if len(pats) > 0 {
			opts = append(opts, llb.ExcludePatterns(pats))
		}
	}
	return &compiler.NamedContext{State: llb.Local(name, opts...)}, nil
}

// contextKind is what a --build-context value names.
type contextKind int

const (
	contextDir    contextKind = iota // a directory on the client
	contextImage                     // docker-image://REF
	contextLayout                    // oci-layout://PATH[:TAG][@DIGEST]
	contextRemote                    // a git repository or HTTP(S) URL
)

// contextKindOf tells a --build-context value's form apart as buildx
// does, with the image reference of docker-image://REF: the one
// classification behind the compile's named contexts and the plan's
// lists of them.
func contextKindOf(src string) (contextKind, string) {
	if ref, ok := strings.CutPrefix(src, "docker-image://"); ok {
		return contextImage, ref
	}
	if strings.HasPrefix(src, ociLayoutPrefix) {
		return contextLayout, ""
	}
	for _, p := range []string{"git@", "git://", "ssh://", "http://", "https://"} {
		if strings.HasPrefix(src, p) {
			return contextRemote, ""
		}
	}
	return contextDir, ""
}

// layout is the OCI layout context of name, read once.
func (p *Plan) layout(name, src string) (*ociLayout, error) {
	p.layoutsMu.Lock()
	defer p.layoutsMu.Unlock()
	if l := p.Layouts[name]; l != nil {
		return l, nil
	}
	l, err := parseOCILayout(name, src)
	if err != nil {
		return nil, err
	}
	p.Layouts[name] = l
	return l, nil
}

// remoteContext is a git repository (URL#ref:subdir, as buildx and
// dockerui read it) or, for other HTTP(S) URLs, the downloaded file.
func remoteContext(name, src string) (*compiler.NamedContext, error) {
	st, isGit, err := dockerui.DetectGitContext(src, nil)
	if isGit {
		if err != nil {
			return nil, fmt.Errorf("--build-context %s=%s: %w", name, src, err)
		}
		return &compiler.NamedContext{State: *st}, nil
	}
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		return nil, fmt.Errorf("--build-context %s=%s is not a git repository URL", name, src)
	}
	return &compiler.NamedContext{State: llb.HTTP(src, llb.Filename("context"), llb.WithCustomName("[context "+name+"] "+src))}, nil
}

// sharedKey is the session's shared key: stable for a context directory,
// so BuildKit sends only what changed since the last build of it.
func sharedKey(contextDir string) string {
	abs, _ := filepath.Abs(contextDir)
	return digest.FromString("buildlang:" + abs).Encoded()[:32]
}

// appendNewDiags appends the diagnostics of add that diags lacks (same
// severity, summary, detail and place).
func appendNewDiags(diags, add hcl.Diagnostics) hcl.Diagnostics {
	for _, d := range add {
		dup := false
		for _, e := range diags {
			if e.Severity == d.Severity && e.Summary == d.Summary && e.Detail == d.Detail && rangeString(e.Subject) == rangeString(d.Subject) {
				dup = true
				break
			}
		}
		if !dup {
			diags = append(diags, d)
		}
	}
	return diags
}

func rangeString(r *hcl.Range) string {
	if r == nil {
		return ""
	}
	return r.String()
}
