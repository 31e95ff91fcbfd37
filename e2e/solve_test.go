package e2e

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/org/buildlang/frontend"
	"github.com/tonistiigi/fsutil"
)

// This tree's frontend (run in the test's process through the Go client,
// as buildx runs a frontend image, so the pushed image does not matter)
// assembles a two-platform result with compiler/solve, the assembly
// buildlang build uses: one image per platform with its config, the
// manifest annotations, SOURCE_DATE_EPOCH as the creation time, and an
// SBOM of each platform's result and of the stage it reads
// (BUILDKIT_SBOM_SCAN_STAGE).
func TestFrontendInProcessMultiPlatformResult(t *testing.T) {
	t.Parallel()
	env := setup(t)
	dir := project(t, map[string]string{"build.hcl": `# syntax=org/buildlang
target "tools" {
  from = "busybox:1.35"
  run {
    command = "echo tool > /tool-only"
  }
}

target "app" {
  from        = "busybox:1.35"
  platforms   = ["linux/amd64", "linux/arm64"]
  annotations = { "org.opencontainers.image.title" = "assembled" }
  copy {
    from = target.tools
    src  = ["/tool-only"]
    dest = "/copied"
  }
}
`})
	fs, err := fsutil.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "oci")
	_, err = env.Client(t).Build(t.Context(), client.SolveOpt{
		LocalMounts: map[string]fsutil.FS{"context": fs, "dockerfile": fs},
		FrontendAttrs: map[string]string{"target": "app", "attest:sbom": "", "build-arg:BUILDKIT_SBOM_SCAN_STAGE": "true",
			"build-arg:SOURCE_DATE_EPOCH": "1700000000"},
		Exports: []client.ExportEntry{{Type: client.ExporterOCI, Attrs: map[string]string{"tar": "false"}, OutputDir: out}},
	}, "buildlang-e2e", frontend.Build, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := openLayout(t, out)
	if got := l.platforms(); !slices.Equal(got, []string{"linux/amd64", "linux/arm64"}) {
		t.Fatalf("platforms %v, want linux/amd64 and linux/arm64", got)
	}
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		img := l.image(t, p)
		if img.Config.Architecture+"/"+img.Config.OS != map[string]string{"linux/amd64": "amd64/linux", "linux/arm64": "arm64/linux"}[p] {
			t.Errorf("%s: config is %s/%s", p, img.Config.OS, img.Config.Architecture)
		}
		if got := img.Manifest.Annotations["org.opencontainers.image.title"]; got != "assembled" {
			t.Errorf("%s: manifest annotations %v", p, img.Manifest.Annotations)
		}
		if img.Config.Created == nil || !img.Config.Created.Equal(time.Unix(1700000000, 0)) {
			t.Errorf("%s: created %v, want SOURCE_DATE_EPOCH 1700000000", p, img.Config.Created)
		}
		if img.mustFile(t, "copied") != "tool" {
			t.Errorf("%s: /copied is not the tools stage's file", p)
		}
	}
	sboms := 0
	for _, a := range l.attestations {
		var stmt struct {
			PredicateType string `json:"predicateType"`
		}
		l.readJSON(t, a, &stmt)
		if stmt.PredicateType == "https://spdx.dev/Document" {
			sboms++
		}
	}
	// Per platform: the result's and the tools stage's.
	if sboms != 4 {
		t.Errorf("%d SPDX documents among %d attestations, want 4 (the result's and the stage's, per platform)", sboms, len(l.attestations))
	}
}
