package compiler

import (
	"context"
	"fmt"
	"time"

	"github.com/containerd/platforms"
	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client/llb"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

// ImageResolver resolves an image reference to its digest and config for a
// platform. It is BuildKit's own interface, so the frontend's gateway client
// (through sourceresolver.NewImageMetaResolver), the CLI's BuildKit client
// and a fixed table in tests all plug in directly.
type ImageResolver = llb.ImageMetaResolver

// NamedContext is what a caller provides for contexts.NAME.
type NamedContext struct {
	State llb.State
	// Image is the context's image config when it is an image (for example a
	// docker-image:// build context); nil for a directory.
	Image *dockerspec.DockerOCIImage
	// Ref, when set instead of State, makes the context the image it
	// names, resolved (Request.Resolver) and pulled as from = "REF" is,
	// its config included: what a caller gives for docker-image://REF
	// when its resolver is the compile's (the CLI build).
	Ref string
}

// NamedContextFunc looks up a named context for a platform; it returns
// nil, nil when the caller has no context by that name.
type NamedContextFunc func(ctx context.Context, name string, platform ocispecs.Platform) (*NamedContext, error)

// Request says what to compile and how to reach the outside world.
type Request struct {
	// Targets are target, matrix or group names; empty means the default
	// group, or every target when there is none.
	Targets []string
	// Platforms override the requested targets' DefaultPlatforms. Targets
	// they read from are compiled for the platform of their consumer.
	Platforms []ocispecs.Platform

	// Resolver resolves base images. Nil leaves images unpinned and their
	// config empty (the default PATH still applies).
	Resolver ImageResolver
	// NamedContexts provides contexts.NAME; nil provides none.
	NamedContexts NamedContextFunc

	// Context configures the main build context (`context`).
	Context ContextOptions

	// NoCache ignores the cache for every run step.
	NoCache bool
	// Epoch, when set, is written as the created time of the image config and
	// its history (SOURCE_DATE_EPOCH). Otherwise no time is written at all,
	// so configs are reproducible.
	Epoch *time.Time

	// SourceState, when set, returns the LLB state holding a build file
	// (for example the frontend's dockerfile local) for source maps.
	SourceState func(filename string) *llb.State
}

// ContextOptions configure the llb.Local sources made for the build context
// and for local(...) sources.
type ContextOptions struct {
	// Name is the local name of the main context; default "context", which
	// is what `buildctl build --local context=.` sends.
	Name string
	// SharedKeyHint lets BuildKit reuse the previous transfer of the context;
	// default the local's name.
	SharedKeyHint string
	// UniqueID is BuildKit's local unique id for locals without a session;
	// default "buildlang", fixed so definitions are deterministic.
	UniqueID string
	// LocalOpts are added to every llb.Local (e.g. llb.SessionID in the frontend).
	LocalOpts []llb.LocalOption
}

// Result holds one Output per requested target and platform, in request order.
type Result struct {
	Outputs []*Output
}

// Output is one target compiled for one target platform.
type Output struct {
	Target   string
	Platform ocispecs.Platform
	// State is the target's final filesystem.
	State llb.State
	// Image is the OCI image config built on the base image's.
	Image *dockerspec.DockerOCIImage
	// Spec is the evaluated target, e.g. for tags, outputs, annotations and
	// its cache policy.
	Spec *lang.TargetSpec
	// Needs is what building it needs from the client and the daemon.
	Needs *Needs
	// Steps are the vertex names of the steps its definition holds, its
	// own and those of the targets it reads ("[app linux/amd64 2/5] RUN
	// ..."), each once: a client counts steps, and finds them in BuildKit's
	// progress, by these names rather than by reading the LLB.
	Steps []string
}

// Get returns the output for a target and platform, or nil.
func (r *Result) Get(target string, platform ocispecs.Platform) *Output {
	want := platformKey(platform)
	for _, o := range r.Outputs {
		if o.Target == target && platformKey(o.Platform) == want {
			return o
		}
	}
	return nil
}

// Marshal turns the output into an LLB definition. Every op carries its own
// platform, so the result does not depend on the machine marshaling it.
func (o *Output) Marshal(ctx context.Context) (*llb.Definition, error) {
	return o.State.Marshal(ctx, llb.Platform(o.Platform))
}

// Compile turns the requested targets of a checked build into LLB states
// and image configs. Only targets reachable from the requested ones are
// compiled, each (target, platform) once. The build should have loaded
// without errors; Compile reports its own problems (unknown targets,
// unresolvable images, missing named contexts) as diagnostics.
func Compile(ctx context.Context, b *lang.Build, req Request) (*Result, hcl.Diagnostics) {
	names, diags := b.Expand(req.Targets)
	if diags.HasErrors() {
		return nil, diags
	}
	c := newCompiler(ctx, b, req)
	type want struct {
		name string
		p    ocispecs.Platform
	}
	var wants []want
	for _, n := range names {
		ps := req.Platforms
		if len(ps) == 0 {
			ps = b.Target(n).DefaultPlatforms
		}
		for _, p := range ps {
			wants = append(wants, want{n, platforms.Normalize(p)})
		}
	}
	// Every output carries its build files in its source map, so a matrix
	// of a thousand targets for thirty platforms would make gigabytes of
	// definitions from a small file: the count is bounded like targets.
	if d := TooManyOutputs(len(wants)); d != nil {
		return nil, append(diags, d)
	}
	// Plan first (evaluate specs, find which images to resolve), resolve
	// images concurrently, then build sequentially so output is deterministic.
	var nodes []*node
	for _, w := range wants {
		nodes = append(nodes, c.plan(w.name, w.p))
	}
	c.resolveImages()
	res := &Result{}
	for _, n := range nodes {
		c.build(n)
		res.Outputs = append(res.Outputs, &Output{
			Target: n.name, Platform: n.platform, State: n.state, Image: n.img, Spec: n.spec,
			Needs: outputNeeds(n), Steps: outputSteps(n),
		})
	}
	diags = append(diags, c.diags...)
	if diags.HasErrors() {
		return nil, diags
	}
	return res, diags
}

// TooManyOutputs is the error for compiling n outputs (targets for their
// platforms) at once, past the bound; nil within it. Clients compiling a
// request's targets one by one check the whole request with it.
func TooManyOutputs(n int) *hcl.Diagnostic {
	if max := lang.DefaultLimits.MaxTargets; n > max {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Too many outputs",
			Detail: fmt.Sprintf("This compiles %d targets for their platforms, more than %d at once. Name fewer targets, or platforms, to build. The limit is %d.", n, max, max)}
	}
	return nil
}

func platformKey(p ocispecs.Platform) string { return platforms.FormatAll(p) }
