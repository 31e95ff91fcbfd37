package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSecret gives a secret with --secret id=tok,src=FILE and checks that
// its RUN steps read it (as a file and as an environment variable) while
// its value is in none of: the image's blobs (compressed and not), its
// config and history, the LLB that `buildlang compile` prints, the LLB the
// frontend solved (recorded by BuildKit in max provenance), and buildctl's
// rawjson and plain progress output.
func TestSecret(t *testing.T) {
	t.Parallel()
	env := setup(t)
	value := "tok-" + nonce(t) + "-" + nonce(t)
	secretFile := filepath.Join(t.TempDir(), "tok")
	if err := os.WriteFile(secretFile, []byte(value), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(value))
	wantSum := hex.EncodeToString(sum[:])

	// Secret values are not part of BuildKit's cache keys: the nonce makes
	// the steps new, so they read this run's value.
	dir := project(t, map[string]string{"build.hcl": `
variable "NONCE" {
  default = "` + nonce(t) + `"
}

secret "tok" {
  description = "A token."
}

target "s" {
  from = "busybox"
  run {
    command = "echo ${var.NONCE} && sha256sum /run/secrets/tok | cut -d' ' -f1 > /tok.sha"
    secret "tok" {}
  }
  run {
    command = "echo ${var.NONCE} && printf %s \"$TOK\" | wc -c > /tok.len"
    secret "tok" {
      env = "TOK"
    }
  }
}
`})
	b := build{
		dir:      dir,
		progress: "rawjson",
		args:     []string{"--secret", "id=tok,src=" + secretFile},
		opts:     []string{"attest:provenance=mode=max"},
	}
	l, rawjson := b.oci(t, env)

	leaks := func(what string, data []byte) {
		t.Helper()
		for _, form := range []string{value, base64.StdEncoding.EncodeToString([]byte(value))} {
			if bytes.Contains(data, []byte(form)) {
				t.Errorf("the secret's value is in %s", what)
			}
		}
	}

	img := l.image(t, "linux/amd64")
	if got := img.mustFile(t, "tok.sha"); got != wantSum {
		t.Errorf("sha256 of /run/secrets/tok in the step = %q, want %q", got, wantSum)
	}
	if got := img.mustFile(t, "tok.len"); got != strconv.Itoa(len(value)) {
		t.Errorf("length of $TOK in the step = %q, want %d", got, len(value))
	}
	if _, ok := img.file(t, "run/secrets/tok"); ok {
		t.Errorf("the image holds /run/secrets/tok")
	}

	// Every blob: manifests, configs, layers (also decompressed), attestations.
	blobs := l.allBlobs(t)
	if len(blobs) < 5 {
		t.Fatalf("only %d blobs in the layout", len(blobs))
	}
	sawSum := false // the scan must see into layers: it finds what the step wrote
	for _, p := range blobs {
		for _, data := range blobContents(t, p) {
			leaks("blob "+filepath.Base(p), data)
			sawSum = sawSum || bytes.Contains(data, []byte(wantSum))
		}
	}
	if !sawSum {
		t.Errorf("scanning the blobs did not find the step's output %s", wantSum)
	}
	cfg, _ := json.Marshal(img.Config)
	leaks("the image config", cfg)
	hist, _ := json.Marshal(img.Config.History)
	leaks("the image history", hist)
	if !strings.Contains(string(hist), "/run/secrets/tok") {
		t.Errorf("the history does not show the step reading the secret: %s", hist)
	}

	// The LLB the frontend solved, as BuildKit recorded it.
	llb := provenanceLLB(t, l)
	if !strings.Contains(string(llb), `"ID":"tok"`) {
		t.Errorf("the solved LLB has no secret mount with id tok: %s", llb)
	}
	leaks("the LLB the frontend solved", llb)

	// The LLB the CLI compiles.
	cmd := exec.Command(buildlangCLI(t), "compile", "--format", "llb", "--target", "s", "--platform", "linux/amd64")
	cmd.Dir = dir
	def, err := cmd.Output()
	if err != nil {
		t.Fatalf("buildlang compile: %v", err)
	}
	if !bytes.Contains(def, []byte("tok")) {
		t.Errorf("buildlang compile's LLB has no secret id tok")
	}
	leaks("buildlang compile --format llb", def)

	// Progress output, also of a run that executes the steps again.
	if !strings.Contains(rawjson, `"vertexes"`) {
		t.Fatalf("not rawjson progress: %s", tail(rawjson, 5))
	}
	leaks("buildctl --progress=rawjson output", []byte(rawjson))
	b.progress, b.opts = "plain", nil
	b.args = append(b.args, "--no-cache")
	plain := b.must(t, env)
	if v := findVertex(t, stepVertices(plain, "s"), "RUN", "tok.len"); v.Cached {
		t.Errorf("the --no-cache build did not run the step")
	}
	leaks("buildctl --progress=plain output", []byte(plain))
}

// provenanceLLB returns the LLB definition recorded in the layout's SLSA
// provenance (attest:provenance=mode=max).
func provenanceLLB(t *testing.T, l *layout) []byte {
	t.Helper()
	for _, p := range l.attestations {
		var st struct {
			PredicateType string `json:"predicateType"`
			Predicate     struct {
				BuildDefinition struct {
					InternalParameters struct {
						BuildConfig struct {
							LLBDefinition json.RawMessage `json:"llbDefinition"`
						} `json:"buildConfig"`
					} `json:"internalParameters"`
				} `json:"buildDefinition"`
			} `json:"predicate"`
		}
		l.readJSON(t, p, &st)
		if def := st.Predicate.BuildDefinition.InternalParameters.BuildConfig.LLBDefinition; len(def) > 0 {
			return def
		}
	}
	t.Fatalf("no provenance with an llbDefinition among %d attestation blobs", len(l.attestations))
	return nil
}
