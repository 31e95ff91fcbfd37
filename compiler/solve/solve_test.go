package solve

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
)

// Annotations are result metadata the image exporters read: for one
// platform without one, for several per platform.
func TestAddAnnotations(t *testing.T) {
	res := gateway.NewResult()
	addAnnotations(res, map[string]map[string]string{"linux/amd64": {"k": "v"}})
	if string(res.Metadata["annotation-manifest.k"]) != "v" {
		t.Errorf("one platform: %v", res.Metadata)
	}
	res = gateway.NewResult()
	addAnnotations(res, map[string]map[string]string{"linux/amd64": {"k": "a"}, "linux/arm64": {"k": "b"}})
	if string(res.Metadata["annotation-manifest[linux/amd64].k"]) != "a" || string(res.Metadata["annotation-manifest[linux/arm64].k"]) != "b" {
		t.Errorf("two platforms: %v", res.Metadata)
	}
}

// A cache policy's entry: its type apart, a local cache's relative
// directories under the policy's file's directory.
func TestCacheEntry(t *testing.T) {
	for _, c := range []struct {
		m    map[string]string
		want gateway.CacheOptionsEntry
	}{
		{map[string]string{"type": "local", "src": ".cache", "tag": "x"}, gateway.CacheOptionsEntry{Type: "local", Attrs: map[string]string{"src": "ci/.cache", "tag": "x"}}},
		{map[string]string{"type": "local", "dest": "/abs", "mode": "max"}, gateway.CacheOptionsEntry{Type: "local", Attrs: map[string]string{"dest": "/abs", "mode": "max"}}},
		{map[string]string{"type": "registry", "ref": "r.example/app:cache", "src": "kept"}, gateway.CacheOptionsEntry{Type: "registry", Attrs: map[string]string{"ref": "r.example/app:cache", "src": "kept"}}},
	} {
		if d := cmp.Diff(c.want, CacheEntry(c.m, "ci")); d != "" {
			t.Errorf("CacheEntry(%v) (-want +got):\n%s", c.m, d)
		}
	}
}
