package compiler

import (
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client/llb"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

// use says how a step uses a source: what to call the source's vertex,
// where in the build file it is, and which context paths it needs.
type use struct {
	index int    // step number in vertex names
	desc  string // the step as names show it
	rng   hcl.Range
	paths []string // absolute paths the use reads; "/" for everything
}

// source returns a source's state and, when it has one, its image config.
func (t *targetBuild) source(src lang.Source, u use) (llb.State, *dockerspec.DockerOCIImage) {
	c := t.c
	name := t.name(u.index, u.desc)
	switch src.Kind {
	case lang.SourceImage:
		return t.image(src, u)
	case lang.SourceTarget:
		// A target read by another is built for its consumer's target platform.
		dep := c.plan(src.Ref, t.n.platform)
		c.build(dep)
		t.n.deps = append(t.n.deps, dep)
		return dep.state, dep.img
	case lang.SourceContext:
		t.n.needs.local(c.contextName())
		return t.context(u.paths), nil
	case lang.SourceNamedContext:
		t.n.needs.namedContext(src.Ref)
		return t.namedContext(src, u)
	case lang.SourceGit:
		return t.git(src, name, u), nil
	case lang.SourceHTTP:
		return t.http(src, u), nil
	case lang.SourceLocal:
		t.n.needs.local(src.Ref)
		opts := append(c.localOpts(src.Ref, src.Ref), name, c.location(u.rng))
		if len(src.Include) > 0 {
			opts = append(opts, llb.IncludePatterns(src.Include))
		}
		if len(src.Exclude) > 0 {
			opts = append(opts, llb.ExcludePatterns(src.Exclude))
		}
		return llb.Local(src.Ref, opts...), nil
	}
	return llb.Scratch(), nil
}

// image pulls an image for the run platform, pinned to the digest the
// resolver gave so the layers match the config read.
func (t *targetBuild) image(src lang.Source, u use) (llb.State, *dockerspec.DockerOCIImage) {
	r := t.c.wantImage(src, t.run)
	if r.invalid { // lang reports it; a build with errors is not compiled
		t.c.diag(lang.InvalidImageRef(src.Ref, r.err, src.Range))
		return llb.Scratch(), nil
	}
	if r.err != nil {
		t.c.errorf(src.Range, "Cannot resolve image", "Resolving image %q for %s failed: %s.", src.Ref, platformKey(t.run), r.err)
		return llb.Scratch(), nil
	}
	if r.actual != nil && !t.c.basePlatformRefused(r.name, *r.actual, t.run, src.Range) {
		t.c.warnf(WarnBaseImagePlatform, src.Range, "Base image platform mismatch",
			"Base image %s was pulled with platform %q, expected %q for this build: the registry has no %s image, so the result would hold %s binaries labelled %s. Use an image published for %s, or set platforms to what the image has.",
			r.name, platformKey(*r.actual), platformKey(t.run), platformKey(t.run), r.actual.Architecture, t.run.Architecture, platformKey(t.run))
	}
	if r.scratch {
		return llb.Scratch(), r.img
	}
	st := llb.Image(r.ref, llb.Platform(t.run), t.name(u.index, "FROM "+r.name), t.c.location(u.rng))
	return st, r.img
}

// basePlatformRefused reports, as an error at the from line, a base image
// without the build's platform when the environment's policy requires it
// (base_platform); it says whether it did.
func (c *compiler) basePlatformRefused(image string, got, want ocispecs.Platform, at hcl.Range) bool {
	env := c.b.Env
	p := c.b.Policy(env.Policy)
	if p == nil {
		return false
	}
	summary, detail := p.PlatformViolation(image, platformKey(got), platformKey(want))
	if summary == "" {
		return false
	}
	c.diag(lang.PolicyViolation(p.Name, env.Name, summary, detail, at))
	return true
}

// git fetches a repository with every option the build file gave.
func (t *targetBuild) git(src lang.Source, name llb.ConstraintsOpt, u use) llb.State {
	b := t.c.b
	opts := []llb.GitOption{name, t.c.location(u.rng)}
	if src.GitRef != "" {
		opts = append(opts, llb.GitRef(src.GitRef))
	}
	if g := src.Git; g != nil {
		if g.Subdir != "" {
			opts = append(opts, llb.GitSubDir(g.Subdir))
		}
		if g.KeepGitDir {
			opts = append(opts, llb.KeepGitDir())
		}
		if g.SkipSubmodules {
			opts = append(opts, llb.GitSkipSubmodules())
		}
		if g.Checksum != "" {
			opts = append(opts, llb.GitChecksum(g.Checksum))
		}
		// The secrets and agent are the client's to send, like a run
		// step's mounts; BuildKit fetches without them when they are
		// missing, and fails on a private repository.
		ref := t.stepRef(u.index, u.desc, u.rng)
		if s := b.Secret(g.AuthToken); s != nil {
			opts = append(opts, llb.AuthTokenSecret(s.ID))
			t.n.needs.secret(s.ID, s.Required, ref)
		}
		if s := b.Secret(g.AuthHeader); s != nil {
			opts = append(opts, authHeaderSecret(s.ID))
			t.n.needs.secret(s.ID, s.Required, ref)
		}
		for _, s := range b.SSH {
			if s.Name == g.SSH && g.SSH != "" {
				opts = append(opts, llb.MountSSHSock(s.ID))
				t.n.needs.ssh(s.ID, s.Required, ref)
			}
		}
		if g.KnownHosts != "" {
			opts = append(opts, llb.KnownSSHHosts(g.KnownHosts))
		}
	}
	return llb.Git(src.Ref, "", opts...)
}

// authHeaderSecret names the secret holding a git source's whole HTTP
// Authorization header; llb has no option for it, only the field.
type authHeaderSecret string

func (s authHeaderSecret) SetGitOption(gi *llb.GitInfo) { gi.AuthHeaderSecret = string(s) }

func (t *targetBuild) http(src lang.Source, u use) llb.State {
	opts := []llb.HTTPOption{llb.Filename(httpFilename(src.Ref)), t.name(u.index, u.desc), t.c.location(u.rng)}
	if src.Checksum != "" {
		d, err := lang.ParseChecksum(src.Checksum)
		if err != nil { // lang reports it; a build with errors is not compiled
			t.c.diag(lang.InvalidChecksum(src.Checksum, err, src.Range))
		} else {
			opts = append(opts, llb.Checksum(d))
		}
	}
	return llb.HTTP(src.Ref, opts...)
}

// httpFilename is the name a download is saved as: the URL's last path
// element, as the Dockerfile frontend's ADD does.
func httpFilename(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if base := path.Base(u.Path); base != "." && base != "/" {
			return base
		}
	}
	return "__unnamed__"
}

