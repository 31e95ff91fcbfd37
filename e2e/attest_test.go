package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// attestBuild reads a secret (and, in the CLI, a sensitive variable feeds
// it): its value must reach neither the SBOM nor the provenance.
const attestBuild = `# syntax=org/buildlang
variable "VERSION" {
  default = "1.2.3"
}

variable "TOKEN" {
  sensitive = true
  default   = ""
}

secret "token" {
  var = var.TOKEN
}

target "app" {
  from = "busybox:1.35"
  run {
    command = "wc -c < /run/secrets/token > /token-length && echo ${var.VERSION} > /version"
    secret "token" {}
  }
}
`

// checkAttestations finds, among a layout's attestations, an SPDX SBOM
// listing the image's files and packages and a SLSA provenance naming
// build.hcl; no blob of the layout holds the secret.
func checkAttestations(t *testing.T, dir, secret string) {
	t.Helper()
	l := openLayout(t, dir)
	var sbom, provenance bool
	for _, p := range l.attestations {
		var stmt struct {
			PredicateType string          `json:"predicateType"`
			Predicate     json.RawMessage `json:"predicate"`
		}
		l.readJSON(t, p, &stmt)
		switch {
		case stmt.PredicateType == "https://spdx.dev/Document":
			var doc struct {
				SPDXVersion string
				Files       []struct{ FileName string }
				Packages    []struct{ Name string }
			}
			if err := json.Unmarshal(stmt.Predicate, &doc); err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, f := range doc.Files {
				files = append(files, f.FileName)
			}
			all := strings.Join(files, " ")
			if doc.SPDXVersion == "" || !strings.Contains(all, "/version") || !strings.Contains(all, "/bin/busybox") || len(doc.Packages) == 0 {
				t.Errorf("the SBOM does not list the image's files and packages: %s files %s, packages %v", doc.SPDXVersion, all, doc.Packages)
			}
			sbom = true
		case strings.HasPrefix(stmt.PredicateType, "https://slsa.dev/provenance/"):
			if !strings.Contains(string(stmt.Predicate), "build.hcl") {
				t.Errorf("the provenance does not name build.hcl:\n%.2000s", stmt.Predicate)
			}
			provenance = true
		}
	}
	if !sbom || !provenance {
		t.Fatalf("want an SPDX SBOM and a SLSA provenance among %d attestations; sbom %v, provenance %v", len(l.attestations), sbom, provenance)
	}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		dt, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(dt), secret) {
			t.Errorf("%s holds the secret", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// buildlang build --sbom --provenance=max: the CLI asks BuildKit for
// provenance and runs the SBOM generator (BuildKit's default name, which
// the e2e registry serves with hack/tools/cmd/sbom-scanner) itself.
func TestAttestationsCLI(t *testing.T) {
	t.Parallel()
	env := setup(t)
	dir := project(t, map[string]string{"build.hcl": attestBuild})
	secret := "attest-secret-" + nonce(t)
	out := filepath.Join(t.TempDir(), "oci")
	cmd := exec.CommandContext(t.Context(), buildlangCLI(t), "build", "app", "--sbom", "--provenance=max",
		"--var", "TOKEN="+secret, "--progress", "plain", "-o", "type=oci,tar=false,dest="+out)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BUILDKIT_HOST="+env.BuildkitHost)
	if log, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("buildlang build --sbom --provenance=max: %v\n%s", err, tail(string(log), 30))
	}
	checkAttestations(t, out, secret)
}

// docker buildx build --sbom=true --provenance=mode=max: the frontend
// honours attest:sbom as the Dockerfile frontend does.
func TestAttestationsBuildx(t *testing.T) {
	t.Parallel()
	env := setup(t)
	bx := newBuildx(t, env)
	dir := project(t, map[string]string{"build.hcl": attestBuild})
	secret := "attest-secret-" + nonce(t)
	out := filepath.Join(t.TempDir(), "oci")
	bx.env = append(bx.env, "E2E_TOKEN="+secret)
	if log, err := bx.build(t, dir, "--sbom=true", "--provenance=mode=max", "--target", "app",
		"--secret", "id=token,env=E2E_TOKEN", "--output", "type=oci,tar=false,dest="+out); err != nil {
		t.Fatalf("buildx build --sbom=true --provenance=mode=max: %v\n%s", err, tail(log, 30))
	}
	checkAttestations(t, out, secret)
}

// --build-arg BUILDKIT_SBOM_SCAN_STAGE=true scans the targets the result
// reads too, as for a Dockerfile's stages: one more SPDX document, for the
// stage, whose files are the stage's.
func TestAttestationsBuildxScanStage(t *testing.T) {
	t.Parallel()
	env := setup(t)
	bx := newBuildx(t, env)
	dir := project(t, map[string]string{"build.hcl": `# syntax=org/buildlang
target "tools" {
  from = "busybox:1.35"
  run {
    command = "echo tool > /tool-only"
  }
}

target "app" {
  copy {
    from = target.tools
    src  = ["/tool-only"]
    dest = "/copied"
  }
}
`})
	out := filepath.Join(t.TempDir(), "oci")
	if log, err := bx.build(t, dir, "--sbom=true", "--provenance=false", "--target", "app",
		"--build-arg", "BUILDKIT_SBOM_SCAN_STAGE=true", "--output", "type=oci,tar=false,dest="+out); err != nil {
		t.Fatalf("buildx build --sbom=true with BUILDKIT_SBOM_SCAN_STAGE: %v\n%s", err, tail(log, 30))
	}
	l := openLayout(t, out)
	var docs []string
	for _, p := range l.attestations {
		var stmt struct {
			PredicateType string          `json:"predicateType"`
			Predicate     json.RawMessage `json:"predicate"`
		}
		l.readJSON(t, p, &stmt)
		if stmt.PredicateType == "https://spdx.dev/Document" {
			docs = append(docs, string(stmt.Predicate))
		}
	}
	if len(docs) != 2 {
		t.Fatalf("want two SPDX documents (the image and the tools stage), got %d", len(docs))
	}
	joined := strings.Join(docs, "\n")
	if !strings.Contains(joined, `"/copied"`) || !strings.Contains(joined, `"/tool-only"`) || !strings.Contains(joined, `"/bin/busybox"`) {
		t.Errorf("the documents do not list the image's and the stage's files:\n%.3000s", joined)
	}
}
