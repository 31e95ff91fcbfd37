package lsp

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lock"
)

// imageLockHover documents the image reference at off when the build has a
// lock file: the digest build.lock pins its tag to, for which platforms, or
// that the lock has no entry for it. The reference is the one the build
// evaluates (a template like "golang:${var.V}" resolved), read from the
// targets' resolved sources, which diagnostics have already computed.
func imageLockHover(b *buildInfo, f *fileInfo, off int) (string, hcl.Range, bool) {
	if b.build == nil || b.build.Lock == nil || !b.loaded {
		return "", hcl.Range{}, false
	}
	for _, t := range b.build.Targets {
		if len(t.DefaultPlatforms) == 0 {
			continue
		}
		spec, _ := b.build.Resolve(t.Name, t.DefaultPlatforms[0])
		if spec == nil {
			continue
		}
		for _, s := range spec.Sources() {
			if s.Kind != lang.SourceImage || s.Range.Filename != f.name || !contains(s.Range, off) {
				continue
			}
			return lockDoc(b.build.Lock, s), s.Range, true
		}
	}
	return "", hcl.Range{}, false
}

// lockDoc says what the lock file has for an image source.
func lockDoc(lk *lock.File, s *lang.Source) string {
	key, lockable := lock.Key(s.Ref)
	if !lockable {
		return fmt.Sprintf("**image** `%s`\n\nPinned by its own digest: %s does not lock it.", s.Ref, lk.Filename)
	}
	img := lk.Lookup(s.Ref)
	if img == nil {
		return fmt.Sprintf("**image** `%s`\n\nNot in %s: run `buildlang lock` to pin it.", key, lk.Filename)
	}
	return fmt.Sprintf("**image** `%s`\n\nLocked in %s to `%s`, for %s.\n\nBuilds pull `%s`; `buildlang lock --update %s` moves it to what the tag points to now.",
		img.Ref, lk.Filename, img.Digest, strings.Join(quoteAll(img.Platforms), ", "), img.Pinned(), s.Ref)
}

func quoteAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = "`" + x + "`"
	}
	return out
}
