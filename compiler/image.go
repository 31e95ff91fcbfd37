package compiler

import (
	"encoding/json"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/moby/buildkit/util/system"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

// historyComment marks history entries buildlang wrote, as the Dockerfile
// frontend marks its own.
const historyComment = "buildlang.v0"

func emptyImage(p ocispecs.Platform) *dockerspec.DockerOCIImage {
	img := &dockerspec.DockerOCIImage{}
	img.RootFS.Type = "layers"
	setPlatform(img, p)
	return img
}

func setPlatform(img *dockerspec.DockerOCIImage, p ocispecs.Platform) {
	img.OS = p.OS
	img.Architecture = p.Architecture
	img.Variant = p.Variant
	img.OSVersion = p.OSVersion
	img.OSFeatures = slices.Clone(p.OSFeatures)
}

// withPlatform is a copy of img describing platform p.
func withPlatform(img *dockerspec.DockerOCIImage, p ocispecs.Platform) *dockerspec.DockerOCIImage {
	out := cloneImage(img)
	setPlatform(out, p)
	return out
}

// cloneImage deep-copies what later steps modify; the base image of one
// target is the config of another and must not change under it.
func cloneImage(src *dockerspec.DockerOCIImage) *dockerspec.DockerOCIImage {
	img := *src
	cfg := &img.Config
	cfg.Env = slices.Clone(cfg.Env)
	cfg.Entrypoint = slices.Clone(cfg.Entrypoint)
	cfg.Cmd = slices.Clone(cfg.Cmd)
	cfg.Shell = slices.Clone(cfg.Shell)
	cfg.OnBuild = slices.Clone(cfg.OnBuild)
	cfg.Labels = maps.Clone(cfg.Labels)
	cfg.ExposedPorts = maps.Clone(cfg.ExposedPorts)
	cfg.Volumes = maps.Clone(cfg.Volumes)
	if cfg.Healthcheck != nil {
		h := *cfg.Healthcheck
		h.Test = slices.Clone(h.Test)
		cfg.Healthcheck = &h
	}
	img.History = slices.Clone(img.History)
	img.RootFS.DiffIDs = slices.Clone(img.RootFS.DiffIDs)
	img.OSFeatures = slices.Clone(img.OSFeatures)
	return &img
}

// newImage starts a target's config from its base's, for platform p,
// with PATH always set as the Dockerfile frontend does.
func newImage(base *dockerspec.DockerOCIImage, p ocispecs.Platform, epoch *time.Time) *dockerspec.DockerOCIImage {
	var img *dockerspec.DockerOCIImage
	if base == nil {
		img = emptyImage(p)
	} else {
		img = withPlatform(base, p)
	}
	img.Created = epoch
	if img.RootFS.Type == "" {
		img.RootFS.Type = "layers"
	}
	if img.RootFS.DiffIDs == nil {
		// diff_ids is a list in the OCI spec; write [] rather than null.
		img.RootFS.DiffIDs = []digest.Digest{}
	}
	if _, ok := lookupEnv(img.Config.Env, "PATH"); !ok && p.OS != "windows" {
		img.Config.Env = append(img.Config.Env, "PATH="+system.DefaultPathEnv(p.OS))
	}
	return img
}

// applyImageConfig applies the rest of a target's config, after its steps.
func applyImageConfig(img *dockerspec.DockerOCIImage, ic *lang.ImageConfig, epoch *time.Time) {
	cfg := &img.Config
	if ic.Entrypoint != nil {
		cfg.Entrypoint = slices.Clone(ic.Entrypoint)
		if ic.Cmd == nil {
			// A new entrypoint makes the base's cmd meaningless, as in Dockerfiles.
			cfg.Cmd = nil
		}
		addHistory(img, "ENTRYPOINT "+jsonList(ic.Entrypoint), false, epoch)
	}
	if ic.Cmd != nil {
		cfg.Cmd = slices.Clone(ic.Cmd)
		addHistory(img, "CMD "+jsonList(ic.Cmd), false, epoch)
	}
	if len(ic.Labels) > 0 {
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		var pairs []string
		for _, k := range sortedKeys(ic.Labels) {
			cfg.Labels[k] = ic.Labels[k]
			pairs = append(pairs, k+"="+ic.Labels[k])
		}
		addHistory(img, "LABEL "+strings.Join(pairs, " "), false, epoch)
	}
	if len(ic.Expose) > 0 {
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for _, p := range ic.Expose {
			cfg.ExposedPorts[p] = struct{}{}
		}
		addHistory(img, "EXPOSE "+strings.Join(ic.Expose, " "), false, epoch)
	}
	if len(ic.Volumes) > 0 {
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		for _, v := range ic.Volumes {
			cfg.Volumes[v] = struct{}{}
		}
		addHistory(img, "VOLUME "+jsonList(ic.Volumes), false, epoch)
	}
	if ic.StopSignal != "" {
		cfg.StopSignal = ic.StopSignal
		addHistory(img, "STOPSIGNAL "+ic.StopSignal, false, epoch)
	}
	if h := ic.Healthcheck; h != nil {
		cfg.Healthcheck = &dockerspec.HealthcheckConfig{
			Test:          slices.Clone(h.Test),
			Interval:      time.Duration(h.Interval),
			Timeout:       time.Duration(h.Timeout),
			StartPeriod:   time.Duration(h.StartPeriod),
			StartInterval: time.Duration(h.StartInterval),
			Retries:       h.Retries,
		}
		addHistory(img, "HEALTHCHECK "+jsonList(h.Test), false, epoch)
	}
	if ic.Author != "" {
		img.Author = ic.Author
		addHistory(img, "MAINTAINER "+ic.Author, false, epoch)
	}
	if ic.OnBuild != nil {
		cfg.OnBuild = slices.Clone(ic.OnBuild)
		for _, tr := range ic.OnBuild {
			addHistory(img, "ONBUILD "+tr, false, epoch)
		}
	}
}

func addHistory(img *dockerspec.DockerOCIImage, createdBy string, layer bool, epoch *time.Time) {
	img.History = append(img.History, ocispecs.History{
		CreatedBy:  createdBy,
		Comment:    historyComment,
		EmptyLayer: !layer,
		Created:    epoch,
	})
}

// addEnv sets k in an env list, replacing it in place if present.
func addEnv(env []string, k, v string) []string {
	for i, kv := range env {
		if key, _, _ := strings.Cut(kv, "="); key == k {
			env[i] = k + "=" + v
			return env
		}
	}
	return append(env, k+"="+v)
}

// expandBaseEnv replaces base.env.NAME in an env value with NAME's value
// in env, the image's env at that point ("" when unset).
func expandBaseEnv(v string, env []string) string {
	return lang.ExpandBaseEnv(v, func(name string) string {
		s, _ := lookupEnv(env, name)
		return s
	})
}

func lookupEnv(env []string, k string) (string, bool) {
	for _, kv := range env {
		if key, v, _ := strings.Cut(kv, "="); key == k {
			return v, true
		}
	}
	return "", false
}

// joinPath resolves p against dir ("/" when empty), as WORKDIR does.
func joinPath(dir, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	if dir == "" {
		dir = "/"
	}
	return path.Join(dir, p)
}

// jsonList writes a list as Dockerfile exec form does, without HTML escapes.
func jsonList(xs []string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(xs)
	return strings.TrimSuffix(b.String(), "\n")
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
