package compiler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/lang"
)

// A named context the client gives as LLB (buildx's input: contexts) is
// read for its steps' modes: under a policy denying network = "host" or
// security = "insecure", one with such a step is an error at the
// contexts.NAME reference; an image context, or any context without a
// policy, compiles.
func TestNamedContextDeniedModes(t *testing.T) {
	src := []byte(`policy "strict" {
  deny_network  = ["host"]
  deny_security = ["insecure"]
}

environment "dev" {}

environment "prod" {
  policy = policy.strict
}

target "app" {
  from = contexts.base
}
`)
	base := llb.Image("busybox:1.35")
	contexts := map[string]llb.State{
		"image":    base,
		"host":     base.Run(llb.Shlex("ip addr"), llb.Network(llb.NetModeHost)).Root(),
		"insecure": base.Run(llb.Shlex("mount"), llb.Security(llb.SecurityModeInsecure)).Root(),
	}
	for _, c := range []struct{ env, context, want string }{
		{"prod", "image", ""},
		{"prod", "host", `build.hcl:13: Network mode not allowed: Policy strict refuses run steps with network = "host"; contexts.base`},
		{"prod", "insecure", `build.hcl:13: Security mode not allowed: Policy strict refuses run steps with security = "insecure"; contexts.base`},
		{"dev", "host", ""},
		{"dev", "insecure", ""},
	} {
		b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: src}}), []string{"build.hcl"}, lang.Options{Env: c.env})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		_, diags = compiler.Compile(context.Background(), b, compiler.Request{
			Platforms: []ocispecs.Platform{platforms.MustParse("linux/amd64")},
			NamedContexts: func(context.Context, string, ocispecs.Platform) (*compiler.NamedContext, error) {
				return &compiler.NamedContext{State: contexts[c.context]}, nil
			},
		})
		var got []string
		for _, d := range diags {
			got = append(got, fmt.Sprintf("%s:%d: %s: %s", d.Subject.Filename, d.Subject.Start.Line, d.Summary, d.Detail))
		}
		all := strings.Join(got, "\n")
		if c.want == "" && len(got) > 0 || c.want != "" && (len(got) != 1 || !strings.HasPrefix(all, c.want)) {
			t.Errorf("%s, %s context:\n%s\nwant: %s", c.env, c.context, all, c.want)
		}
	}
}
