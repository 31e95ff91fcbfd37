package cli_e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/org/buildlang/internal/e2eenv"
)

// Two builds with the same SOURCE_DATE_EPOCH, each on a fresh private
// daemon (daemonless mode: empty state, no cache), give the same image
// digest: the config's times are the epoch and BuildKit rewrites the layer
// timestamps of the run and file steps (rewrite-timestamp). A third build
// with another epoch differs, so the comparison can fail.
func TestSourceDateEpochReproducible(t *testing.T) {
	t.Parallel()
	env := e2eenv.Require(t)
	dir := writeFiles(t, map[string]string{"build.hcl": `
environment "release" {
  source_date_epoch = 1700000000
}

target "app" {
  from = "busybox:1.35"
  run {
    command = "mkdir -p /out && echo built > /out/a && sleep 1.1 && touch /out/b"
  }
  file {
    path    = "/out/c"
    content = "c"
  }
}
`, "msg.txt": "m\n"})
	denv := daemonlessEnv(t, env)
	build := func(name string, args ...string) (string, []byte) {
		out := filepath.Join(dir, name+".tar")
		mustBuild(t, env, dir, denv, append([]string{"build", "--progress", "plain", "-o", "type=oci,dest=" + out}, args...)...)
		blobs := ociBlobs(t, out)
		var top struct{ Manifests []struct{ Digest string } }
		if err := json.Unmarshal(blobs["index.json"], &top); err != nil || len(top.Manifests) != 1 {
			t.Fatalf("%s: index.json: %v %s", name, err, blobs["index.json"])
		}
		var m struct{ Config struct{ Digest string } }
		if err := json.Unmarshal(blobs[top.Manifests[0].Digest], &m); err != nil {
			t.Fatal(err)
		}
		return top.Manifests[0].Digest, blobs[m.Config.Digest]
	}
	one, config := build("one", "--env", "release")
	two, _ := build("two", "--source-date-epoch", "1700000000")
	if one != two {
		t.Errorf("the same SOURCE_DATE_EPOCH on two fresh daemons gave %s and %s", one, two)
	}
	if !strings.Contains(string(config), `"created":"2023-11-14T22:13:20Z"`) {
		t.Errorf("the config's created time is not the epoch:\n%s", config)
	}
	if other, _ := build("other", "--env", "release", "--source-date-epoch", "1700000100"); other == one {
		t.Errorf("another epoch gave the same digest %s", other)
	}
}
