// Command bench-frontend measures the buildlang frontend image against
// BuildKit's own Dockerfile frontend on the e2e environment (hack/e2e-env):
//
//   - size: the compressed layer sizes of localhost:5000/org/buildlang and
//     localhost:5000/test/dockerfile-frontend (compiled with the same flags
//     by hack/e2e-env), per platform, from the registry's manifests;
//   - time: the wall time of `buildctl build` of the same small image
//     (busybox, workdir, copy, run, env, label, cmd) written as build.hcl
//     through gateway.v0 + org/buildlang and as a Dockerfile through the
//     built-in dockerfile.v0, both to an OCI tarball: fully cached, and
//     cold (after `buildctl prune --all`, so base image and frontend image
//     are pulled again). The Dockerfile frontend served from an image
//     through gateway.v0, packaged like ours, is measured too: the
//     like-for-like comparison, since the built-in one starts no container.
//
// Runs are interleaved and each figure is the median of -runs runs.
// It prunes BuildKit's whole cache: do not run it while tests use the
// daemon. hack/bench-frontend is the entry point.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

var (
	addr     = flag.String("addr", envOr("BUILDKIT_HOST", "unix:///run/buildlang-e2e/buildkitd.sock"), "buildkitd address")
	registry = flag.String("registry", envOr("BUILDLANG_E2E_REGISTRY", "localhost:5000"), "the e2e registry")
	buildctl = flag.String("buildctl", "", "buildctl binary (default: $BUILDLANG_E2E_BIN/buildctl)")
	runs     = flag.Int("runs", 3, "runs per measurement; the median is reported")
	cold     = flag.Bool("cold", true, "also measure cold builds (prunes the whole BuildKit cache)")
	maxRatio = flag.Float64("max-time-ratio", 1.1, "time ratio (ours / built-in Dockerfile) reported as the target")
)

const buildHCL = `target "app" {
  from    = "busybox"
  workdir = "/app"
  env = {
    MODE = "bench"
  }
  copy {
    src  = ["message.txt"]
    dest = "message.txt"
  }
  run {
    command = "tr a-z A-Z < message.txt > shout.txt && wc -c message.txt > size.txt"
  }
  labels = {
    "org.example.bench" = "1"
  }
  cmd = ["cat", "/app/shout.txt"]
}
`

const dockerfile = `FROM busybox
WORKDIR /app
ENV MODE=bench
COPY message.txt message.txt
RUN tr a-z A-Z < message.txt > shout.txt && wc -c message.txt > size.txt
LABEL org.example.bench=1
CMD ["cat", "/app/shout.txt"]
`

type variant struct {
	name string
	args []string
}

func main() {
	flag.Parse()
	if *buildctl == "" {
		*buildctl = filepath.Join(envOr("BUILDLANG_E2E_BIN", ".e2e/bin"), "buildctl")
	}
	ok := true
	if err := sizes(&ok); err != nil {
		fail(err)
	}
	if err := times(&ok); err != nil {
		fail(err)
	}
	if !ok {
		fmt.Println("\nRESULT: some figures miss their target (see above)")
		os.Exit(1)
	}
	fmt.Println("\nRESULT: every figure meets its target")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench-frontend:", err)
	os.Exit(2)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// ---------------------------------------------------------------- sizes

type descriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
	Platform  *struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
	} `json:"platform"`
}

type manifest struct {
	Manifests []descriptor `json:"manifests"`
	Layers    []descriptor `json:"layers"`
}

func getManifest(repo, ref string, v *manifest) error {
	req, err := http.NewRequest("GET", "http://"+*registry+"/v2/"+repo+"/manifests/"+ref, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", strings.Join([]string{
		"application/vnd.oci.image.index.v1+json",
		"application/vnd.docker.distribution.manifest.list.v2+json",
		"application/vnd.oci.image.manifest.v1+json",
		"application/vnd.docker.distribution.manifest.v2+json",
	}, ", "))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s/%s:%s: %s: %s", *registry, repo, ref, res.Status, body)
	}
	return json.Unmarshal(body, v)
}

