package compiler

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

// resolveParallelism bounds concurrent resolver calls; each is a registry
// round trip in real use.
const resolveParallelism = 8

type imageKey struct{ ref, platform string }

// imageResult is one image reference resolved for one platform.
type imageResult struct {
	platform ocispecs.Platform
	name     string // normalized, tag-only: what names show
	ref      string // what llb.Image pulls: pinned to the digest when resolved
	// resolveAs is what the resolver is asked for: the locked ref@digest, or
	// "" for name.
	resolveAs string
	img       *dockerspec.DockerOCIImage
	scratch   bool // the image has no layers
	invalid   bool // the reference does not parse
	err       error
	// actual is the platform the image's config says, when it is not
	// the one asked for (the registry has no image for it).
	actual *ocispecs.Platform
}

// wantImage records an image to resolve before building. An image
// build.lock pins (src.Digest) is pulled and resolved by that digest, with
// the tag kept in names, so a build without a resolver is pinned too.
func (c *compiler) wantImage(src lang.Source, p ocispecs.Platform) *imageResult {
	k := imageKey{src.Ref, platformKey(p)}
	if r := c.images[k]; r != nil {
		return r
	}
	r := &imageResult{platform: p}
	c.images[k] = r
	named, err := lang.ParseImageRef(src.Ref)
	if err != nil {
		r.err, r.invalid = err, true
		return r
	}
	named = reference.TagNameOnly(named)
	r.name, r.ref = named.String(), named.String()
	if src.Digest != "" {
		d, err := digest.Parse(src.Digest)
		if err == nil {
			named, err = reference.WithDigest(named, d)
		}
		if err != nil {
			r.err = fmt.Errorf("the digest build.lock gives, %q, is not valid: %w", src.Digest, err)
			return r
		}
		r.ref = named.String()
		r.resolveAs = r.ref
	}
	return r
}

// resolveImages resolves every wanted image concurrently. Results land in
// their own entries, so the order of completion does not matter.
func (c *compiler) resolveImages() {
	if c.req.Resolver == nil {
		return
	}
	var todo []*imageResult
	for _, r := range c.images {
		if r.err == nil && r.img == nil {
			todo = append(todo, r)
		}
	}
	sort.Slice(todo, func(i, j int) bool {
		return todo[i].name+todo[i].platformString() < todo[j].name+todo[j].platformString()
	})
	sem := make(chan struct{}, resolveParallelism)
	var wg sync.WaitGroup
	for _, r := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			c.resolveImage(r)
		}()
	}
	wg.Wait()
}

func (r *imageResult) platformString() string { return platformKey(r.platform) }

func (c *compiler) resolveImage(r *imageResult) {
	p := r.platform
	ask := r.name
	if r.resolveAs != "" {
		ask = r.resolveAs
	}
	mutRef, dgst, dt, err := c.req.Resolver.ResolveImageConfig(c.ctx, ask, sourceresolver.Opt{
		LogName:  fmt.Sprintf("[internal] load metadata for %s", r.name),
		ImageOpt: &sourceresolver.ResolveImageOpt{Platform: &p, ResolveMode: llb.ResolveModeDefault.String()},
	})
	if err != nil {
		r.err = err
		return
	}
	var img dockerspec.DockerOCIImage
	if err := json.Unmarshal(dt, &img); err != nil {
		r.err = fmt.Errorf("the image config is not valid JSON: %w", err)
		return
	}
	named, err := reference.ParseNormalizedNamed(mutRef)
	if err != nil {
		r.err = fmt.Errorf("the resolver returned an invalid reference %q: %w", mutRef, err)
		return
	}
	if dgst != "" {
		if named, err = reference.WithDigest(named, dgst); err != nil {
			r.err = err
			return
		}
	}
	if r.resolveAs == "" { // a locked image stays at the lock's digest
		r.ref = named.String()
	}
	r.img = &img
	r.scratch = isScratch(&img)
	// As the Dockerfile frontend's InvalidBaseImagePlatform: OS and
	// architecture must match; a config without them says nothing.
	if got := img.Platform; got.OS != "" && got.Architecture != "" && (got.OS != p.OS || got.Architecture != p.Architecture) {
		actual := platforms.Normalize(got)
		r.actual = &actual
	}
}

// isScratch says whether an image has no layers, so pulling it would be
// pointless: the Dockerfile frontend makes such bases llb.Scratch too.
func isScratch(img *dockerspec.DockerOCIImage) bool {
	if len(img.RootFS.DiffIDs) > 0 {
		return false
	}
	for _, h := range img.History {
		if !h.EmptyLayer {
			return false
		}
	}
	return true
}
