package compiler_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"testing/fstest"

	"github.com/containerd/platforms"
	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/util/entitlements"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/compilertest"
	"github.com/org/buildlang/lang"
)

const needsBuild = `
secret "token" {}
ssh "default" {}

target "deps" {
  from = "busybox"
  run {
    command = "fetch"
    network = "host"
    secret "token" {}
  }
  run {
    command = "fetch again"
    secret "token" {
      required = false
    }
  }
}

target "app" {
  from = "busybox"
  copy {
    from = target.deps
    src  = ["/out"]
    dest = "/"
  }
  copy {
    from = local("assets", [], [])
    src  = ["."]
    dest = "/assets/"
  }
  copy {
    src  = ["main.go"]
    dest = "/src/"
  }
  run {
    command  = "build"
    security = "insecure"
    ssh "default" {
      required = false
    }
    device "vendor.test/fake=dev0" {}
  }
}

target "named" {
  from = contexts.base
}
`

// Needs reports what an output needs, its dependencies' needs included,
// with the steps that need each thing.
func TestNeeds(t *testing.T) {
	b := load(t, []byte(needsBuild))
	amd64 := []ocispecs.Platform{platforms.MustParse("linux/amd64")}
	res, diags := compiler.Compile(context.Background(), b, compiler.Request{
		Targets: []string{"app", "named"}, Platforms: amd64,
		NamedContexts: func(context.Context, string, ocispecs.Platform) (*compiler.NamedContext, error) {
			return &compiler.NamedContext{}, nil
		},
	})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	got := describeNeeds(res.Outputs[0].Needs)
	want := strings.TrimSpace(`
secret token required: [deps linux/amd64 2/3] RUN fetch (build.hcl:7, deps); [deps linux/amd64 3/3] RUN fetch again (build.hcl:12, deps)
ssh default optional: [app linux/amd64 5/5] RUN build (build.hcl:36, app)
entitlement security.insecure required: [app linux/amd64 5/5] RUN build (build.hcl:36, app)
entitlement network.host required: [deps linux/amd64 2/3] RUN fetch (build.hcl:7, deps)
device vendor.test/fake=dev0 optional: [app linux/amd64 5/5] RUN build (build.hcl:36, app)
locals: assets context
named contexts:`)
	if got != want {
		t.Errorf("app needs:\n%s\nwant:\n%s", got, want)
	}
	if got := describeNeeds(res.Outputs[1].Needs); got != "locals: \nnamed contexts: base" {
		t.Errorf("named needs:\n%s", got)
	}
}

// describeNeeds prints needs with each step's vertex name, line and target.
func describeNeeds(n *compiler.Needs) string {
	var b strings.Builder
	line := func(kind string, ns []*compiler.Need) {
		for _, x := range ns {
			req := "optional"
			if x.Required {
				req = "required"
			}
			var steps []string
			for _, s := range x.Steps {
				steps = append(steps, fmt.Sprintf("%s (%s:%d, %s)", s.Name, s.Range.Filename, s.Range.Start.Line, s.Target))
			}
			fmt.Fprintf(&b, "%s %s %s: %s\n", kind, x.Name, req, strings.Join(steps, "; "))
		}
	}
	line("secret", n.Secrets)
	line("ssh", n.SSH)
	line("entitlement", n.Entitlements)
	line("device", n.Devices)
	fmt.Fprintf(&b, "locals: %s\nnamed contexts: %s", strings.Join(slices.Sorted(slices.Values(n.Locals)), " "), strings.Join(n.NamedContexts, " "))
	return strings.TrimSpace(b.String())
}

// A base image without the platform asked for is a warning at its from
// line, as the Dockerfile frontend's InvalidBaseImagePlatform.
func TestBaseImagePlatformMismatch(t *testing.T) {
	b := load(t, []byte(`
target "app" {
  from = "example.com/amd64-only:1"
}
`))
	for plat, want := range map[string]bool{"linux/amd64": false, "linux/arm64": true} {
		_, diags := compiler.Compile(context.Background(), b, compiler.Request{
			Platforms: []ocispecs.Platform{platforms.MustParse(plat)}, Resolver: &compilertest.Resolver{}})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		if !want {
			if len(diags) > 0 {
				t.Errorf("%s: %v", plat, diags)
			}
			continue
		}
		if len(diags) != 1 || compiler.WarningKind(diags[0]) != compiler.WarnBaseImagePlatform || diags[0].Subject.Start.Line != 3 ||
			!strings.Contains(diags[0].Detail, `pulled with platform "linux/amd64", expected "linux/arm64"`) {
			t.Errorf("%s: %v", plat, diags)
		}
		if got := compiler.WarningLine(diags[0]); got != "base-image-platform: Base image platform mismatch (build.hcl:3)" {
			t.Errorf("WarningLine = %q", got)
		}
	}
}

