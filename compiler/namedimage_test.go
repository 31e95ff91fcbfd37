package compiler_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/solver/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/compilertest"
	"github.com/org/buildlang/lang"
)

// A named context given as an image reference (NamedContext.Ref, the
// CLI's docker-image://REF) is resolved and pulled as from = "REF" is:
// the pull is pinned to the resolver's digest and a target built from it
// starts with the image's config, as through the frontend (dockerui).
func TestNamedContextImageRef(t *testing.T) {
	src := []byte(`
target "app" {
  from = contexts.base
  run { command = "nginx -t" }
}
`)
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: src}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	res, diags := compiler.Compile(context.Background(), b, compiler.Request{
		Platforms: []ocispecs.Platform{platforms.MustParse("linux/amd64")},
		Resolver:  &compilertest.Resolver{},
		NamedContexts: func(_ context.Context, name string, _ ocispecs.Platform) (*compiler.NamedContext, error) {
			if name != "base" {
				return nil, nil
			}
			return &compiler.NamedContext{Ref: "nginx:1.27"}, nil
		},
	})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	out := res.Outputs[0]
	if out.Image == nil || !slices.Contains(out.Image.Config.Env, "NGINX_VERSION=1.27.3") {
		t.Errorf("the image config is not the context image's: %+v", out.Image)
	}
	def, err := out.Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var pulls []string
	for _, dt := range def.Def {
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			t.Fatal(err)
		}
		if s := op.GetSource(); s != nil && strings.HasPrefix(s.Identifier, "docker-image://") {
			pulls = append(pulls, s.Identifier)
		}
	}
	if len(pulls) != 1 || !strings.HasPrefix(pulls[0], "docker-image://docker.io/library/nginx:1.27@sha256:") {
		t.Errorf("pulls %v; want nginx:1.27 pinned to a digest", pulls)
	}
}
