package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// attestBuild reads a secret (and, in the CLI, a sensitive variable feeds
// it): its value must reach neither the SBOM nor the provenance. Beside
// busybox (which syft recognises by its content) the image holds a Go
// program with its build information, BuildKit's Dockerfile frontend from
// the e2e registry's test/dockerfile-frontend (made by mkimage), whose
// modules syft lists as packages.
func attestBuild(env *e2eenv.Env) string {
	return strings.ReplaceAll(`# syntax=org/buildlang
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
  copy {
    from = image("FRONTEND")
    src  = ["/bin/dockerfile-frontend"]
    dest = "/usr/local/bin/"
  }
  run {
    command = "wc -c < /run/secrets/token > /token-length && echo ${var.VERSION} > /version"
    secret "token" {}
  }
}
`, "FRONTEND", env.Ref("test/dockerfile-frontend:latest"))
}

// spdxDocument is what the tests read of an SPDX 2.3 JSON document.
type spdxDocument struct {
	SPDXVersion  string `json:"spdxVersion"`
	Name         string `json:"name"`
	CreationInfo struct {
		Creators []string `json:"creators"`
	} `json:"creationInfo"`
	Packages []spdxPackage `json:"packages"`
	Files    []spdxFile    `json:"files"`
}

type spdxPackage struct {
	Name         string `json:"name"`
	VersionInfo  string `json:"versionInfo"`
	ExternalRefs []struct {
		ReferenceType    string `json:"referenceType"`
		ReferenceLocator string `json:"referenceLocator"`
	} `json:"externalRefs"`
}

type spdxFile struct {
	FileName  string `json:"fileName"`
	Checksums []struct {
		Algorithm     string `json:"algorithm"`
		ChecksumValue string `json:"checksumValue"`
	} `json:"checksums"`
}

// sha256 is the file's SHA-256 checksum, or "".
func (f *spdxFile) sha256() string {
	for _, c := range f.Checksums {
		if c.Algorithm == "SHA256" {
			return c.ChecksumValue
		}
	}
	return ""
}

// spdxDocuments decodes the SPDX predicates among a layout's attestations.
func spdxDocuments(t *testing.T, l *layout) []spdxDocument {
	t.Helper()
	var docs []spdxDocument
	for _, p := range l.attestations {
		var stmt struct {
			PredicateType string          `json:"predicateType"`
			Predicate     json.RawMessage `json:"predicate"`
		}
		l.readJSON(t, p, &stmt)
		if stmt.PredicateType != "https://spdx.dev/Document" {
			continue
		}
		var doc spdxDocument
		if err := json.Unmarshal(stmt.Predicate, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		docs = append(docs, doc)
	}
	return docs
}

// purls are a document's packages' package URLs.
func (d *spdxDocument) purls() []string {
	var out []string
	for _, p := range d.Packages {
		for _, r := range p.ExternalRefs {
			if r.ReferenceType == "purl" {
				out = append(out, r.ReferenceLocator)
			}
		}
	}
	return out
}

// file returns the entry for the file at path (with or without the
// leading slash), or nil.
func (d *spdxDocument) file(path string) *spdxFile {
	for i, f := range d.Files {
		if strings.TrimPrefix(f.FileName, "/") == strings.TrimPrefix(path, "/") {
			return &d.Files[i]
		}
	}
	return nil
}

// moduleVersion reads the version a go.mod requires of module.
func moduleVersion(t *testing.T, gomod, module string) string {
	t.Helper()
	dt, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(dt), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 && f[0] == module {
			return f[1]
		}
	}
	t.Fatalf("%s does not require %s", gomod, module)
	return ""
}

// checkSyftSBOM checks that doc is syft's, the version hack/syft-scanner
// builds (BuildKit's default generator's name serves it in the e2e
// registry), and lists what only syft finds in attestBuild's image:
// busybox's version read from the binary, the Go modules built into the
// Dockerfile frontend, and those files with their SHA-256.
func checkSyftSBOM(t *testing.T, doc spdxDocument) {
	t.Helper()
	tool := "Tool: syft-" + moduleVersion(t, "../hack/syft-scanner/go.mod", "github.com/anchore/syft")
	if doc.SPDXVersion != "SPDX-2.3" || !slices.Contains(doc.CreationInfo.Creators, tool) {
		t.Errorf("the SBOM is %q by %v, want SPDX-2.3 by %q", doc.SPDXVersion, doc.CreationInfo.Creators, tool)
	}
	purls := doc.purls()
	want := []string{
		"pkg:generic/busybox@1.35.0",
		"pkg:golang/github.com/moby/buildkit@" + moduleVersion(t, "../go.mod", "github.com/moby/buildkit"),
	}
	for _, w := range want {
		if !slices.Contains(purls, w) {
			t.Errorf("the SBOM does not list the package %s; its packages: %v", w, purls)
		}
	}
	for _, f := range []string{"/bin/busybox", "/usr/local/bin/dockerfile-frontend"} {
		if e := doc.file(f); e == nil || len(e.sha256()) != 64 {
			t.Errorf("the SBOM does not list %s with its SHA-256: %+v", f, e)
		}
	}
}

