package e2eenv

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// HostNetworkPolicyProject is the build.hcl both suites build to check a
// policy denying network = "host": target app's run block (line 13) is a
// host-network step that writes /netdev-MARKER; prod applies
// policy.strict, which denies it; dev applies no policy, so the step
// reaches BuildKit.
func HostNetworkPolicyProject(marker string) string {
	return fmt.Sprintf(`policy "strict" {
  deny_network = ["host"]
}

environment "dev" {}

environment "prod" {
  policy = policy.strict
}

target "app" {
  from = "busybox:1.35"
  run {
    command = "cat /proc/net/dev > /netdev-%s"
    network = "host"
  }
}
`, marker)
}

// LayoutDigest is the digest of the only manifest in the OCI layout at
// dir (its index.json); the test fails if the layout does not hold
// exactly one.
func LayoutDigest(t testing.TB, dir string) string {
	t.Helper()
	idx, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index struct {
		Manifests []struct{ Digest string } `json:"manifests"`
	}
	if err := json.Unmarshal(idx, &index); err != nil || len(index.Manifests) != 1 {
		t.Fatalf("index.json: %v\n%s", err, idx)
	}
	return index.Manifests[0].Digest
}
