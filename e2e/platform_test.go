package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

const multiPlatformBuild = `
target "app" {
  description = "A multi-platform image with a full config."
  from        = "busybox"
  platforms   = ["linux/amd64", "linux/arm64"]
  workdir     = "/app"

  run {
    user    = "root"
    command = "uname -m > /app/arch && echo %s > /app/nonce"
  }

  entrypoint = ["/bin/sh", "-c"]
  cmd        = ["cat /app/arch"]
  env = {
    APP_MODE = "e2e"
  }
  user   = "1000:1000"
  expose = [8080, "53/udp"]
  labels = {
    "org.example.e2e"                = "yes"
    "org.opencontainers.image.title" = "app"
  }
}
`

var wantArch = map[string]string{"linux/amd64": "x86_64", "linux/arm64": "aarch64"}

// TestMultiPlatformOCI builds one target for linux/amd64 and linux/arm64
// (its platforms attribute) into an OCI layout and checks each platform's
// manifest, config and files written by its RUN step.
func TestMultiPlatformOCI(t *testing.T) {
	t.Parallel()
	env := setup(t)
	dir := project(t, map[string]string{"build.hcl": sprintf(multiPlatformBuild, nonce(t))})
	l, _ := build{dir: dir}.oci(t, env)

	if got := l.platforms(); !sameSet(got, bothPlatforms) {
		t.Fatalf("index platforms = %v, want %v", got, bothPlatforms)
	}
	for _, img := range l.images {
		t.Run(img.Platform, func(t *testing.T) {
			checkAppConfig(t, img.Platform, &img.Config)
			if got := img.mustFile(t, "app/arch"); got != wantArch[img.Platform] {
				t.Errorf("uname -m in the RUN step = %q, want %q", got, wantArch[img.Platform])
			}
		})
	}
}

// checkAppConfig checks the image config of multiPlatformBuild's app.
func checkAppConfig(t *testing.T, platform string, img *dockerspec.DockerOCIImage) {
	t.Helper()
	os, arch, _ := strings.Cut(platform, "/")
	if img.OS != os || img.Architecture != arch {
		t.Errorf("config os/arch = %s/%s, want %s", img.OS, img.Architecture, platform)
	}
	c := img.Config
	if !slices.Equal(c.Entrypoint, []string{"/bin/sh", "-c"}) {
		t.Errorf("entrypoint = %q", c.Entrypoint)
	}
	if !slices.Equal(c.Cmd, []string{"cat /app/arch"}) {
		t.Errorf("cmd = %q", c.Cmd)
	}
	if !slices.Contains(c.Env, "APP_MODE=e2e") || !slices.ContainsFunc(c.Env, func(e string) bool { return strings.HasPrefix(e, "PATH=") }) {
		t.Errorf("env = %q, want APP_MODE=e2e and PATH", c.Env)
	}
	if c.User != "1000:1000" {
		t.Errorf("user = %q", c.User)
	}
	if c.WorkingDir != "/app" {
		t.Errorf("workdir = %q", c.WorkingDir)
	}
	if c.Labels["org.example.e2e"] != "yes" || c.Labels["org.opencontainers.image.title"] != "app" {
		t.Errorf("labels = %v", c.Labels)
	}
	for _, p := range []string{"8080/tcp", "53/udp"} {
		if _, ok := c.ExposedPorts[p]; !ok {
			t.Errorf("exposed ports = %v, want %s", c.ExposedPorts, p)
		}
	}
	var created []string
	for _, h := range img.History {
		created = append(created, h.CreatedBy)
	}
	for _, want := range []string{"RUN /bin/sh -c uname -m > /app/arch", "ENTRYPOINT [\"/bin/sh\",\"-c\"]", "USER 1000:1000", "EXPOSE ", "LABEL "} {
		if !slices.ContainsFunc(created, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("history has no %q entry: %q", want, created)
		}
	}
}

