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
