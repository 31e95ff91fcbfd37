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

// Cache exports to one ref warn a build that builds two of the targets
// named (whatever builds them together in check's sets), not a build of
// one of them.
func TestForBuildCacheExportConflict(t *testing.T) {
	const src = `
cache "shared" {
  export = [{ type = "registry", ref = "localhost:5000/app:cache" }]
}

target "a" {
  from  = "alpine:3.20"
  cache = cache.shared
}

target "m" {
  matrix = { v = ["1", "2"] }
  name   = "m-${matrix.v}"
  from   = "alpine:3.20"
  cache  = cache.shared
}

target "other" {
  from = "alpine:3.20"
}
`
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, lang.Options{})
	if len(diags) != 1 || diags[0].Summary != "Cache exports overwrite each other" || diags.HasErrors() {
		t.Fatalf("check: %v; want one warning", diags)
	}
	for _, tc := range []struct {
		targets []string
		want    int
	}{
		{nil, 1}, {[]string{"m"}, 1}, {[]string{"a", "m-2"}, 1},
		{[]string{"a"}, 0}, {[]string{"m-1", "other"}, 0},
	} {
		if got := len(b.ForBuild(diags, tc.targets)); got != tc.want {
			t.Errorf("ForBuild(%q): %d diagnostics; want %d", tc.targets, got, tc.want)
		}
	}
}