type namedResult struct {
	nc  *NamedContext
	err error
	// scanned, denied and scanErr are namedContextRefused's: whether the
	// context's steps were read, and the denied mode or the error found.
	scanned bool
	denied  string
	scanErr error
}

// imageSource is an image context (NamedContext.Ref) as a from = "REF" at rng.
func (r *namedResult) imageSource(rng hcl.Range) lang.Source {
	return lang.Source{Kind: lang.SourceImage, Ref: r.nc.Ref, Range: rng}
}

// namedContext asks the request for the context name on platform p,
// once per name and platform.
func (c *compiler) namedContext(name string, p ocispecs.Platform) *namedResult {
	k := imageKey{name, platformKey(p)}
	r := c.named[k]
	if r == nil {
		r = &namedResult{}
		if c.req.NamedContexts != nil {
			r.nc, r.err = c.req.NamedContexts(c.ctx, name, p)
		}
		c.named[k] = r
	}
	return r
}

func (t *targetBuild) namedContext(src lang.Source, u use) (llb.State, *dockerspec.DockerOCIImage) {
	c := t.c
	r := c.namedContext(src.Ref, t.run)
	if r.err == nil && r.nc != nil && r.nc.Ref != "" {
		return t.image(r.imageSource(src.Range), u)
	}
	switch {
	case r.err != nil:
		c.errorf(src.Range, "Cannot load named context", "Loading contexts.%s failed: %s.", src.Ref, r.err)
	case r.nc == nil:
		c.errorf(src.Range, "Named context not provided",
			"The build reads contexts.%s, but no context named %q was provided. Pass one with --build-context %s=DIR (buildx) or --local %s=DIR (buildctl).",
			src.Ref, src.Ref, src.Ref, src.Ref)
	case t.namedContextRefused(src, r):
	default:
		return r.nc.State, r.nc.Image
	}
	return llb.Scratch(), nil
}

// lazyOutput stands for a target's view of the main context until all its
// steps are compiled; the Dockerfile frontend does the same to filter the
// context to the paths its stages use.
type lazyOutput struct{ llb.Output }

// context returns the main build context, noting the paths this use reads.
// Each target gets its own context source, following only the paths its
// own steps read, so its definition does not depend on what else is
// compiled; targets reading the same paths share one source.
func (t *targetBuild) context(paths []string) llb.State {
	if t.ctxOut == nil {
		t.ctxOut = &lazyOutput{}
		t.ctxPaths = map[string]struct{}{}
	}
	for _, p := range paths {
		t.ctxPaths[p] = struct{}{}
	}
	return llb.NewState(t.ctxOut)
}

// finishContext fills in the target's context source once its paths are known.
func (t *targetBuild) finishContext() {
	if t.ctxOut != nil {
		t.ctxOut.Output = t.c.contextLocal(followPaths(t.ctxPaths))
	}
}

// contextLocal is the main context's llb.Local following paths (all of it
// when paths is empty), one per distinct set of paths.
func (c *compiler) contextLocal(paths []string) llb.Output {
	key := strings.Join(paths, "\x00")
	if out := c.contexts[key]; out != nil {
		return out
	}
	name := c.contextName()
	hint := c.req.Context.SharedKeyHint
	if hint == "" {
		hint = name
	}
	opts := append(c.localOpts(name, hint), llb.WithCustomName("[internal] load build context"))
	if len(paths) > 0 {
		opts = append(opts, llb.FollowPaths(paths))
	}
	out := llb.Local(name, opts...).Output()
	c.contexts[key] = out
	return out
}

// contextName is the local name of the main context.
func (c *compiler) contextName() string {
	if c.req.Context.Name != "" {
		return c.req.Context.Name
	}
	return "context"
}

func (c *compiler) localOpts(name, hint string) []llb.LocalOption {
	uid := c.req.Context.UniqueID
	if uid == "" {
		uid = "buildlang"
	}
	opts := []llb.LocalOption{llb.SharedKeyHint(hint), llb.LocalUniqueID(uid)}
	return append(opts, c.req.Context.LocalOpts...)
}

// followPaths turns the set of used paths into sorted FollowPaths; none
// when the whole context is used.
func followPaths(paths map[string]struct{}) []string {
	if _, all := paths["/"]; all || len(paths) == 0 {
		return nil
	}
	out := make([]string, 0, len(paths))
	for p := range paths {
		out = append(out, path.Join(".", p))
	}
	slices.Sort(out)
	return out
}
