package builder

import (
	"testing"
	"testing/fstest"

	"github.com/containerd/platforms"
	"github.com/google/go-cmp/cmp"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
)

// A target that feeds another is built on the node its dependent is
// built on, per platform (followed through a target not requested);
// independent targets still spread by platform and load.
func TestAssignFeedsWhereNeeded(t *testing.T) {
	b, diags := lang.Load(fstest.MapFS{"build.hcl": {Data: []byte(`
target "base" {
  from      = "busybox:1.35"
  platforms = ["linux/amd64", "linux/arm64"]
}
target "app" {
  from      = target.base
  platforms = ["linux/amd64", "linux/arm64"]
}
target "lib" {
  from      = "busybox:1.35"
  platforms = ["linux/amd64"]
}
target "mid" {
  from      = target.lib
  platforms = ["linux/amd64"]
}
target "svc" {
  from      = target.mid
  platforms = ["linux/amd64"]
}
target "x" {
  from      = "busybox:1.35"
  platforms = ["linux/amd64"]
}
target "y" {
  from      = "busybox:1.35"
  platforms = ["linux/amd64"]
}
`)}}, []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	ps := func(s ...string) []ocispecs.Platform {
		var out []ocispecs.Platform
		for _, x := range s {
			out = append(out, platforms.Normalize(platforms.MustParse(x)))
		}
		return out
	}
	amd := &LiveNode{Node: Node{Name: "amd"}, Workers: ps("linux/amd64", "linux/arm64")}
	amd2 := &LiveNode{Node: Node{Name: "amd2"}, Workers: ps("linux/amd64")}
	arm := &LiveNode{Node: Node{Name: "arm"}, Workers: ps("linux/arm64")}
	nodes := []*LiveNode{amd, amd2, arm}
	got := func(targets []string, split map[string]bool) map[string]string {
		plats := map[string][]ocispecs.Platform{}
		for _, n := range targets {
			plats[n] = b.Target(n).DefaultPlatforms
		}
		a, err := Assign(b, nodes, targets, plats, func(t string) bool { return split[t] })
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, n := range nodes {
			for _, t := range a.Whole[n] {
				out[t] = n.Name
			}
			for t, ps := range a.Parts[n] {
				for _, p := range ps {
					out[t+" "+platforms.Format(p)] = n.Name
				}
			}
		}
		return out
	}
	// svc is placed before lib, which it reads through mid: lib goes to
	// svc's node, where load alone would send it to amd2.
	want := map[string]string{"x": "amd", "y": "amd2", "svc": "amd", "lib": "amd"}
	if d := cmp.Diff(want, got([]string{"lib", "x", "y", "svc"}, nil)); d != "" {
		t.Errorf("Assign (-want +got):\n%s", d)
	}
	// Images pushed by tag: app's platforms go to their native nodes, and
	// base's follow them (load alone would send base's amd64 to amd2).
	want = map[string]string{
		"app linux/amd64": "amd", "app linux/arm64": "arm",
		"base linux/amd64": "amd", "base linux/arm64": "arm",
	}
	if d := cmp.Diff(want, got([]string{"base", "app"}, map[string]bool{"app": true, "base": true})); d != "" {
		t.Errorf("Assign, base and app split (-want +got):\n%s", d)
	}
	// base cannot split (not an image pushed by tag): it goes whole to the
	// one node that runs both its platforms; the arm node builds base's
	// arm64 steps again inside app's part.
	want = map[string]string{"app linux/amd64": "amd", "app linux/arm64": "arm", "base": "amd"}
	if d := cmp.Diff(want, got([]string{"base", "app"}, map[string]bool{"app": true})); d != "" {
		t.Errorf("Assign, app split (-want +got):\n%s", d)
	}
}