// checkAttestations finds, among a layout's attestations, syft's SPDX SBOM
// of the image (checkSyftSBOM) and a SLSA provenance naming build.hcl; no
// blob of the layout holds the secret.
func checkAttestations(t *testing.T, dir, secret string) {
	t.Helper()
	l := openLayout(t, dir)
	docs := spdxDocuments(t, l)
	if len(docs) != 1 {
		t.Fatalf("want one SPDX SBOM among %d attestations, got %d", len(l.attestations), len(docs))
	}
	checkSyftSBOM(t, docs[0])
	provenance := false
	for _, p := range l.attestations {
		var stmt struct {
			PredicateType string          `json:"predicateType"`
			Predicate     json.RawMessage `json:"predicate"`
		}
		l.readJSON(t, p, &stmt)
		if strings.HasPrefix(stmt.PredicateType, "https://slsa.dev/provenance/") {
			if !strings.Contains(string(stmt.Predicate), "build.hcl") {
				t.Errorf("the provenance does not name build.hcl:\n%.2000s", stmt.Predicate)
			}
			provenance = true
		}
	}
	if !provenance {
		t.Fatalf("no SLSA provenance among %d attestations", len(l.attestations))
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
// the e2e registry serves with hack/syft-scanner) itself.
func TestAttestationsCLI(t *testing.T) {
	t.Parallel()
	env := setup(t)
	dir := project(t, map[string]string{"build.hcl": attestBuild(env)})
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
	dir := project(t, map[string]string{"build.hcl": attestBuild(env)})
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
// stage, whose files are the stage's. The generator is named (the e2e
// registry's own name for hack/syft-scanner), and its parameter
// FILE_METADATA=all (BUILDKIT_SCAN_FILE_METADATA for the scanner, as
// docker/buildkit-syft-scanner reads it) makes syft list every file, not
// only those packages own.
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
	attest := "type=sbom,generator=" + env.Ref("test/sbom-scanner:latest") + ",FILE_METADATA=all"
	if log, err := bx.build(t, dir, "--attest", attest, "--provenance=false", "--target", "app",
		"--build-arg", "BUILDKIT_SBOM_SCAN_STAGE=true", "--output", "type=oci,tar=false,dest="+out); err != nil {
		t.Fatalf("buildx build --attest %s with BUILDKIT_SBOM_SCAN_STAGE: %v\n%s", attest, err, tail(log, 30))
	}
	docs := spdxDocuments(t, openLayout(t, out))
	byName := map[string]*spdxDocument{}
	for i := range docs {
		byName[docs[i].Name] = &docs[i]
	}
	app, tools := byName["sbom"], byName["sbom-tools"]
	if len(docs) != 2 || app == nil || tools == nil {
		t.Fatalf("want two SPDX documents, sbom (the image) and sbom-tools (the tools stage), got %d: %v", len(docs), slices.Collect(maps.Keys(byName)))
	}
	// The image is the copied file alone; the stage is busybox and its file.
	if app.file("/copied") == nil || app.file("/tool-only") != nil || app.file("/bin/busybox") != nil || len(app.purls()) != 0 {
		t.Errorf("the image's SBOM lists %+v and packages %v; want /copied alone", app.Files, app.purls())
	}
	if f := tools.file("/tool-only"); f == nil || f.sha256() != sha256Hex("tool\n") || !slices.Contains(tools.purls(), "pkg:generic/busybox@1.35.0") {
		t.Errorf("the stage's SBOM lists %d files (/tool-only: %+v) and packages %v; want /tool-only and busybox 1.35.0", len(tools.Files), f, tools.purls())
	}
}

// sha256Hex is the hex SHA-256 of s.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
