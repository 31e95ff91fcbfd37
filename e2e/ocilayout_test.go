package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestOCILayoutContext: the frontend takes a named context from an OCI
// layout on the client as buildx sends it (buildctl --oci-layout
// NAME=DIR --opt context:NAME=oci-layout://NAME@DIGEST): a target built
// from contexts.NAME has the layout image's files and config, as
// `buildlang build --build-context NAME=oci-layout://DIR` gives them
// (cli_e2e TestBuildContextOCILayout).
func TestOCILayoutContext(t *testing.T) {
	t.Parallel()
	env := setup(t)
	id := nonce(t)
	dir := project(t, map[string]string{"build.hcl": `target "base" {
  from    = "busybox"
  env     = { GREETING = "from the layout" }
  workdir = "/w"
  run { command = "echo ` + id + ` > /w/marker" }
}

target "app" {
  from = contexts.base
  run { command = "cat marker > /copy && echo $GREETING >> /copy && pwd >> /copy" }
}
`})
	layout := filepath.Join(t.TempDir(), "layout")
	build{dir: dir, target: "base", opts: []string{"platform=linux/amd64"}, output: "type=oci,tar=false,dest=" + layout}.must(t, env)
	idx, err := os.ReadFile(filepath.Join(layout, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index struct {
		Manifests []struct{ Digest string } `json:"manifests"`
	}
	if err := json.Unmarshal(idx, &index); err != nil || len(index.Manifests) != 1 {
		t.Fatalf("index.json: %v\n%s", err, idx)
	}
	out, _ := build{dir: dir, target: "app", opts: []string{"platform=linux/amd64", "context:base=oci-layout://base@" + index.Manifests[0].Digest},
		args: []string{"--oci-layout", "base=" + layout}}.local(t, env)
	if got, want := readFile(t, out, "copy"), id+"\nfrom the layout\n/w"; got != want {
		t.Errorf("/copy = %q, want %q", got, want)
	}
}
