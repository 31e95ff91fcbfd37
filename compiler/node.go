package compiler

import (
	"context"
	"reflect"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client/llb"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

// compiler holds the state of one Compile call. It is used from one
// goroutine except for image resolution (resolve.go).
type compiler struct {
	ctx   context.Context
	b     *lang.Build
	req   Request
	nodes map[nodeKey]*node

	images map[imageKey]*imageResult
	named  map[imageKey]*namedResult

	// contexts are the main context's sources by the paths they follow.
	contexts map[string]llb.Output

	sourceMaps map[string]*llb.SourceMap
	// blank is a state with default metadata; steps start from it so that
	// one step's env, dir or user never leaks into the next.
	blank llb.State
	diags hcl.Diagnostics
	seen  map[diagKey]bool
}

type nodeKey struct{ name, platform string }

// node is one target for one target platform.
type node struct {
	name     string
	platform ocispecs.Platform
	spec     *lang.TargetSpec
	diags    hcl.Diagnostics

	// canon is the node whose LLB this one shares: itself, or the same
	// target for its run platform when nothing it builds depends on the
	// target platform (so BuildKit sees byte-identical ops).
	canon    *node
	planning bool

	built bool
	state llb.State
	img   *dockerspec.DockerOCIImage
	// needs are what this node's own steps and sources need; deps are the
	// nodes it reads (outputNeeds adds theirs).
	needs Needs
	deps  []*node
	// steps are the vertex names of its own steps, in the order made.
	steps []string
}

func newCompiler(ctx context.Context, b *lang.Build, req Request) *compiler {
	return &compiler{
		ctx: ctx, b: b, req: req,
		nodes:      map[nodeKey]*node{},
		images:     map[imageKey]*imageResult{},
		named:      map[imageKey]*namedResult{},
		contexts:   map[string]llb.Output{},
		sourceMaps: map[string]*llb.SourceMap{},
		seen:       map[diagKey]bool{},
		blank:      llb.Scratch(),
	}
}

// plan evaluates a target for a platform and everything it reads, records
// the images to resolve, and decides which node's LLB it shares.
func (c *compiler) plan(name string, p ocispecs.Platform) *node {
	k := nodeKey{name, platformKey(p)}
	if n := c.nodes[k]; n != nil {
		return n
	}
	n := &node{name: name, platform: p, planning: true}
	n.canon = n
	c.nodes[k] = n
	defer func() { n.planning = false }()
	n.spec, n.diags = c.b.Resolve(name, p)
	if n.spec == nil || n.diags.HasErrors() {
		return n
	}
	for _, src := range n.spec.Sources() {
		switch src.Kind {
		case lang.SourceTarget:
			c.plan(src.Ref, p)
		case lang.SourceImage:
			c.wantImage(*src, n.spec.RunPlatform)
		case lang.SourceNamedContext:
			// An image context is resolved with the base images.
			if r := c.namedContext(src.Ref, n.spec.RunPlatform); r.nc != nil && r.nc.Ref != "" {
				c.wantImage(r.imageSource(src.Range), n.spec.RunPlatform)
			}
		}
	}
	if platformKey(n.spec.RunPlatform) != k.platform {
		alt := c.plan(name, n.spec.RunPlatform)
		if !alt.planning && c.sameBuild(n, alt) {
			n.canon = alt.canon
		}
	}
	return n
}

// sameBuild says whether n and alt (the same target for n's run platform)
// produce the same LLB: equal specs apart from the target platform, and
// every target they read shared too.
func (c *compiler) sameBuild(n, alt *node) bool {
	if alt.spec == nil || alt.diags.HasErrors() {
		return false
	}
	a := *n.spec
	a.Platform = alt.spec.Platform
	if !reflect.DeepEqual(&a, alt.spec) {
		return false
	}
	for _, src := range n.spec.Sources() {
		if src.Kind == lang.SourceTarget && c.plan(src.Ref, n.platform).canon != c.plan(src.Ref, alt.platform).canon {
			return false
		}
	}
	return true
}

// build compiles a planned node once.
func (c *compiler) build(n *node) {
	if n.built {
		return
	}
	n.built = true
	// Resolve's errors stop the compile; its warnings Load reported
	// already (it evaluated every target), so they are not repeated.
	for _, d := range n.diags {
		if d.Severity == hcl.DiagError {
			c.diag(d)
		}
	}
	switch {
	case n.spec == nil || n.diags.HasErrors():
		n.state = llb.Scratch()
		n.img = emptyImage(n.platform)
	case n.canon != n:
		c.build(n.canon)
		n.state = n.canon.state
		n.img = withPlatform(n.canon.img, n.platform)
	default:
		n.state, n.img = newTargetBuild(c, n).compile()
	}
}
