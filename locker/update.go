package locker

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/distribution/reference"
	digest "github.com/opencontainers/go-digest"
	"github.com/org/buildlang/lock"
)

// Resolver resolves an image reference (a tag, or name@digest) to the
// digest it points to, checking that it has an image for each platform.
type Resolver interface {
	Resolve(ctx context.Context, ref string, platforms []string) (digest.Digest, error)
}

// Change is one entry Update added, refreshed, kept or removed.
type Change struct {
	Ref      string
	Old, New digest.Digest // "" when there was none / is none
}

// Selector says which of a build's images to resolve again.
type Selector func(key string) bool

// All refreshes every image.
func All(string) bool { return true }

// None refreshes nothing: only images missing from the lock are resolved.
func None(string) bool { return false }

// Named refreshes the images named (as a user writes them, with or without
// a tag: without one every tag of the repository is refreshed). It fails
// when a name matches none of the build's images.
func Named(names []string, uses Uses) (Selector, error) {
	var wants []imageName
	for _, n := range names {
		named, err := reference.ParseNormalizedNamed(n)
		if err != nil {
			return nil, fmt.Errorf("%q is not an image reference: %w", n, err)
		}
		w := imageName{repo: named.Name()}
		if !reference.IsNameOnly(named) {
			k, ok := lock.Key(n)
			if !ok {
				return nil, fmt.Errorf("%q has a digest; name the tag to refresh, like %s", n, reference.TrimNamed(named).String()+":TAG")
			}
			w.key = k
		}
		matched := false
		for k := range uses {
			if w.matches(k) {
				matched = true
			}
		}
		if !matched {
			return nil, fmt.Errorf("%s is not an image this build reads; it reads %s", n, strings.Join(uses.Keys(), ", "))
		}
		wants = append(wants, w)
	}
	return func(key string) bool {
		return slices.ContainsFunc(wants, func(w imageName) bool { return w.matches(key) })
	}, nil
}

// imageName is an image named on the command line: a repository, and the
// lock key when the name has a tag.
type imageName struct {
	repo, key string
}

func (w imageName) matches(key string) bool {
	if w.key != "" {
		return key == w.key
	}
	named, err := reference.ParseNormalizedNamed(key)
	return err == nil && named.Name() == w.repo
}

// Update makes the lock file for a build's uses from the old one (nil for
// none): images refresh selects, and images old does not lock, are
// resolved; the others keep their digest, checked again only when the
// build now pulls them for a platform the entry does not list; entries no
// image uses are dropped. Changes lists every entry, in key order.
func Update(ctx context.Context, old *lock.File, uses Uses, r Resolver, refresh Selector) (*lock.File, []Change, error) {
	out := &lock.File{}
	var changes []Change
	for _, key := range uses.Keys() {
		u := uses[key]
		prev := old.Lookup(key)
		var d digest.Digest
		var err error
		switch {
		case prev == nil || refresh(key):
			d, err = r.Resolve(ctx, key, u.Platforms)
		case !covers(prev.Platforms, u.Platforms):
			// Only a check that the locked digest has the new platforms;
			// the entry keeps its digest.
			_, err = r.Resolve(ctx, pinned(key, prev.Digest), u.Platforms)
			d = prev.Digest
		default:
			d = prev.Digest
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %s: %w", u.Range.Filename, u.Range.Start.Line, key, err)
		}
		if err := out.Set(key, d, u.Platforms); err != nil {
			return nil, nil, err
		}
		c := Change{Ref: key, New: d}
		if prev != nil {
			c.Old = prev.Digest
		}
		changes = append(changes, c)
	}
	if old != nil {
		for _, img := range old.Images {
			if uses[img.Ref] == nil {
				changes = append(changes, Change{Ref: img.Ref, Old: img.Digest})
			}
		}
	}
	slices.SortFunc(changes, func(a, b Change) int { return strings.Compare(a.Ref, b.Ref) })
	return out, changes, nil
}

func covers(have, want []string) bool {
	for _, p := range want {
		if !slices.Contains(have, p) {
			return false
		}
	}
	return true
}

// pinned is the key's repository at a digest, which registries serve
// whatever the tag now points to.
func pinned(key string, d digest.Digest) string {
	named, err := reference.ParseNormalizedNamed(key)
	if err != nil {
		return key
	}
	return reference.TrimNamed(named).String() + "@" + d.String()
}
