package cli_e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// TestBuildContextURL: --build-context NAME=https://... (here plain HTTP on
// loopback, which buildkitd reaches through the host network) gives
// contexts.NAME as the downloaded file, named "context", as buildx and
// the Dockerfile frontend give it.
func TestBuildContextURL(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	body := "downloaded " + runID + "\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(body))
	}))
	defer srv.Close()
	dir := writeFiles(t, map[string]string{"build.hcl": `
target "app" {
  copy {
    from = contexts.notes
    src  = ["context"]
    dest = "/notes.txt"
  }
  output = ["type=local,dest=out"]
}
`})
	r := mustBuild(t, env, dir, nil, "build", "--progress", "plain", "--build-context", "notes="+srv.URL+"/notes.txt")
	got, err := os.ReadFile(filepath.Join(dir, "out", "notes.txt"))
	if err != nil || string(got) != body {
		t.Errorf("notes.txt = %q, %v; want %q\n%s", got, err, body, r.stderr)
	}
	if !strings.Contains(r.stderr, "[context notes] "+srv.URL) {
		t.Errorf("the progress does not name the context's download:\n%s", r.stderr)
	}
}

// TestBuildContextOCILayout: --build-context NAME=oci-layout://PATH[:TAG]
// [@sha256:DIGEST] gives contexts.NAME as the image in a local OCI layout
// (here one this build exported with type=oci,tar=false), its blobs sent
// through the session as buildx sends them: a target built from it has its
// files and its config (env, workdir). Without a digest the layout's only
// image is taken; a directory that is no layout is an error at the line
// that reads the context.
func TestBuildContextOCILayout(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	dir := writeFiles(t, map[string]string{"build.hcl": contextFromBase("from the layout", `output = ["type=oci,tar=false,dest=layout"]`)})
	mustBuild(t, env, dir, nil, "build", "--progress", "plain", "base")
	digest := e2eenv.LayoutDigest(t, filepath.Join(dir, "layout"))
	want := runID + "\nfrom the layout\n/w\n"
	for _, ref := range []string{"oci-layout://layout", "oci-layout://" + filepath.Join(dir, "layout") + "@" + digest} {
		os.RemoveAll(filepath.Join(dir, "out"))
		r := mustBuild(t, env, dir, nil, "build", "--progress", "plain", "app", "--build-context", "base="+ref)
		got, err := os.ReadFile(filepath.Join(dir, "out", "copy"))
		if err != nil || string(got) != want {
			t.Errorf("--build-context base=%s: /copy = %q, %v; want %q\n%s", ref, got, err, want, tail(r.stderr))
		}
		if !strings.Contains(r.stderr, "[context base] OCI load from client") {
			t.Errorf("--build-context base=%s: the progress does not show the layout's load:\n%s", ref, tail(r.stderr))
		}
	}
	r := buildlang(t, env, dir, nil, "build", "app", "--build-context", "base=oci-layout://out")
	if r.code == 0 || !strings.Contains(r.stderr, "on build.hcl line 11") || !strings.Contains(r.stderr, "is not an OCI image layout (no index.json)") {
		t.Errorf("a directory that is no layout: exit %d\n%s", r.code, tail(r.stderr))
	}
}

// TestBuildContextImage: --build-context NAME=docker-image://REF gives
// contexts.NAME as that image, resolved through the daemon as a base image
// is (pinned to its digest): a target built from it has its files and its
// config (env, workdir), as through the frontend, where dockerui gives it.
func TestBuildContextImage(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	ref := env.Registry + "/buildlang-e2e/context-image:" + runID
	dir := writeFiles(t, map[string]string{"build.hcl": contextFromBase("from the image", `tags = ["`+ref+`"]`)})
	mustBuild(t, env, dir, nil, "build", "--push", "--progress", "plain", "base")
	r := mustBuild(t, env, dir, nil, "build", "--progress", "plain", "app", "--build-context", "base=docker-image://"+ref)
	got, err := os.ReadFile(filepath.Join(dir, "out", "copy"))
	if want := runID + "\nfrom the image\n/w\n"; err != nil || string(got) != want {
		t.Errorf("/copy = %q, %v; want %q\n%s", got, err, want, tail(r.stderr))
	}
	if !strings.Contains(r.stderr, ref+"@sha256:") {
		t.Errorf("the pull is not pinned to the resolved digest:\n%s", tail(r.stderr))
	}
}

// contextFromBase is a build file whose target base (GREETING and workdir
// /w in its config, a marker file) is written by baseOutput, and whose
// target app, built from contexts.base, copies the marker, $GREETING and
// its working directory to /copy in out.
func contextFromBase(greeting, baseOutput string) string {
	return `
target "base" {
  from    = "busybox"
  env     = { GREETING = "` + greeting + `" }
  workdir = "/w"
  run { command = "echo ` + runID + ` > /w/marker" }
  ` + baseOutput + `
}

target "app" {
  from = contexts.base
  run { command = "cat marker > /copy && echo $GREETING >> /copy && pwd >> /copy" }
  output = ["type=local,dest=out"]
}
`
}
