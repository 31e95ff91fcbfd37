package trust_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/moby/buildkit/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/internal/e2eenv"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
)

const privileged = `
target "host" {
  from = "busybox"
  run {
    command = "true"
    network = "host"
  }
}

target "insecure" {
  from = "busybox"
  run {
    command  = "true"
    security = "insecure"
  }
}
`

// TestEntitlements: check names the entitlement each privileged step needs
// and the flag that grants it; BuildKit, asked without the entitlement,
// refuses the step, and its error names the entitlement too (logged, so
// a change in BuildKit's wording shows).
func TestEntitlements(t *testing.T) {
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(privileged)}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var findings strings.Builder
	for _, d := range lint.Run(b) {
		findings.WriteString(d.Summary + ": " + d.Detail + "\n")
	}
	for _, want := range []string{"--allow network.host", "--allow security.insecure", "--allow-insecure-entitlement network.host"} {
		if !strings.Contains(findings.String(), want) {
			t.Errorf("check does not say %q:\n%s", want, findings.String())
		}
	}

	e := e2eenv.Require(t)
	c := e.Client(t)
	ctx := context.Background()
	for _, tc := range []struct{ target, entitlement string }{{"host", "network.host"}, {"insecure", "security.insecure"}} {
		res, cdiags := compiler.Compile(ctx, b, compiler.Request{Targets: []string{tc.target},
			Platforms: []ocispecs.Platform{{OS: "linux", Architecture: "amd64"}}})
		if cdiags.HasErrors() {
			t.Fatal(cdiags.Error())
		}
		def, err := res.Outputs[0].Marshal(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Solve(ctx, def, client.SolveOpt{}, nil)
		if err == nil {
			t.Errorf("%s: BuildKit ran the step without the %s entitlement", tc.target, tc.entitlement)
			continue
		}
		t.Logf("%s without the entitlement, BuildKit says: %v", tc.target, err)
		if !strings.Contains(err.Error(), tc.entitlement) {
			t.Errorf("%s: BuildKit's error does not name %s: %v", tc.target, tc.entitlement, err)
		}
		// Granted by the client; the daemon decides (hack/e2e-env's allows
		// neither, so this fails too, with the daemon's reason).
		_, err = c.Solve(ctx, def, client.SolveOpt{AllowedEntitlements: []string{tc.entitlement}}, nil)
		t.Logf("%s with --allow %s: %v", tc.target, tc.entitlement, err)
	}
}

// TestFrontendImageNetworkNone reads the frontend image's config from the
// e2e registry (as hack/e2e-env push-frontend pushed it, from
// Dockerfile.frontend's labels) and requires the label that makes BuildKit
// run the frontend without a network: the frontend reads build files and
// compiles them; it has no use for one.
func TestFrontendImageNetworkNone(t *testing.T) {
	e := e2eenv.Require(t)
	get := func(path, accept string, v any) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+e.Registry+"/v2/"+path, nil)
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s: %s", path, resp.Status, body)
		}
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	repo := e2eenv.FrontendRepo
	var top struct {
		MediaType string                `json:"mediaType"`
		Manifests []ocispecs.Descriptor `json:"manifests"`
		Config    ocispecs.Descriptor   `json:"config"`
	}
	get(repo+"/manifests/latest", strings.Join([]string{ocispecs.MediaTypeImageIndex, ocispecs.MediaTypeImageManifest,
		"application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json"}, ", "), &top)
	configs := []ocispecs.Descriptor{top.Config}
	if len(top.Manifests) > 0 {
		configs = nil
		for _, m := range top.Manifests {
			if m.Platform != nil && m.Platform.OS == "unknown" {
				continue // attestations
			}
			var man ocispecs.Manifest
			get(fmt.Sprintf("%s/manifests/%s", repo, m.Digest), m.MediaType, &man)
			configs = append(configs, man.Config)
		}
	}
	if len(configs) == 0 || configs[0].Digest == "" {
		t.Fatalf("no image config in %+v", top)
	}
	for _, cd := range configs {
		var img ocispecs.Image
		get(fmt.Sprintf("%s/blobs/%s", repo, cd.Digest), "*/*", &img)
		if got := img.Config.Labels["moby.buildkit.frontend.network.none"]; got != "true" {
			t.Errorf("%s %s: label moby.buildkit.frontend.network.none = %q, want \"true\" (labels: %v)", img.OS, img.Architecture, got, img.Config.Labels)
		}
	}
	t.Logf("%d image configs have moby.buildkit.frontend.network.none=true", len(configs))
}
