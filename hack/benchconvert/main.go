// Command benchconvert times the conversion corpus (e2e/testdata/convert)
// built both ways on one buildkitd: each Dockerfile with BuildKit's
// Dockerfile frontend and its conversion with the buildlang frontend
// (gateway.v0, org/buildlang). The Dockerfile is built twice: with the
// built-in dockerfile.v0, which starts no container, and with the same
// frontend served from an image through gateway.v0
// (test/dockerfile-frontend, made by hack/e2e-env), which is what a
// Dockerfile starting with "# syntax=docker/dockerfile:1" runs and the
// like-for-like comparison, since buildlang's frontend is an image too.
// Each is built cold (--no-cache: every step runs;
// base images stay in the daemon's content store) and fully cached (after
// a warm-up build, the median of -runs). Builds of a case alternate
// between the two, one at a time. It prints each case's times and ratios
// (conversion / Dockerfile, against each) and the medians over the corpus,
// and exits 1 when a like-for-like median ratio is over -max-ratio. hack/bench-convert
// is the entry point.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/org/buildlang/convert"
	"github.com/org/buildlang/internal/convertcorpus"
)

var (
	addr     = flag.String("addr", os.Getenv("BUILDKIT_HOST"), "buildkitd address")
	buildctl = flag.String("buildctl", filepath.Join(os.Getenv("BUILDLANG_E2E_BIN"), "buildctl"), "buildctl binary")
	corpus   = flag.String("corpus", "e2e/testdata/convert", "the conversion corpus")
	registry = flag.String("registry", envOr("BUILDLANG_E2E_REGISTRY", "localhost:5000"), "the e2e registry")
	runs     = flag.Int("runs", 3, "cached runs per build; the median is reported")
	maxRatio = flag.Float64("max-ratio", 1.1, "the target: median time ratio (conversion / Dockerfile)")
)

func main() {
	flag.Parse()
	cases, err := convertcorpus.Read(*corpus)
	if err != nil {
		fail(err)
	}
	work, err := os.MkdirTemp("", "bench-convert")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(work)
	var coldRatios, cachedRatios, coldBuiltin, cachedBuiltin []float64
	fmt.Println("times: built-in dockerfile.v0 / Dockerfile frontend image / buildlang; × is buildlang over the image (and over built-in)")
	fmt.Printf("%-18s %24s %14s %24s %14s\n", "case", "cold", "×", "cached", "×")
	for _, c := range cases {
		dir := filepath.Join(work, c.Name)
		if err := c.Write(dir); err != nil {
			fail(err)
		}
		out, err := convert.Dockerfiles([]convert.Input{{Name: "Dockerfile", Data: c.Files["Dockerfile"]}})
		if err != nil {
			fail(fmt.Errorf("%s: %w", c.Name, err))
		}
		if err := os.WriteFile(filepath.Join(dir, "build.hcl"), out.BuildFile, 0o644); err != nil {
			fail(err)
		}
		builtin, image, hcl := args(c, dir, "builtin"), args(c, dir, "image"), args(c, dir, "buildlang")
		variants := [][]string{builtin, image, hcl}
		cold := make([]time.Duration, 3)
		for i, v := range variants {
			cold[i] = timeBuild(c.Name, append(slices.Clone(v), "--no-cache"))
		}
		for _, v := range variants {
			timeBuild(c.Name, v) // warm
		}
		samples := make([][]time.Duration, 3)
		for range *runs {
			for i, v := range variants {
				samples[i] = append(samples[i], timeBuild(c.Name, v))
			}
		}
		cached := []time.Duration{median(samples[0]), median(samples[1]), median(samples[2])}
		r := func(d []time.Duration, i int) float64 { return d[2].Seconds() / d[i].Seconds() }
		coldRatios, cachedRatios = append(coldRatios, r(cold, 1)), append(cachedRatios, r(cached, 1))
		coldBuiltin, cachedBuiltin = append(coldBuiltin, r(cold, 0)), append(cachedBuiltin, r(cached, 0))
		fmt.Printf("%-18s %24s %5.2f (%5.2f) %24s %5.2f (%5.2f)\n", c.Name,
			ms(cold[0])+"/"+ms(cold[1])+"/"+ms(cold[2]), r(cold, 1), r(cold, 0),
			ms(cached[0])+"/"+ms(cached[1])+"/"+ms(cached[2]), r(cached, 1), r(cached, 0))
	}
	fmt.Printf("\nmedian over %d cases, buildlang over the built-in dockerfile.v0: cold ×%.2f, cached ×%.2f\n", len(cases), medianF(coldBuiltin), medianF(cachedBuiltin))
	mc, mw := medianF(coldRatios), medianF(cachedRatios)
	fmt.Printf("median over %d cases, buildlang over the Dockerfile frontend image (like for like): cold ×%.2f, cached ×%.2f (target ≤ ×%.2f)\n", len(cases), mc, mw, *maxRatio)
	if mc > *maxRatio || mw > *maxRatio {
		fmt.Println("FAIL: over the target")
		os.Exit(1)
	}
}

func args(c convertcorpus.Case, dir, frontend string) []string {
	a := []string{"--addr", *addr, "build", "--progress=quiet", "--local", "context=" + dir, "--local", "dockerfile=" + dir,
		"--opt", "platform=linux/amd64", "--output", "type=oci,dest=" + filepath.Join(dir, "out.tar")}
	switch frontend {
	case "builtin":
		a = append(a, "--frontend", "dockerfile.v0", "--opt", "filename=Dockerfile")
	case "image":
		a = append(a, "--frontend", "gateway.v0", "--opt", "source="+*registry+"/test/dockerfile-frontend", "--opt", "filename=Dockerfile")
	default:
		a = append(a, "--frontend", "gateway.v0", "--opt", "source=org/buildlang", "--opt", "filename=build.hcl")
	}
	for _, o := range c.Opts {
		a = append(a, "--opt", o)
	}
	return append(a, c.SecretArgs(dir)...)
}

func timeBuild(name string, args []string) time.Duration {
	start := time.Now()
	cmd := exec.Command(*buildctl, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		fail(fmt.Errorf("%s: buildctl: %v\n%s", name, err, out))
	}
	return time.Since(start)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianF(fs []float64) float64 {
	s := slices.Clone(fs)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%dms", d.Milliseconds()) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench-convert:", err)
	os.Exit(2)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
