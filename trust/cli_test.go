package trust_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
	"github.com/org/buildlang/trust/corpus"
)

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// buildlangBinary builds cmd/buildlang once per test binary.
func buildlangBinary(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "trust-buildlang-")
		if err != nil {
			cliErr = err
			return
		}
		cliPath = filepath.Join(dir, "buildlang")
		cmd := exec.Command("go", "build", "-o", cliPath, "./cmd/buildlang")
		cmd.Dir = corpus.Root()
		if out, err := cmd.CombinedOutput(); err != nil {
			cliErr = err
			t.Logf("%s", out)
		}
	})
	if cliErr != nil {
		t.Fatalf("go build ./cmd/buildlang: %v", cliErr)
	}
	return cliPath
}

// TestCLISecrets builds, with `buildlang build` on the real buildkitd, a
// target mounting a secret from a host environment variable and one from
// a sensitive variable (var = var.TOKEN, set by --var), with markers for
// values. The step sees both (it writes their digest), and neither marker
// appears in stdout, stderr (plain and rawjson progress), the
// --metadata-file, the outputs, `buildlang compile`'s LLB or any file
// left in the directory. (The build command's own TestSecretFromEnv and
// TestInterruptCancelsCleanly, in cli_e2e, cover a secret from the
// environment and cancellation.)
func TestCLISecrets(t *testing.T) {
	env := e2eenv.Require(t)
	bin := buildlangBinary(t)
	fromEnv, fromVar := "ENV-SECRET"+markerTag, "VAR-SECRET"+markerTag
	dir := t.TempDir()
	src := `variable "TOKEN" {
  sensitive = true
}

secret "fromenv" {
  env = "TRUST_SECRET"
}

secret "fromvar" {
  var = var.TOKEN
}

target "app" {
  from     = "busybox"
  no_cache = true
  run {
    command = "cat /run/secrets/fromenv /run/secrets/fromvar | sha256sum | cut -d' ' -f1 > /digest"
    secret "fromenv" {}
    secret "fromvar" {}
  }
  output = ["type=local,dest=out", "type=oci,dest=app.tar"]
}
`
	if err := os.WriteFile(filepath.Join(dir, "build.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "BUILDKIT_HOST="+env.BuildkitHost, "TRUST_SECRET="+fromEnv, "NO_COLOR=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("buildlang %s: %v\n%s\n%s", strings.Join(args, " "), err, stdout.String(), tail(stderr.String(), 30))
		}
		return stdout.String(), stderr.String()
	}
	var outputs []string
	for _, progress := range []string{"plain", "rawjson"} {
		o, e := run("build", "--allow", "env=TRUST_SECRET", "--var", "TOKEN="+fromVar, "--progress", progress, "--metadata-file", "md-"+progress+".json")
		outputs = append(outputs, o, e)
	}
	for _, format := range []string{"llb", "json"} {
		o, e := run("compile", "--var", "TOKEN="+fromVar, "--format", format)
		outputs = append(outputs, o, e)
	}
	// Build records (.buildlang, walked below) and what reads them.
	for _, args := range [][]string{{"why", "--format", "json"}, {"why", "--plan", "--allow", "env=TRUST_SECRET", "--var", "TOKEN=" + fromVar}, {"history", "show", "latest", "--format", "json"}} {
		o, e := run(args...)
		outputs = append(outputs, o, e)
	}

	sum := sha256.Sum256([]byte(fromEnv + fromVar))
	got, err := os.ReadFile(filepath.Join(dir, "out", "digest"))
	if err != nil || strings.TrimSpace(string(got)) != hex.EncodeToString(sum[:]) {
		t.Errorf("the step did not see both secrets: digest %q (%v)", got, err)
	}
	for i, s := range outputs {
		if strings.Contains(s, markerTag) {
			t.Errorf("output %d of buildlang shows a secret:\n%s", i, s)
		}
	}
	files := 0
	err = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		files++
		data, err := os.ReadFile(p)
		if err == nil && bytes.Contains(data, []byte(markerTag)) {
			t.Errorf("%s holds a secret", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("no secret in 2 builds' stdout and stderr, their metadata, the LLB, why, history, or %d files (records included)", files)
}
