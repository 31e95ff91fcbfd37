package e2e

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/convert"
	"github.com/org/buildlang/internal/convertcorpus"
	"github.com/org/buildlang/internal/imgdiff"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
)

// convertCorpusMin is what issue 12 asks of the corpus.
const convertCorpusMin = 25

// TestConvertCorpus converts each case's Dockerfile, checks the result
// (no errors, nothing unused), builds the Dockerfile with BuildKit's
// Dockerfile frontend and the conversion with buildlang's on the same
// buildkitd, both with no target (so each builds its default), and
// compares the images with imgdiff: equal, or different exactly as the
// case's expected-differences say.
func TestConvertCorpus(t *testing.T) {
	cases, err := convertcorpus.Read("testdata/convert")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < convertCorpusMin {
		t.Errorf("the conversion corpus has %d cases; issue 12 asks for at least %d", len(cases), convertCorpusMin)
	}
	env := setup(t)
	var mu sync.Mutex
	identical := 0
	t.Cleanup(func() { t.Logf("%d of %d cases built identical trees and configs", identical, len(cases)) })
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			out, err := convert.Dockerfiles([]convert.Input{{Name: "Dockerfile", Data: c.Files["Dockerfile"]}})
			if err != nil {
				t.Fatal(err)
			}
			checkConverted(t, out.BuildFile)
			dir := t.TempDir()
			if err := c.Write(dir); err != nil {
				t.Fatal(err)
			}
			writeCaseFile(t, dir, "build.hcl", out.BuildFile)
			args := c.SecretArgs(dir)
			opts := append([]string{"platform=linux/amd64"}, c.Opts...)
			imgs := buildBoth(t, env, []build{
				{dir: dir, syntax: true, filename: "Dockerfile", opts: opts, args: args},
				{dir: dir, filename: "build.hcl", opts: opts, args: args},
			}, out.BuildFile)
			diffs := imgdiff.Diff(imgs[0], imgs[1])
			var unexpected []string
			seen := map[string]bool{}
			for _, d := range diffs {
				if _, ok := c.Expected[d]; ok {
					seen[d] = true
					continue
				}
				unexpected = append(unexpected, d)
			}
			if len(unexpected) > 0 {
				t.Errorf("the Dockerfile's image (first) and the conversion's (second) differ:\n%s\nconversion:\n%s", strings.Join(unexpected, "\n"), out.BuildFile)
			}
			for d := range c.Expected {
				if !seen[d] {
					t.Errorf("expected-differences lists %q, which the images no longer show; remove it", d)
				}
			}
			for d, why := range c.Expected {
				if seen[d] {
					t.Logf("expected difference: %s (%s)", d, why)
				}
			}
			if len(diffs) == 0 {
				mu.Lock()
				identical++
				mu.Unlock()
			}
		})
	}
}

func writeCaseFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildBoth runs the builds concurrently, each to an OCI layout, and opens
// their linux/amd64 images.
func buildBoth(t *testing.T, env interface {
	Buildctl(testing.TB, ...string) (string, error)
}, builds []build, conversion []byte) []*imgdiff.Image {
	t.Helper()
	imgs := make([]*imgdiff.Image, len(builds))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []string
	for i, b := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := filepath.Join(t.TempDir(), "oci")
			b.output = "type=oci,tar=false,dest=" + out
			log, err := env.Buildctl(t, b.argv()...)
			if err == nil {
				imgs[i], err = imgdiff.Open(out, "linux/amd64")
			}
			if err != nil {
				mu.Lock()
				errs = append(errs, b.filename+": "+err.Error()+"\n"+tail(log, 30))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		sort.Strings(errs)
		t.Fatalf("%s\nconversion:\n%s", strings.Join(errs, "\n"), conversion)
	}
	return imgs
}

// checkConverted loads and lints a conversion as `buildlang check` does:
// no errors, and nothing the conversion declared unused.
func checkConverted(t *testing.T, src []byte) {
	t.Helper()
	fsys := fstest.MapFS{"build.hcl": {Data: src}}
	b, diags := lang.Load(lang.FS(fsys), []string{"build.hcl"}, lang.Options{NoLock: true})
	diags = lint.Check(b, diags)
	var bad []string
	for _, d := range diags {
		if d.Severity == hcl.DiagError || strings.HasPrefix(d.Summary, "Unused") {
			bad = append(bad, d.Error())
		}
	}
	if len(bad) > 0 {
		t.Fatalf("buildlang check of the conversion:\n%s\n%s", strings.Join(bad, "\n"), src)
	}
}