// Under a policy with base_platform = true, the same base image is an
// error at its from line naming the policy, not a warning; in another
// environment it stays a warning.
func TestBaseImagePlatformPolicy(t *testing.T) {
	src := []byte(`
policy "strict" {
  base_platform = true
}
environment "dev" {}
environment "prod" {
  policy = policy.strict
}
target "app" {
  from = "example.com/amd64-only:1"
}
`)
	arm := []ocispecs.Platform{platforms.MustParse("linux/arm64")}
	for env, wantErr := range map[string]bool{"prod": true, "dev": false} {
		b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: src}}), []string{"build.hcl"}, lang.Options{Env: env})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		res, diags := compiler.Compile(context.Background(), b, compiler.Request{Platforms: arm, Resolver: &compilertest.Resolver{}})
		if len(diags) != 1 || diags[0].Subject.Start.Line != 10 {
			t.Fatalf("%s: %v", env, diags)
		}
		d := diags[0]
		if !wantErr {
			if d.Severity != hcl.DiagWarning || compiler.WarningKind(d) != compiler.WarnBaseImagePlatform {
				t.Errorf("%s: %v", env, d)
			}
			continue
		}
		info := lang.DiagInfoOf(d)
		if d.Severity != hcl.DiagError || res != nil || info == nil || info.Kind != lang.KindPolicyViolation ||
			!slices.Equal(info.Names, []string{"strict", "prod"}) ||
			!strings.Contains(d.Detail, `"example.com/amd64-only:1" has no linux/arm64 image, only linux/amd64`) {
			t.Errorf("%s: %v (Extra %+v), result %v", env, d, info, res != nil)
		}
	}
}

// lang spells the entitlements as BuildKit does.
func TestEntitlementNames(t *testing.T) {
	if compiler.EntitlementNetworkHost != entitlements.EntitlementNetworkHost.String() ||
		compiler.EntitlementSecurityInsecure != entitlements.EntitlementSecurityInsecure.String() ||
		compiler.EntitlementDevice != entitlements.EntitlementDevice.String() {
		t.Errorf("entitlement names %q, %q, %q differ from BuildKit's", compiler.EntitlementNetworkHost, compiler.EntitlementSecurityInsecure, compiler.EntitlementDevice)
	}
}

// Output.Steps names every vertex of the definition that the compiler
// named as a step (a source read by a step carries the step's name), and
// nothing else but FROM steps whose pull is shared with another target's
// (the same op, one vertex): a client counts and finds steps by them
// without reading the LLB.
func TestOutputSteps(t *testing.T) {
	b := load(t, []byte(needsBuild+`
target "linked" {
  from = "alpine"
  copy {
    from = target.app
    src  = ["/src"]
    dest = "/"
    link = true
  }
  copy {
    from = git("https://example.com/r.git")
    src  = ["."]
    dest = "/r/"
  }
}
`))
	res, diags := compiler.Compile(context.Background(), b, compiler.Request{
		Targets: []string{"linked", "named"}, Platforms: []ocispecs.Platform{platforms.MustParse("linux/amd64"), platforms.MustParse("linux/arm64")},
		Resolver: &compilertest.Resolver{},
		NamedContexts: func(context.Context, string, ocispecs.Platform) (*compiler.NamedContext, error) {
			return &compiler.NamedContext{}, nil
		},
	})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, o := range res.Outputs {
		def, err := o.Marshal(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		named := map[string]bool{}
		for _, m := range def.Metadata {
			if n := m.Description["llb.customname"]; strings.HasPrefix(n, "[") && !strings.HasPrefix(n, "[internal]") {
				named[n] = true
				if !slices.Contains(o.Steps, n) {
					t.Errorf("%s %s: vertex %q is not in Steps", o.Target, platforms.Format(o.Platform), n)
				}
			}
		}
		for _, s := range o.Steps {
			if !named[s] && !strings.Contains(s, "] FROM ") {
				t.Errorf("%s %s: step %q names no vertex", o.Target, platforms.Format(o.Platform), s)
			}
		}
	}
	if got := len(res.Get("linked", platforms.MustParse("linux/arm64")).Steps); got != 3+4+5 {
		t.Errorf("linked has %d steps, want 12 (3 of deps, 5 of app, 3 of its own and the LINK of its copy)", got)
	}
}
