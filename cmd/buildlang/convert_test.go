package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func convertRun(t *testing.T, args ...string) (err error, stdout, stderr string) {
	t.Helper()
	cmd := rootCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(append([]string{"convert"}, args...))
	err = cmd.Execute()
	return err, out.String(), errOut.String()
}

// TestConvertCommand: -o writes the build file (and the Dockerfile's own
// .dockerignore next to it), warnings go to stderr with the Dockerfile's
// line, a bad Dockerfile is an error that writes nothing, and a bake file
// converts with the Dockerfiles it names.
func TestConvertCommand(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"Dockerfile":              "FROM busybox:1.36\nADD --keep-git-dir=true https://github.com/moby/buildkit.git /src\n",
		"Dockerfile.dockerignore": "*.log\n",
		"bad/Dockerfile":          "RUN echo no from\n",
		"docker-bake.hcl":         "group \"default\" {\n  targets = [\"app\"]\n}\ntarget \"app\" {\n  tags = [\"app:1\"]\n}\n",
	})
	out := filepath.Join(dir, "build.hcl")
	err, stdout, stderr := convertRun(t, "-o", out, filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if stdout != "" {
		t.Errorf("stdout with -o: %q", stdout)
	}
	if !strings.Contains(stderr, "Dockerfile:2: ADD --keep-git-dir") {
		t.Errorf("no warning with the Dockerfile's line on stderr:\n%s", stderr)
	}
	src, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(src), `from = git("https://github.com/moby/buildkit.git")`) || !strings.Contains(string(src), "# convert: ") {
		t.Errorf("build.hcl: %v\n%s", err, src)
	}
	if ig, err := os.ReadFile(out + ".dockerignore"); err != nil || string(ig) != "*.log\n" {
		t.Errorf("build.hcl.dockerignore: %v %q", err, ig)
	}

	badOut := filepath.Join(dir, "bad.hcl")
	if err, _, _ := convertRun(t, "-o", badOut, filepath.Join(dir, "bad", "Dockerfile")); err == nil || !strings.Contains(err.Error(), "Dockerfile:1: ") || !strings.Contains(err.Error(), "starts with FROM") {
		t.Errorf("a Dockerfile without FROM: %v", err)
	}
	if _, err := os.Stat(badOut); !os.IsNotExist(err) {
		t.Errorf("a failed conversion wrote %s (%v)", badOut, err)
	}

	err, stdout, _ = convertRun(t, filepath.Join(dir, "docker-bake.hcl"))
	if err != nil || !strings.Contains(stdout, `tags = ["app:1"]`) || !strings.Contains(stdout, "targets = [target.app]") {
		t.Errorf("bake: %v\n%s", err, stdout)
	}
}
