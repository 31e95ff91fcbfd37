package compiler_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/compilertest"
)

const sharedBuild = `
target "gen" {
  from     = "alpine:3.20"
  platform = build_platform
  copy {
    src  = ["schema.json"]
    dest = "/in/"
  }
  run {
    command = "generate /in/schema.json > /out.go"
  }
}

target "cross" {
  from     = "golang:1.23-alpine"
  platform = build_platform
  env      = { GOARCH = target_platform.arch }
  copy {
    from = target.gen
    src  = ["/out.go"]
    dest = "/src/"
  }
  run {
    command = "go build -o /app /src"
  }
}

target "unused" {
  from = "example.com/never-resolved:1"
}
`

var threePlatforms = []ocispecs.Platform{
	platforms.MustParse("linux/amd64"), platforms.MustParse("linux/arm64"), platforms.MustParse("linux/arm/v7"),
}

func compileDefs(t *testing.T, target string, ps []ocispecs.Platform, r *compilertest.Resolver) [][]byte {
	t.Helper()
	b := load(t, []byte(sharedBuild))
	res, diags := compiler.Compile(context.Background(), b, compiler.Request{Targets: []string{target}, Platforms: ps, Resolver: r})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var out [][]byte
	for _, o := range res.Outputs {
		def, err := o.Marshal(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		dt, err := compiler.MarshalDefinition(def)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, dt)
	}
	return out
}

// A build_platform target that does not read target_platform must give
// byte-identical definitions for every target platform, so BuildKit runs
// it once; one that does read it must not.
func TestBuildPlatformTargetIsShared(t *testing.T) {
	defs := compileDefs(t, "gen", threePlatforms, &compilertest.Resolver{})
	for i := 1; i < len(defs); i++ {
		if !bytes.Equal(defs[0], defs[i]) {
			t.Errorf("gen for %s differs from gen for %s", platforms.FormatAll(threePlatforms[i]), platforms.FormatAll(threePlatforms[0]))
		}
	}
	cross := compileDefs(t, "cross", threePlatforms, &compilertest.Resolver{})
	if bytes.Equal(cross[0], cross[1]) {
		t.Error("cross for amd64 and arm64 are identical, but its env reads target_platform")
	}
}

// Each image is resolved once per platform however often it is used, and
// images of targets that are not requested are not resolved at all.
func TestOnlyReachableImagesResolved(t *testing.T) {
	r := &compilertest.Resolver{}
	compileDefs(t, "cross", threePlatforms, r)
	// alpine and golang, each for the build platform only.
	if got := r.Calls.Load(); got != 2 {
		t.Errorf("resolver called %d times, want 2", got)
	}
}

func TestUnknownTarget(t *testing.T) {
	b := load(t, []byte(sharedBuild))
	_, diags := compiler.Compile(context.Background(), b, compiler.Request{Targets: []string{"gne"}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), `Did you mean "gen"?`) {
		t.Fatalf("want an unknown target error with a suggestion, got %v", diags)
	}
}

func TestResultGet(t *testing.T) {
	b := load(t, []byte(sharedBuild))
	res, diags := compiler.Compile(context.Background(), b, compiler.Request{Targets: []string{"gen"}, Platforms: threePlatforms})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	o := res.Get("gen", threePlatforms[2])
	if o == nil || o.Image.Variant != "v7" || o.Image.Architecture != "arm" {
		t.Fatalf("Get(gen, linux/arm/v7) = %+v", o)
	}
	if res.Get("cross", threePlatforms[0]) != nil {
		t.Error("Get returned a target that was not requested")
	}
}

// Without an epoch nothing in the config carries a time; with one, the
// config and every history entry it adds do.
func TestEpoch(t *testing.T) {
	b := load(t, []byte(sharedBuild))
	ctx := context.Background()
	res, diags := compiler.Compile(ctx, b, compiler.Request{Targets: []string{"gen"}, Resolver: &compilertest.Resolver{}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	j, _ := compiler.ImageJSON(res.Outputs[0].Image)
	if strings.Contains(string(j), "created\"") {
		t.Errorf("config has a time without an epoch:\n%s", j)
	}
	epoch := time.Unix(1700000000, 0).UTC()
	res, diags = compiler.Compile(ctx, b, compiler.Request{Targets: []string{"gen"}, Resolver: &compilertest.Resolver{}, Epoch: &epoch})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	img := res.Outputs[0].Image
	if img.Created == nil || !img.Created.Equal(epoch) {
		t.Errorf("created = %v, want %v", img.Created, epoch)
	}
	last := img.History[len(img.History)-1]
	if last.Created == nil || !last.Created.Equal(epoch) {
		t.Errorf("last history entry created = %v, want %v", last.Created, epoch)
	}
}