// layerSizes returns the compressed size of each platform's layers.
func layerSizes(repo string) (map[string]int64, error) {
	var idx manifest
	if err := getManifest(repo, "latest", &idx); err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, d := range idx.Manifests {
		if d.Platform == nil || d.Platform.OS == "unknown" {
			continue
		}
		var m manifest
		if err := getManifest(repo, d.Digest, &m); err != nil {
			return nil, err
		}
		for _, l := range m.Layers {
			out[d.Platform.OS+"/"+d.Platform.Architecture] += l.Size
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s/%s:latest has no platform images", *registry, repo)
	}
	return out, nil
}

func sizes(ok *bool) error {
	ours, err := layerSizes("org/buildlang")
	if err != nil {
		return err
	}
	ref, err := layerSizes("test/dockerfile-frontend")
	if err != nil {
		return err
	}
	fmt.Println("== Frontend image size (compressed layers, from the registry manifests)")
	fmt.Printf("%-13s %14s %22s %7s  %s\n", "platform", "org/buildlang", "test/dockerfile-frontend", "ratio", "target <= 1.00")
	for _, p := range slices.Sorted(maps.Keys(ours)) {
		r := float64(ours[p]) / float64(ref[p])
		verdict := "ok"
		if ref[p] == 0 || r > 1 {
			verdict, *ok = "MISSED", false
		}
		fmt.Printf("%-13s %14s %22s %7.3f  %s\n", p, mb(ours[p]), mb(ref[p]), r, verdict)
	}
	return nil
}

func mb(n int64) string { return fmt.Sprintf("%d (%.2f MB)", n, float64(n)/1e6) }

// ---------------------------------------------------------------- times

func times(ok *bool) error {
	dir, err := os.MkdirTemp("", "bench-frontend-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for name, content := range map[string]string{
		"build.hcl":   buildHCL,
		"Dockerfile":  dockerfile,
		"message.txt": "hello from the benchmark\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	variants := []variant{
		{"buildlang (gateway.v0, org/buildlang)", []string{"--frontend", "gateway.v0", "--opt", "source=org/buildlang", "--opt", "filename=build.hcl"}},
		{"Dockerfile (dockerfile.v0, built in)", []string{"--frontend", "dockerfile.v0"}},
		{"Dockerfile (gateway.v0, test/dockerfile-frontend)", []string{"--frontend", "gateway.v0", "--opt", "source=" + *registry + "/test/dockerfile-frontend"}},
	}
	build := func(v variant) (time.Duration, error) {
		args := append([]string{"--addr", *addr, "build", "--progress=quiet",
			"--local", "context=" + dir, "--local", "dockerfile=" + dir,
			"--output", "type=oci,dest=" + filepath.Join(dir, "out.tar")}, v.args...)
		start := time.Now()
		out, err := exec.Command(*buildctl, args...).CombinedOutput()
		d := time.Since(start)
		if err != nil {
			return 0, fmt.Errorf("%s: %v\n%s", v.name, err, out)
		}
		return d, nil
	}
	prune := func() error {
		out, err := exec.Command(*buildctl, "--addr", *addr, "prune", "--all").CombinedOutput()
		if err != nil {
			return fmt.Errorf("buildctl prune --all: %v\n%s", err, out)
		}
		return nil
	}
	measure := func(title string, before func() error) error {
		got := make([][]time.Duration, len(variants))
		for range *runs {
			for i, v := range variants {
				if err := before(); err != nil {
					return err
				}
				d, err := build(v)
				if err != nil {
					return err
				}
				got[i] = append(got[i], d)
			}
		}
		fmt.Printf("\n== %s: wall time of buildctl build to an OCI tarball (median of %d; load average %s)\n", title, *runs, loadavg())
		med := make([]time.Duration, len(variants))
		for i, v := range variants {
			med[i] = median(got[i])
			fmt.Printf("%-50s %8s   runs:%s\n", v.name, ms(med[i]), msList(got[i]))
		}
		r := float64(med[0]) / float64(med[1])
		verdict := "ok"
		if r > *maxRatio {
			verdict, *ok = "MISSED", false
		}
		fmt.Printf("ratio buildlang / built-in Dockerfile:     %.2f  (target <= %.2f: %s)\n", r, *maxRatio, verdict)
		fmt.Printf("ratio buildlang / Dockerfile frontend image: %.2f  (like for like: both start a frontend container)\n", float64(med[0])/float64(med[2]))
		return nil
	}
	// Warm up: every variant's steps, frontend image and base in the cache.
	for _, v := range variants {
		if _, err := build(v); err != nil {
			return err
		}
	}
	if err := measure("Fully cached build", func() error { return nil }); err != nil {
		return err
	}
	if *cold {
		if err := measure("Cold build (after buildctl prune --all)", prune); err != nil {
			return err
		}
	}
	return nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%dms", d.Milliseconds()) }

func msList(ds []time.Duration) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(" " + ms(d))
	}
	return b.String()
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
