package compiler_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/compilertest"
	"github.com/org/buildlang/compiler/dump"
	"github.com/org/buildlang/lang"
)

const lockedDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

// build.lock pins images whether or not there is a resolver to ask: the
// identifiers are name:tag@digest and names keep the tag; with a resolver
// the config is read at the locked digest.
func TestLockPinsImages(t *testing.T) {
	fsys := fstest.MapFS{
		"build.hcl": {Data: []byte(`
target "app" {
  from = "alpine:3.20"
  copy {
    from = image("busybox:1.36")
    src  = ["/bin/busybox"]
    dest = "/bin/"
  }
}
`)},
		"build.lock": {Data: []byte(`
image "docker.io/library/alpine:3.20" {
  digest    = "` + lockedDigest + `"
  platforms = ["linux/amd64"]
}
`)},
	}
	b, diags := lang.Load(lang.FS(fsys), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	amd64 := []ocispecs.Platform{platforms.MustParse("linux/amd64")}
	for _, r := range []*compilertest.Resolver{nil, {}} {
		req := compiler.Request{Platforms: amd64}
		if r != nil {
			req.Resolver = r
		}
		res, diags := compiler.Compile(context.Background(), b, req)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		def, err := res.Outputs[0].Marshal(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		g, err := dump.Load([]dump.Result{{Name: "app", Def: def.ToPB()}})
		if err != nil {
			t.Fatal(err)
		}
		text := dump.Text(g)
		if want := "docker-image://docker.io/library/alpine:3.20@" + lockedDigest; !strings.Contains(text, want) {
			t.Errorf("resolver %v: no %s in\n%s", r != nil, want, text)
		}
		if !strings.Contains(text, "FROM docker.io/library/alpine:3.20\"") {
			t.Errorf("resolver %v: the vertex name should show the tag:\n%s", r != nil, text)
		}
		if strings.Contains(text, "docker-image://docker.io/library/busybox:1.36\n") == (r != nil) {
			t.Errorf("resolver %v: busybox, not locked, should be pinned only by a resolver:\n%s", r != nil, text)
		}
	}
}
