package e2eenv_test

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

const dockerfile = "FROM busybox\nRUN uname -m > /arch\n"

// TestDockerfileMultiArch proves the environment end to end: busybox is
// pulled through the docker.io mirror from the local registry, and the RUN
// step executes natively on amd64 and under qemu on arm64.
func TestDockerfileMultiArch(t *testing.T) {
	env := e2eenv.Require(t)
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		if !env.HasPlatform(p) {
			t.Fatalf("buildkitd at %s has no %s worker (platforms %v); run hack/e2e-env up", env.BuildkitHost, p, env.Platforms)
		}
	}
	checkArch(t, buildToOCI(t, env, "--frontend", "dockerfile.v0"))
}

// TestGatewayFrontendFromRegistry builds the same Dockerfile through BuildKit's
// Dockerfile frontend packaged by hack/tools/cmd/mkimage and pushed to the
// local registry, the way the buildlang frontend image is used.
func TestGatewayFrontendFromRegistry(t *testing.T) {
	env := e2eenv.Require(t)
	checkArch(t, buildToOCI(t, env,
		"--frontend", "gateway.v0",
		"--opt", "source="+env.Ref("test/dockerfile-frontend:latest")))
}

func buildToOCI(t *testing.T, env *e2eenv.Env, frontendArgs ...string) string {
	t.Helper()
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "oci")
	args := append([]string{"build", "--progress", "plain", "--no-cache"}, frontendArgs...)
	args = append(args,
		"--local", "context="+src,
		"--local", "dockerfile="+src,
		"--opt", "platform=linux/amd64,linux/arm64",
		"--output", "type=oci,dest="+out+",tar=false",
	)
	log, err := env.Buildctl(t, args...)
	if err != nil {
		t.Fatalf("buildctl %s: %v\n%s", strings.Join(args, " "), err, log)
	}
	return out
}

func checkArch(t *testing.T, layout string) {
	t.Helper()
	got, err := archPerPlatform(layout)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("/arch per platform: %v", got)
	want := map[string]string{"linux/amd64": "x86_64", "linux/arm64": "aarch64"}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("/arch of %s = %q, want %q", p, got[p], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("platforms in OCI output: %v, want exactly %v", got, want)
	}
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Annotations map[string]string `json:"annotations"`
	Platform    *struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
		Variant      string `json:"variant"`
	} `json:"platform"`
}

type manifest struct {
	MediaType string       `json:"mediaType"`
	Manifests []descriptor `json:"manifests"` // index
	Layers    []descriptor `json:"layers"`    // image manifest
}

// archPerPlatform reads an OCI image layout directory and returns, per
// platform, the content of /arch in the image's filesystem.
func archPerPlatform(dir string) (map[string]string, error) {
	readJSON := func(path string, v any) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return json.Unmarshal(b, v)
	}
	blob := func(d string) string {
		alg, hex, _ := strings.Cut(d, ":")
		return filepath.Join(dir, "blobs", alg, hex)
	}
	var top manifest
	if err := readJSON(filepath.Join(dir, "index.json"), &top); err != nil {
		return nil, err
	}
	if len(top.Manifests) != 1 || !strings.HasSuffix(top.Manifests[0].MediaType, "index.v1+json") {
		return nil, fmt.Errorf("index.json: want one image index, got %+v", top.Manifests)
	}
	var idx manifest
	if err := readJSON(blob(top.Manifests[0].Digest), &idx); err != nil {
		return nil, err
	}
	res := map[string]string{}
	for _, d := range idx.Manifests {
		if d.Platform == nil || d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
			continue
		}
		var m manifest
		if err := readJSON(blob(d.Digest), &m); err != nil {
			return nil, err
		}
		content, found := "", false
		for _, l := range m.Layers { // later layers win
			c, ok, err := fileInLayer(blob(l.Digest), "arch")
			if err != nil {
				return nil, err
			}
			if ok {
				content, found = c, true
			}
		}
		if !found {
			return nil, fmt.Errorf("%s/%s: no /arch in any layer", d.Platform.OS, d.Platform.Architecture)
		}
		res[d.Platform.OS+"/"+d.Platform.Architecture] = strings.TrimSpace(content)
	}
	return res, nil
}

func fileInLayer(path, name string) (string, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", false, fmt.Errorf("%s: %w", path, err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		if strings.TrimPrefix(h.Name, "./") == name && h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			return string(b), true, err
		}
	}
}
