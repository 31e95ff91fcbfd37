package locker

import (
	"slices"

	"github.com/containerd/platforms"
	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lock"
)

// Use is one tagged image a build reads.
type Use struct {
	// Key is the lock key: the normalized, tagged reference.
	Key string
	// Platforms are the platforms it is pulled for, sorted.
	Platforms []string
	// Range is where the build first spells it.
	Range hcl.Range
}

// Uses are a build's images by key.
type Uses map[string]*Use

// Collect adds the images a build (loaded for one environment) reads, for
// every target and each of its default platforms, to uses. Images already
// pinned by digest in the build file are not locked.
func (uses Uses) Collect(b *lang.Build) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range b.Targets {
		for _, p := range t.DefaultPlatforms {
			spec, d := b.Resolve(t.Name, p)
			diags = append(diags, d...)
			if spec == nil {
				continue
			}
			for _, src := range spec.Sources() {
				if src.Kind != lang.SourceImage {
					continue
				}
				if key, ok := lock.Key(src.Ref); ok {
					uses.add(key, platforms.Format(spec.RunPlatform), src.Range)
				}
			}
		}
	}
	return diags
}

func (uses Uses) add(key, platform string, rng hcl.Range) {
	u := uses[key]
	if u == nil {
		u = &Use{Key: key, Range: rng}
		uses[key] = u
	}
	if !slices.Contains(u.Platforms, platform) {
		u.Platforms = append(u.Platforms, platform)
		slices.Sort(u.Platforms)
	}
}

// Keys returns the keys, sorted.
func (uses Uses) Keys() []string {
	keys := make([]string, 0, len(uses))
	for k := range uses {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
