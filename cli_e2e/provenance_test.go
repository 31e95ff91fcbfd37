package cli_e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// statements are the in-toto statements of an OCI tarball's attestation
// manifests, by predicate type.
func statements(t *testing.T, blobs map[string][]byte) map[string][]json.RawMessage {
	t.Helper()
	out := map[string][]json.RawMessage{}
	for _, dt := range blobs {
		var m struct {
			Layers []struct {
				Digest      string
				Annotations map[string]string
			}
		}
		if json.Unmarshal(dt, &m) != nil {
			continue
		}
		for _, l := range m.Layers {
			typ := l.Annotations["in-toto.io/predicate-type"]
			if typ == "" {
				continue
			}
			var stmt struct {
				PredicateType string          `json:"predicateType"`
				Predicate     json.RawMessage `json:"predicate"`
			}
			if err := json.Unmarshal(blobs[l.Digest], &stmt); err != nil || stmt.PredicateType != typ {
				t.Fatalf("layer %s (%s): not an in-toto statement of that type: %v\n%.500s", l.Digest, typ, err, blobs[l.Digest])
			}
			out[typ] = append(out[typ], stmt.Predicate)
		}
	}
	return out
}

// buildlang build --provenance records what BuildKit cannot see in a
// client-side build: the build file, the environment and the variables
// (in BuildKit's SLSA provenance only the file's name and text, through
// the source map). The invocation attestation beside it carries them;
// a sensitive variable's value appears nowhere in the output, and
// --provenance=min leaves every value out, as min provenance leaves out
// build args.
func TestProvenanceRecordsEnvironmentAndVariables(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	dir := writeFiles(t, map[string]string{"build.hcl": `
variable "VERSION" {
  default = "0.0.0"
}

variable "REGION" {
  default = "nowhere"
}

variable "TOKEN" {
  sensitive = true
  default   = ""
}

secret "token" {
  var = var.TOKEN
}

environment "prod" {
  vars = { REGION = "eu-west" }
}

target "app" {
  from = "busybox:1.35"
  run {
    command = "wc -c < /run/secrets/token > /token-length && echo ${var.VERSION} ${var.REGION} > /version"
    secret "token" {}
  }
}
`})
	secret := "provenance-secret-" + runID
	build := func(mode string) map[string][]json.RawMessage {
		out := filepath.Join(t.TempDir(), "oci.tar")
		mustBuild(t, env, dir, nil, "build", "app", "--env", "prod", "--provenance="+mode,
			"--var", "VERSION=4.5.6", "--var", "TOKEN="+secret, "--progress", "plain", "-o", "type=oci,dest="+out)
		blobs := ociBlobs(t, out)
		for name, dt := range blobs {
			if strings.Contains(string(dt), secret) {
				t.Errorf("--provenance=%s: blob %s holds the sensitive value:\n%.1000s", mode, name, dt)
			}
		}
		return statements(t, blobs)
	}
	type variable struct {
		Source    string
		Sensitive bool
		Value     *string
	}
	var inv struct {
		Files       []string
		Target      string
		Platform    string
		Environment string
		Variables   map[string]variable
		Complete    bool
	}
	value := func(v variable) string {
		if v.Value == nil {
			return "(none)"
		}
		return *v.Value
	}

	maxed := build("max")
	slsa := maxed["https://slsa.dev/provenance/v1"]
	if len(slsa) != 1 {
		t.Fatalf("want BuildKit's SLSA provenance once, got %d (%v)", len(slsa), keys(maxed))
	}
	if !strings.Contains(string(slsa[0]), `"build.hcl"`) {
		t.Errorf("BuildKit's provenance does not name build.hcl:\n%.2000s", slsa[0])
	}
	invs := maxed["https://github.com/org/buildlang/invocation/v1"]
	if len(invs) != 1 {
		t.Fatalf("want one invocation attestation, got %d (%v)", len(invs), keys(maxed))
	}
	if err := json.Unmarshal(invs[0], &inv); err != nil {
		t.Fatal(err)
	}
	if strings.Join(inv.Files, ",") != "build.hcl" || inv.Target != "app" || inv.Environment != "prod" || !inv.Complete || !strings.HasPrefix(inv.Platform, "linux/") {
		t.Errorf("invocation: %s", invs[0])
	}
	for name, want := range map[string]variable{
		"VERSION": {Source: "override", Value: ptr("4.5.6")},
		"REGION":  {Source: "environment", Value: ptr("eu-west")},
		"TOKEN":   {Source: "override", Sensitive: true},
	} {
		got, ok := inv.Variables[name]
		if !ok || got.Source != want.Source || got.Sensitive != want.Sensitive || value(got) != value(want) {
			t.Errorf("variable %s: %+v value %s, want %+v value %s", name, got, value(got), want, value(want))
		}
	}

	minimal := build("min")
	invs = minimal["https://github.com/org/buildlang/invocation/v1"]
	if len(invs) != 1 {
		t.Fatalf("--provenance=min: want one invocation attestation, got %d (%v)", len(invs), keys(minimal))
	}
	inv.Variables, inv.Complete = nil, true
	if err := json.Unmarshal(invs[0], &inv); err != nil {
		t.Fatal(err)
	}
	if inv.Complete || inv.Environment != "prod" || len(inv.Variables) != 3 {
		t.Errorf("--provenance=min invocation: %s", invs[0])
	}
	for name, v := range inv.Variables {
		if v.Value != nil {
			t.Errorf("--provenance=min records %s's value %q", name, *v.Value)
		}
	}
}

func ptr(s string) *string { return &s }

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
