// Package compilertest has test helpers for the compiler: a fixed image
// resolver that answers without a registry, deterministically.
package compilertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

const unixPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Images is the fixed table, by repository; every tag of a repository has
// the same config. Configs have PATH, and some a WorkingDir and User, so
// tests see base image settings flow into steps.
var Images = map[string]dockerspec.DockerOCIImageConfig{
	"docker.io/library/busybox": cfg([]string{"PATH=" + unixPath}, "", "", []string{"sh"}),
	"docker.io/library/alpine":  cfg([]string{"PATH=" + unixPath}, "", "", []string{"/bin/sh"}),
	"docker.io/library/debian":  cfg([]string{"PATH=" + unixPath}, "", "", []string{"bash"}),
	"docker.io/library/nginx":   cfg([]string{"PATH=" + unixPath, "NGINX_VERSION=1.27.3"}, "", "", []string{"nginx", "-g", "daemon off;"}),
	"docker.io/library/golang": cfg([]string{"PATH=/go/bin:/usr/local/go/bin:" + unixPath, "GOLANG_VERSION=1.23.4", "GOTOOLCHAIN=local", "GOPATH=/go"},
		"/go", "", nil),
	"docker.io/library/node": cfg([]string{"PATH=" + unixPath, "NODE_VERSION=20.18.1", "YARN_VERSION=1.22.22"}, "", "", []string{"node"}),
	"gcr.io/distroless/static-debian12": cfg([]string{"PATH=" + unixPath, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"},
		"/home/nonroot", "65532", nil),
	"example.com/tools/builder": cfg([]string{"PATH=/opt/tools/bin:" + unixPath, "TOOLS_HOME=/opt/tools"}, "/work", "builder", []string{"bash"}),
	"example.com/onbuild":       onbuild(cfg([]string{"PATH=" + unixPath}, "", "", nil), "COPY . /app/src", "RUN make -C /app/src"),
}

func onbuild(c dockerspec.DockerOCIImageConfig, triggers ...string) dockerspec.DockerOCIImageConfig {
	c.OnBuild = triggers
	return c
}

// SinglePlatform lists repositories published for one platform only: the
// resolver answers every platform with that platform's image, as a
// registry does for an image without a manifest list.
var SinglePlatform = map[string]ocispecs.Platform{"example.com/amd64-only": {OS: "linux", Architecture: "amd64"}}

// Empty lists repositories whose images have no layers (like a FROM
// scratch image), which the compiler turns into llb.Scratch.
var Empty = map[string]bool{"example.com/empty": true}

func cfg(env []string, wd, user string, cmd []string) dockerspec.DockerOCIImageConfig {
	var c dockerspec.DockerOCIImageConfig
	c.Env, c.WorkingDir, c.User, c.Cmd = env, wd, user, cmd
	return c
}

// Resolver resolves references from Images; it implements
// llb.ImageMetaResolver and counts its calls.
type Resolver struct {
	Calls atomic.Int64
}

// ResolveImageConfig implements llb.ImageMetaResolver. Digests are derived
// from the reference and platform, so they are stable and differ per platform.
func (r *Resolver) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	r.Calls.Add(1)
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", "", nil, err
	}
	p := platforms.DefaultSpec()
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		p = *opt.ImageOpt.Platform
	}
	repo := named.Name()
	c, ok := Images[repo]
	if only, single := SinglePlatform[repo]; single {
		p, ok, c = only, true, Images["docker.io/library/busybox"]
	}
	if !ok && !Empty[repo] {
		return "", "", nil, fmt.Errorf("%s: not found", ref)
	}
	img := dockerspec.DockerOCIImage{Config: c}
	img.Platform = ocispecs.Platform{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant}
	img.RootFS.Type = "layers"
	if !Empty[repo] {
		layer := digest.FromString("layer " + repo + " " + platforms.FormatAll(p))
		img.RootFS.DiffIDs = []digest.Digest{layer}
		img.History = []ocispecs.History{{CreatedBy: "base layer of " + strings.TrimPrefix(repo, "docker.io/library/")}}
	}
	dt, err := json.Marshal(img)
	if err != nil {
		return "", "", nil, err
	}
	d := digest.FromString("manifest " + ref + " " + platforms.FormatAll(p))
	if pinned, ok := named.(reference.Digested); ok {
		d = pinned.Digest() // a registry serves a digest as asked
	}
	return ref, d, dt, nil
}
