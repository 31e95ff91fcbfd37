package builder

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/containerd/containerd/v2/core/content"
	"github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/containerd/v2/plugins/content/local"
	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/ociindex"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
)

// ociLayoutPrefix marks a --build-context value naming an OCI image
// layout directory on the client, as buildx takes it:
// oci-layout://PATH[:TAG][@sha256:DIGEST].
const ociLayoutPrefix = "oci-layout://"

// ociLayout is a named context read from a local OCI layout: BuildKit
// reads the image's blobs from the client through the session's content
// store of that id, as buildx sends them.
type ociLayout struct {
	path    string
	tag     string
	digest  digest.Digest // the manifest or index chosen
	storeID string
	store   content.Store
}

// parseOCILayout reads oci-layout://PATH[:TAG][@sha256:DIGEST] as buildx
// does: without a digest, the descriptor tagged TAG (default latest) in
// the layout's index.json, else its only one.
func parseOCILayout(name, src string) (*ociLayout, error) {
	rest := strings.TrimPrefix(src, ociLayoutPrefix)
	path, dgst, hasDigest := strings.Cut(rest, "@")
	tag := "latest"
	// A tag follows the last colon that is not part of a directory name.
	if i := strings.LastIndex(path, ":"); i > strings.LastIndex(path, "/") {
		path, tag = path[:i], path[i+1:]
	}
	if path == "" {
		return nil, fmt.Errorf("--build-context %s=%s names no directory; write oci-layout://PATH[:TAG][@sha256:DIGEST]", name, src)
	}
	if _, err := os.Stat(filepath.Join(path, "index.json")); err != nil {
		return nil, fmt.Errorf("--build-context %s=%s: %s is not an OCI image layout (no index.json): %w", name, src, path, err)
	}
	l := &ociLayout{path: path, tag: tag, storeID: "buildlang-context-" + name}
	if hasDigest {
		d, err := digest.Parse(dgst)
		if err != nil {
			return nil, fmt.Errorf("--build-context %s=%s: %q is not a digest like sha256:...: %w", name, src, dgst, err)
		}
		l.digest = d
	} else {
		idx := ociindex.NewStoreIndex(path)
		desc, err := idx.Get(tag)
		if err == nil && desc == nil {
			desc, err = idx.GetSingle()
		}
		if err != nil {
			return nil, fmt.Errorf("--build-context %s=%s: reading %s: %w", name, src, filepath.Join(path, "index.json"), err)
		}
		if desc == nil {
			return nil, fmt.Errorf("--build-context %s=%s: the layout has no image tagged %q and more than one image; name one with :TAG or @sha256:DIGEST", name, src, tag)
		}
		l.digest = desc.Digest
	}
	store, err := local.NewStore(path)
	if err != nil {
		return nil, fmt.Errorf("--build-context %s=%s: %w", name, src, err)
	}
	l.store = store
	if _, err := store.Info(context.Background(), l.digest); err != nil {
		return nil, fmt.Errorf("--build-context %s=%s: the layout has no blob %s: %w", name, src, l.digest, err)
	}
	return l, nil
}

// String is the context as the plan prints it.
func (l *ociLayout) String() string {
	return ociLayoutPrefix + l.path + ":" + l.tag + "@" + l.digest.String()
}

// namedContext is the layout's image for platform: its filesystem, read
// by BuildKit from the session, and its config, read here from the
// layout so a target built from it starts with its env, user and workdir.
func (l *ociLayout) namedContext(ctx context.Context, name, sessionID string, platform ocispecs.Platform) (*compiler.NamedContext, error) {
	named, err := reference.ParseNormalizedNamed(strings.ToLower(name))
	if err != nil {
		named, _ = reference.ParseNormalizedNamed("context")
	}
	ref, err := reference.WithDigest(named, l.digest)
	if err != nil {
		return nil, err
	}
	img, err := l.config(ctx, platform)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l, err)
	}
	st := llb.OCILayout(ref.String(), llb.OCIStore(sessionID, l.storeID), llb.Platform(platform),
		llb.WithCustomName("[context "+name+"] OCI load from client"))
	return &compiler.NamedContext{State: st, Image: img}, nil
}

// config reads the image config of the layout's image for platform.
func (l *ociLayout) config(ctx context.Context, platform ocispecs.Platform) (*dockerspec.DockerOCIImage, error) {
	info, err := l.store.Info(ctx, l.digest)
	if err != nil {
		return nil, err
	}
	desc := ocispecs.Descriptor{Digest: l.digest, Size: info.Size}
	// The media type decides how images.Manifest reads the blob.
	raw, err := content.ReadBlob(ctx, l.store, desc)
	if err != nil {
		return nil, err
	}
	var probe struct {
		MediaType string          `json:"mediaType"`
		Manifests json.RawMessage `json:"manifests"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, fmt.Errorf("reading %s: %w", l.digest, err)
	}
	desc.MediaType = probe.MediaType
	if desc.MediaType == "" {
		desc.MediaType = ocispecs.MediaTypeImageManifest
		if probe.Manifests != nil {
			desc.MediaType = ocispecs.MediaTypeImageIndex
		}
	}
	m, err := images.Manifest(ctx, l.store, desc, platforms.Only(platform))
	if err != nil {
		return nil, fmt.Errorf("no image for %s: %w", platforms.Format(platform), err)
	}
	dt, err := content.ReadBlob(ctx, l.store, m.Config)
	if err != nil {
		return nil, err
	}
	var img dockerspec.DockerOCIImage
	if err := json.Unmarshal(dt, &img); err != nil {
		return nil, fmt.Errorf("reading the image config %s: %w", m.Config.Digest, err)
	}
	return &img, nil
}

// ociStores are the content stores of the plan's OCI layout contexts, by
// store id, for the session.
func (p *Plan) ociStores() map[string]content.Store {
	stores := map[string]content.Store{}
	for _, l := range p.Layouts {
		stores["oci:"+l.storeID] = l.store // the daemon asks for "oci:" + the id, as client.SolveOpt.OCIStores are served
	}
	return stores
}
