package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/distribution/reference"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/sign"
	"github.com/sigstore/sigstore/pkg/signature"
)

// verifyBases enforces the environment's policy signed_by before anything
// is solved: every image the build reads, at the digest it will be pulled
// at (build.lock's, or the one its tag names now), must carry a
// cosign-format signature by one of the keys.
func verifyBases(ctx context.Context, b *lang.Build, dir string) error {
	p := b.Policy(b.Env.Policy)
	if p == nil || len(p.SignedBy) == 0 {
		return nil
	}
	var keys []signature.Verifier
	for _, k := range p.SignedBy {
		key, err := sign.LoadVerifier(filepath.Join(dir, filepath.FromSlash(k)))
		if err != nil {
			return fmt.Errorf("policy %s, signed_by: %w", p.Name, err)
		}
		keys = append(keys, key)
	}
	var refs []string
	for _, t := range b.Targets {
		for _, plat := range t.DefaultPlatforms {
			spec, _ := b.Resolve(t.Name, plat)
			if spec == nil {
				continue
			}
			for _, s := range spec.Sources() {
				if s.Kind != lang.SourceImage {
					continue
				}
				ref := s.Ref
				if named, err := reference.ParseNormalizedNamed(s.Ref); err == nil && s.Digest != "" {
					ref = reference.TrimNamed(named).String() + "@" + s.Digest
				}
				if !slices.Contains(refs, ref) {
					refs = append(refs, ref)
				}
			}
		}
	}
	slices.Sort(refs)
	var unsigned []string
	for _, ref := range refs {
		d, err := sign.Resolve(ctx, ref)
		if err == nil {
			err = sign.Verify(ctx, d, keys)
		}
		if err != nil {
			unsigned = append(unsigned, fmt.Sprintf("%s: %v", ref, err))
		}
	}
	if len(unsigned) > 0 {
		fmt.Fprintf(os.Stderr, "buildlang: policy %s of environment %q requires images signed by %s; refused before the build:\n  %s\n",
			p.Name, b.Env.Name, strings.Join(p.SignedBy, ", "), strings.Join(unsigned, "\n  "))
		return exitError{1}
	}
	return nil
}