// TestCrossCompilation checks the cross-compilation pattern: a builder
// target on build_platform makes one artifact per target platform, named
// and filled from target_platform, and a final image per platform copies
// it. The builder runs natively (uname -m is x86_64 for both) while the
// final image's own RUN step runs on its platform.
func TestCrossCompilation(t *testing.T) {
	t.Parallel()
	env := setup(t)
	id := nonce(t)
	dir := project(t, map[string]string{"build.hcl": `
target "builder" {
  from     = "busybox"
  platform = build_platform
  run {
    command = "mkdir -p /out && uname -m > /out/builder-uname && echo ` + id + ` ${target_platform.os}/${target_platform.arch} > /out/app-${target_platform.arch}"
  }
}

target "final" {
  from      = "busybox"
  platforms = ["linux/amd64", "linux/arm64"]
  copy {
    from = target.builder
    src  = ["/out/"]
    dest = "/out/"
  }
  run {
    command = "uname -m > /final-uname"
  }
}
`})
	l, log := build{dir: dir, target: "final"}.oci(t, env)
	if got := l.platforms(); !sameSet(got, bothPlatforms) {
		t.Fatalf("index platforms = %v, want %v", got, bothPlatforms)
	}
	for _, img := range l.images {
		t.Run(img.Platform, func(t *testing.T) {
			arch := strings.TrimPrefix(img.Platform, "linux/")
			if got := img.mustFile(t, "out/builder-uname"); got != "x86_64" {
				t.Errorf("the builder ran on %q, want natively on x86_64", got)
			}
			if got := img.mustFile(t, "out/app-"+arch); got != id+" "+img.Platform {
				t.Errorf("/out/app-%s = %q, want %q", arch, got, id+" "+img.Platform)
			}
			for other := range wantArch {
				if other != img.Platform {
					if _, ok := img.file(t, "out/app-"+strings.TrimPrefix(other, "linux/")); ok {
						t.Errorf("the %s image holds the %s artifact", img.Platform, other)
					}
				}
			}
			if got := img.mustFile(t, "final-uname"); got != wantArch[img.Platform] {
				t.Errorf("the final image's RUN ran on %q, want %q", got, wantArch[img.Platform])
			}
		})
	}
	// Both builder runs were executed (their commands differ by target
	// arch), on the build platform.
	for _, v := range stepVertices(log, "builder") {
		if strings.Contains(v.Name, "RUN") && !strings.Contains(v.Name, "linux/amd64") {
			t.Errorf("builder step vertex %q does not run on linux/amd64", v.Name)
		}
	}
}

// TestResultMetadata solves through the Go client and reads the image
// config per platform from the frontend's result metadata, as buildx and
// exporters do.
func TestResultMetadata(t *testing.T) {
	t.Parallel()
	env := setup(t)
	dir := project(t, map[string]string{"build.hcl": sprintf(multiPlatformBuild, nonce(t))})
	md := frontendSolve(t, env, dir, map[string]string{"platform": "linux/amd64,linux/arm64"})
	var pl struct {
		Platforms []struct{ ID string }
	}
	if err := json.Unmarshal(md["refs.platforms"], &pl); err != nil {
		t.Fatalf("refs.platforms: %v (%s)", err, md["refs.platforms"])
	}
	var ids []string
	for _, p := range pl.Platforms {
		ids = append(ids, p.ID)
	}
	if !sameSet(ids, []string{"linux/amd64", "linux/arm64"}) {
		t.Fatalf("refs.platforms = %v", ids)
	}
	for _, id := range ids {
		raw, ok := md["containerimage.config/"+id]
		if !ok {
			t.Errorf("no containerimage.config/%s in metadata (keys %v)", id, keys(md))
			continue
		}
		var img dockerspec.DockerOCIImage
		if err := json.Unmarshal(raw, &img); err != nil {
			t.Fatalf("containerimage.config/%s: %v", id, err)
		}
		checkAppConfig(t, id, &img)
	}
}
