package lang_test

import (
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
)

const siblingsBuild = `
target "a" {
  from   = "alpine:3.20"
  output = ["type=tar,dest=./out"]
}

target "b" {
  from   = "alpine:3.20"
  output = ["type=local,dest=out"]
}

target "app" {
  from = "alpine:3.20"
}

target "m" {
  matrix = { v = ["1", "2"] }
  name   = "m-${matrix.v}"
  from   = "alpine:3.20"
  output = ["type=oci,dest=m.tar"]
}

group "default" {
  targets = [target.app, target.a, target.b]
}

group "pair" {
  targets = [target.a, target.b]
}
`

// A build refuses two targets writing one dest only when it builds both:
// ForBuild keeps check's diagnostics for the default build, a group or a
// matrix target holding both, and drops them for a build of one of them
// or of a sibling.
func TestForBuildComparesOnlyTheBuiltTargets(t *testing.T) {
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(siblingsBuild)}}), []string{"build.hcl"}, lang.Options{})
	conflicts := func(ds hcl.Diagnostics) (pairs [][2]string) {
		for _, d := range ds {
			if info := lang.DiagInfoOf(d); info != nil && info.What == "output dest" {
				pairs = append(pairs, [2]string{info.Names[0], info.Names[1]})
			}
		}
		return pairs
	}
	if got := conflicts(diags); len(got) != 2 || got[0] != [2]string{"b", "a"} || got[1] != [2]string{"m-2", "m-1"} {
		t.Fatalf("check: conflicts %v; want b/a and m-2/m-1\n%v", got, diags)
	}
	for _, tc := range []struct {
		targets []string
		want    int
	}{
		{nil, 1}, // the default group: a and b, not m
		{[]string{"default"}, 1},
		{[]string{"pair"}, 1},
		{[]string{"a", "b"}, 1},
		{[]string{"m"}, 1},
		{[]string{"app"}, 0},
		{[]string{"a"}, 0},
		{[]string{"m-1", "app"}, 0},
		{[]string{"nosuch"}, 2}, // not expanded: left as they are
	} {
		ds := b.ForBuild(diags, tc.targets)
		if got := conflicts(ds); len(got) != tc.want {
			t.Errorf("ForBuild(%q): conflicts %v; want %d", tc.targets, got, tc.want)
		}
		if len(ds) != len(diags)-(2-tc.want) {
			t.Errorf("ForBuild(%q) dropped other diagnostics: %v", tc.targets, ds)
		}
	}
}
