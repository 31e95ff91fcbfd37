package policy_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/sourcepolicy"
	spb "github.com/moby/buildkit/sourcepolicy/pb"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/policy"
)

const dgst = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

const build = `
policy "strict" {
  registries    = ["localhost:5000"]
  pinned        = true
  deny_latest   = true
  git_hosts     = ["git.example.com"]
  http          = ["https://downloads.example.com/*"]
  http_checksum = true
}
policy "repos" {
  repositories = ["localhost:5000/base/*"]
}
environment "prod" {
  policy = policy.strict
}
environment "repos" {
  policy = policy.repos
}
environment "dev" {}
target "app" {}
`

const lockFile = `
image "localhost:5000/base:1" {
  digest    = "` + dgst + `"
  platforms = ["linux/amd64"]
}
`

// The rules are evaluated by BuildKit's own engine, as buildkitd does at
// solve time, against the sources the static check refuses and allows.
func TestRulesAsBuildKitEvaluatesThem(t *testing.T) {
	fsys := fstest.MapFS{"build.hcl": {Data: []byte(build)}, "build.lock": {Data: []byte(lockFile)}}
	load := func(env string) *lang.Build {
		b, diags := lang.Load(lang.FS(fsys), []string{"build.hcl"}, lang.Options{Env: env})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return b
	}
	for _, tc := range []struct {
		env, id string
		attrs   map[string]string
		allowed bool
		becomes string // the identifier after CONVERT, when it changes
	}{
		{env: "prod", id: "docker-image://localhost:5000/base:1", allowed: true, becomes: "docker-image://localhost:5000/base:1@" + dgst},
		{env: "prod", id: "docker-image://localhost:5000/other:2@" + dgst, allowed: true},
		{env: "prod", id: "docker-image://localhost:5000/other@" + dgst, allowed: true},
		{env: "prod", id: "docker-image://localhost:5000/other:2"},
		{env: "prod", id: "docker-image://docker.io/library/alpine:3.20@" + dgst},
		{env: "prod", id: "docker-image://localhost:5000/other:latest@" + dgst},
		{env: "prod", id: "docker-image://localhost:50000/other:2@" + dgst},
		{env: "prod", id: "git://git.example.com/org/repo.git#v1", allowed: true},
		{env: "prod", id: "git://github.com/org/repo.git#v1"},
		{env: "prod", id: "git://git.example.com.evil.org/org/repo.git"},
		{env: "prod", id: "https://downloads.example.com/tool.tgz", attrs: map[string]string{"http.checksum": dgst}, allowed: true},
		{env: "prod", id: "https://downloads.example.com/tool.tgz"},
		{env: "prod", id: "https://elsewhere.example.com/tool.tgz", attrs: map[string]string{"http.checksum": dgst}},
		{env: "prod", id: "local://context", allowed: true},
		{env: "repos", id: "docker-image://localhost:5000/base/go:1.24", allowed: true},
		{env: "repos", id: "docker-image://localhost:5000/app:1"},
		{env: "dev", id: "docker-image://docker.io/library/alpine:latest", allowed: true},
		{env: "dev", id: "docker-image://localhost:5000/base:1", allowed: true, becomes: "docker-image://localhost:5000/base:1@" + dgst},
	} {
		b := load(tc.env)
		pol := policy.ForBuild(b)
		if pol == nil {
			t.Fatalf("%s: no policy", tc.env)
		}
		op := &pb.SourceOp{Identifier: tc.id, Attrs: tc.attrs}
		_, err := sourcepolicy.NewEngine([]*spb.Policy{pol}).Evaluate(context.Background(), op)
		if allowed := err == nil; allowed != tc.allowed {
			t.Errorf("%s: %s: allowed = %v, want %v (%v)", tc.env, tc.id, allowed, tc.allowed, err)
		}
		want := tc.becomes
		if want == "" {
			want = tc.id
		}
		if err == nil && op.Identifier != want {
			t.Errorf("%s: %s became %s, want %s", tc.env, tc.id, op.Identifier, want)
		}
	}
}
