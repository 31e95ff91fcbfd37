package builder

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

// This file is one image per tag from several nodes: each node pushes its
// platforms of a target by digest (Options.Parts), and once every part is
// built the parts' manifests are merged into one OCI index, pushed under
// each tag with go-containerregistry. A tag never points at a partial
// index: nothing is tagged unless every part succeeded.

// Splittable says whether a target's platforms may be built on different
// nodes: its only output is the image pushed under its tags (--push, no
// --output, no output attribute).
func Splittable(b *lang.Build, opts *Options, target string, p ocispecs.Platform) bool {
	if !opts.Push || len(opts.Outputs) > 0 {
		return false
	}
	spec, _ := b.Resolve(target, p)
	return spec != nil && len(spec.Tags) > 0 && len(spec.Outputs) == 0
}

// Merged is one target's index, merged from its parts.
type Merged struct {
	Target string
	Digest string
	Tags   []string
	Err    error
}

// MergeParts merges each split target's parts (the TargetResults of its
// Part plans) into one index and pushes it under every tag, when every
// part succeeded; a target with a failed part is not pushed.
func MergeParts(ctx context.Context, reps []*Report) []*Merged {
	var order []string
	parts := map[string][]*TargetResult{}
	for _, r := range reps {
		for _, t := range r.Targets {
			if t.Target.Part {
				if parts[t.Target.Name] == nil {
					order = append(order, t.Target.Name)
				}
				parts[t.Target.Name] = append(parts[t.Target.Name], t)
			}
		}
	}
	var out []*Merged
	for _, name := range order {
		ps := parts[name]
		m := &Merged{Target: name, Tags: ps[0].Target.Tags}
		for _, p := range ps {
			if p.Err != nil && m.Err == nil {
				m.Err = fmt.Errorf("its %s part (node %s) failed", formatPlatforms(p.Target.Platforms), p.Node)
			}
		}
		if m.Err == nil {
			m.Digest, m.Err = pushIndex(ctx, ps, m.Tags)
		}
		for _, p := range ps {
			p.Index = m.Digest
		}
		out = append(out, m)
	}
	return out
}

// pushIndex builds the index of the parts' manifests (a part's own index,
// for several platforms or attestations, gives its manifests) and pushes
// it under each tag.
func pushIndex(ctx context.Context, parts []*TargetResult, tags []string) (string, error) {
	if len(tags) == 0 {
		return "", fmt.Errorf("no tags")
	}
	first, err := name.NewTag(tags[0])
	if err != nil {
		return "", err
	}
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}
	var adds []mutate.IndexAddendum
	for _, p := range parts {
		if p.Digest == "" {
			return "", fmt.Errorf("the part built on node %s reported no digest", p.Node)
		}
		desc, err := remote.Get(first.Context().Digest(p.Digest), opts...)
		if err != nil {
			return "", fmt.Errorf("reading the part built on node %s: %w", p.Node, err)
		}
		if desc.MediaType.IsIndex() {
			ii, err := desc.ImageIndex()
			if err != nil {
				return "", err
			}
			im, err := ii.IndexManifest()
			if err != nil {
				return "", err
			}
			for _, m := range im.Manifests {
				img, err := ii.Image(m.Digest)
				if err != nil {
					return "", err
				}
				adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: m})
			}
			continue
		}
		img, err := desc.Image()
		if err != nil {
			return "", err
		}
		pl := p.Target.Platforms[0]
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			MediaType: desc.MediaType,
			Platform:  &v1.Platform{OS: pl.OS, Architecture: pl.Architecture, Variant: pl.Variant},
		}})
	}
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
	for _, tag := range tags {
		ref, err := name.NewTag(tag)
		if err != nil {
			return "", err
		}
		if err := remote.WriteIndex(ref, idx, opts...); err != nil {
			return "", fmt.Errorf("pushing the index to %s: %w", tag, err)
		}
	}
	d, err := idx.Digest()
	return d.String(), err
}

// PrintMerged writes what MergeParts pushed, one line per target.
func PrintMerged(w io.Writer, ms []*Merged) {
	for _, m := range ms {
		if m.Err != nil {
			fmt.Fprintf(w, "%s  index not pushed: %v\n", m.Target, m.Err)
			continue
		}
		fmt.Fprintf(w, "%s  index %s pushed to %s\n", m.Target, m.Digest, strings.Join(m.Tags, ", "))
	}
}
