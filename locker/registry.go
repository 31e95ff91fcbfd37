package locker

import (
	"context"
	"fmt"
	"strings"

	"github.com/containerd/platforms"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Registry resolves references by asking their registries directly, as
// `docker buildx imagetools inspect` does, with the credentials of the
// docker config (authn.DefaultKeychain when Keychain is nil). Registries
// on localhost and private addresses are spoken to over plain HTTP, as
// go-containerregistry does by default.
type Registry struct {
	Keychain authn.Keychain
}

// Resolve implements Resolver: the digest of the manifest or index the
// reference names, after checking it has an image for every platform.
func (r Registry) Resolve(ctx context.Context, ref string, plats []string) (digest.Digest, error) {
	kc := r.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	nref, err := name.ParseReference(ref)
	if err != nil {
		return "", err
	}
	desc, err := remote.Get(nref, remote.WithContext(ctx), remote.WithAuthFromKeychain(kc))
	if err != nil {
		return "", err
	}
	var have []ocispecs.Platform
	switch {
	case desc.MediaType.IsIndex():
		idx, err := desc.ImageIndex()
		if err != nil {
			return "", err
		}
		m, err := idx.IndexManifest()
		if err != nil {
			return "", err
		}
		for _, d := range m.Manifests {
			if d.Platform != nil {
				have = append(have, ocispecs.Platform{OS: d.Platform.OS, Architecture: d.Platform.Architecture, Variant: d.Platform.Variant})
			}
		}
	default:
		img, err := desc.Image()
		if err != nil {
			return "", err
		}
		cfg, err := img.ConfigFile()
		if err != nil {
			return "", err
		}
		have = append(have, ocispecs.Platform{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant})
	}
	for _, ps := range plats {
		p, err := platforms.Parse(ps)
		if err != nil {
			return "", err
		}
		if !hasPlatform(have, p) {
			var names []string
			for _, h := range have {
				names = append(names, platforms.Format(h))
			}
			return "", fmt.Errorf("it has no image for %s (it has %s)", ps, strings.Join(names, ", "))
		}
	}
	return digest.Digest(desc.Digest.String()), nil
}

func hasPlatform(have []ocispecs.Platform, want ocispecs.Platform) bool {
	m := platforms.Only(want)
	for _, h := range have {
		if m.Match(h) {
			return true
		}
	}
	return false
}
