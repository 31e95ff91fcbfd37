package e2e

import (
	"path/filepath"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
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
	digest := e2eenv.LayoutDigest(t, layout)
	out, _ := build{dir: dir, target: "app", opts: []string{"platform=linux/amd64", "context:base=oci-layout://base@" + digest},
		args: []string{"--oci-layout", "base=" + layout}}.local(t, env)
	if got, want := readFile(t, out, "copy"), id+"\nfrom the layout\n/w"; got != want {
		t.Errorf("/copy = %q, want %q", got, want)
	}
}
