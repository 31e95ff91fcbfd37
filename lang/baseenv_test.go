package lang

import (
	"slices"
	"testing"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestScanTargetSkipIsExact checks that scanTarget, skipping the walk of
// blocks whose text mayTraverse rules out, finds what the walk finds, for
// every target block of the test files.
func TestScanTargetSkipIsExact(t *testing.T) {
	extra := []byte(`target "a" { from = target.b }
target "b" {
  copy {
    from = target ["c"]
    src  = ["x"]
  }
}
target "c" { env = { X = "${base.env.PATH}:x" } }
target "d" {
  run {
    command = "x"
    mounts  = [mounts . set]
  }
}
target "e" { args = { A = -target.x } }
target "f" {
  run {
    command = "x"
    secret "s" { target = "/x" }
  }
}
target "g" { cmd = [x-target.y] }
target "h" { labels = { a = target/*c*/.x } }
target "i" { labels = { a = target
  .x } }
target "j" { workdir = "target.x is text" }
`)
	skipped, walked := 0, 0
	for _, src := range testSources(t, extra) {
		f, _ := Parse(src, "build.hcl")
		body := f.Body.(*hclsyntax.Body)
		for _, b := range body.Blocks {
			if b.Type != "target" || len(b.Labels) != 1 {
				continue
			}
			blk := b.AsHCLBlock()
			fast, _ := decodeTargetDecl(b.Labels[0], blk, f.Bytes)
			slow, _ := decodeTargetDecl(b.Labels[0], blk, nil)
			if !slices.Equal(fast.targetRefs, slow.targetRefs) || !slices.Equal(fast.mountSetRefs, slow.mountSetRefs) || !fast.base.RawEquals(slow.base) {
				t.Errorf("%v: scanning %v %v %#v, walking %v %v %#v", b.DefRange(),
					fast.targetRefs, fast.mountSetRefs, fast.base, slow.targetRefs, slow.mountSetRefs, slow.base)
			}
			if text, ok := blockText(blk, f.Bytes); ok && !mayTraverse(text, "target", "mounts", "base") {
				skipped++
			} else {
				walked++
			}
		}
	}
	if skipped < 20 || walked < 20 {
		t.Fatalf("%d blocks skipped, %d walked: the cases test too little", skipped, walked)
	}
}

func TestMayTraverse(t *testing.T) {
	for text, want := range map[string]bool{
		`target.x`: true, `target ["x"]`: true, "target\n  .x": true, `-target.x`: true, `a-target.x`: true,
		`target/*c*/.x`: true, `target # c`: true, `target`: true, `"${target.x}"`: true,
		`target = "/x"`: false, `target_platform.os`: false, `xtarget.y`: false, `target-x.y`: false,
		`target == x`: false, `"target"`: false,
	} {
		if got := mayTraverse([]byte(text), "target"); got != want {
			t.Errorf("mayTraverse(%q) = %v, want %v", text, got, want)
		}
	}
}
