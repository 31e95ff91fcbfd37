package lang

import (
	"fmt"
	"path"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lock"
)

// readLock reads build.lock next to the entry file through the same
// FileSource as the build files (the host, the frontend's dockerfile local,
// the language server's documents). No file is no lock; a file that cannot
// be read or parsed is an error at its line, and its valid entries still pin.
func (l *loader) readLock(entry string) (*lock.File, hcl.Diagnostics) {
	name := path.Join(path.Dir(path.Clean(entry)), lock.Filename)
	found, err := l.src.Glob(name)
	if err != nil || len(found) == 0 {
		return nil, nil
	}
	src, err := l.src.ReadFile(name)
	if err != nil {
		return nil, hcl.Diagnostics{CannotReadLock(name, err)}
	}
	if len(src) > l.limits.MaxFileSize {
		return nil, hcl.Diagnostics{LimitExceeded("bytes", l.limits.MaxFileSize, fmt.Sprintf("%s is %d bytes long.", name, len(src)), rangeOr(nil, name))}
	}
	if diags := checkSize(src, name, hcl.InitialPos, l.limits); diags != nil {
		return nil, diags
	}
	return lock.Parse(src, name)
}

// pin applies the build's lock file to a target's image sources: each
// tagged image the file locks is pinned to its digest (Source.Digest). An
// image the lock file does not list, or lists for other platforms only, is
// a warning at the source; a policy that requires pinned images makes the
// unpinned ones errors (see policy checks).
func (e *evaluator) pin(d *decoder, spec *TargetSpec) {
	lk := e.build.Lock
	if lk == nil {
		return
	}
	plat := platformString(spec.RunPlatform)
	for _, s := range spec.Sources() {
		if s.Kind != SourceImage || s.Digest != "" {
			continue
		}
		if _, lockable := lock.Key(s.Ref); !lockable {
			continue
		}
		img := lk.Lookup(s.Ref)
		if img == nil {
			if p := e.policy(); p == nil || !p.Pinned { // else the policy's error says it
				d.add(NotLocked(s.Ref, lk.Filename, s.Range))
			}
			continue
		}
		if !img.HasPlatform(plat) {
			d.add(LockedForOtherPlatforms(img, plat, lk.Filename, s.Range))
		}
		s.Digest = img.Digest.String()
	}
}

// Sources returns pointers to every source the spec reads: its base, each
// copy's source and each bind mount's, in step order.
func (s *TargetSpec) Sources() []*Source {
	srcs := []*Source{&s.From}
	for i := range s.Steps {
		st := &s.Steps[i]
		switch {
		case st.Copy != nil:
			srcs = append(srcs, &st.Copy.From)
		case st.Run != nil:
			for j := range st.Run.Mounts {
				if m := &st.Run.Mounts[j]; m.From != nil { // bind, or cache seeded from a source
					srcs = append(srcs, m.From)
				}
			}
		}
	}
	return srcs
}
