package frontend

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	spb "github.com/moby/buildkit/sourcepolicy/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/attest"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/solve"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/policy"
)

// build compiles the target once per platform and solves each, letting
// dockerui assemble a single or multi-platform result with image configs.
func build(ctx context.Context, c client.Client, bc *dockerui.Client, b *lang.Build, t *lang.Target, sm sourceMaps, w *warner) (*client.Result, error) {
	if len(bc.TargetPlatforms) == 0 {
		bc.TargetPlatforms = t.DefaultPlatforms
		bc.MultiPlatformRequested = len(t.DefaultPlatforms) > 1
	}
	if p := b.Policy(b.Env.Policy); p != nil && len(p.SignedBy) > 0 {
		// The frontend cannot reach registries to read signatures: refusing
		// is the only answer that does not build unverified bases.
		return nil, fmt.Errorf("policy %s of environment %q requires signed images (signed_by); the frontend cannot verify signatures, so build it with `buildlang build --env %s`, which verifies them before the solve", p.Name, b.Env.Name, b.Env.Name)
	}
	req, err := compileRequest(ctx, c, bc, t, sm)
	if err != nil {
		return nil, err
	}
	if req.Epoch, err = sourceDateEpoch(ctx, bc, b); err != nil {
		return nil, err
	}
	// attest:sbom (buildx --sbom), else the target's attest, runs the
	// generator over each platform's result, as the Dockerfile frontend
	// does; BuildKit itself records provenance for attest:provenance,
	// which only the client can ask for.
	scanner, err := attest.NewScanner(ctx, c, sbomAttrs(c.BuildOpts().Opts, b, t, bc.TargetPlatforms), b.BuildPlatform)
	if err != nil {
		return nil, err
	}
	opts := solve.Options{
		Output: func(ctx context.Context, p ocispecs.Platform) (*compiler.Output, error) {
			r := req
			r.Platforms = []ocispecs.Platform{p}
			res, diags := compiler.Compile(ctx, b, r)
			if diags.HasErrors() {
				return nil, diagnosticsError(diags, sm)
			}
			out := res.Outputs[0]
			w.diagnostics(ctx, diags)
			w.diagnostics(ctx, cacheWarnings(b, []*lang.TargetSpec{out.Spec}))
			return out, nil
		},
		CacheImports:        func(out *compiler.Output) []client.CacheOptionsEntry { return policyImports(b, out.Spec) },
		SourcePolicies:      sourcePolicies(b),
		Epoch:               req.Epoch,
		Scanner:             scanner,
		ManifestAnnotations: true,
	}
	if scanner != nil && scanStages(bc) {
		opts.ScanExtras = func(ctx context.Context, p ocispecs.Platform) (map[string]llb.State, error) {
			return stageStates(ctx, b, t, req, p)
		}
	}
	return solve.Build(ctx, c, bc, opts)
}

// compileRequest connects the compiler to the gateway: images resolve
// through it, the main and named contexts come from dockerui (so
// .dockerignore and --build-context work as in the Dockerfile frontend).
func compileRequest(ctx context.Context, c client.Client, bc *dockerui.Client, t *lang.Target, sm sourceMaps) (compiler.Request, error) {
	ignore, err := bc.DockerIgnorePatterns(ctx)
	if err != nil {
		return compiler.Request{}, err
	}
	localOpts := []llb.LocalOption{llb.SessionID(bc.BuildOpts().SessionID)}
	if len(ignore) > 0 {
		localOpts = append(localOpts, llb.ExcludePatterns(ignore))
	}
	return compiler.Request{
		Targets:  []string{t.Name},
		Resolver: sourceresolver.NewImageMetaResolver(c),
		NamedContexts: func(ctx context.Context, name string, p ocispecs.Platform) (*compiler.NamedContext, error) {
			nc, err := bc.NamedContext(name, dockerui.ContextOpt{Platform: &p})
			if err != nil {
				return nil, err
			}
			if nc == nil {
				// The compiler's own hint (--local NAME=DIR) is for compiled
				// LLB; through the frontend a local also needs context:NAME.
				return nil, fmt.Errorf("no context named %q was provided; pass --build-context %s=DIR (buildx) or --local %s=DIR --opt context:%s=local:%s (buildctl)", name, name, name, name, name)
			}
			st, img, err := nc.Load(ctx)
			if err != nil || st == nil {
				return nil, err
			}
			return &compiler.NamedContext{State: *st, Image: img}, nil
		},
		Context: compiler.ContextOptions{LocalOpts: localOpts},
		NoCache: bc.IsNoCache(t.Name) || bc.IsNoCache(t.Block),
		SourceState: func(filename string) *llb.State {
			if m := sm[filename]; m != nil {
				return m.State
			}
			return nil
		},
	}, nil
}

// scanStages says whether the SBOM covers the targets the result reads as
// well, as BUILDKIT_SBOM_SCAN_STAGE=true does for a Dockerfile's stages.
func scanStages(bc *dockerui.Client) bool {
	v, _ := strconv.ParseBool(bc.BuildArgs["BUILDKIT_SBOM_SCAN_STAGE"])
	return v
}

// stageStates compiles the targets t reads for the platform: their
// states, for the SBOM generator's extras.
func stageStates(ctx context.Context, b *lang.Build, t *lang.Target, req compiler.Request, p ocispecs.Platform) (map[string]llb.State, error) {
	if len(t.Deps) == 0 {
		return nil, nil
	}
	req.Targets = t.Deps
	req.Platforms = []ocispecs.Platform{p}
	res, diags := compiler.Compile(ctx, b, req)
	if diags.HasErrors() {
		return nil, fmt.Errorf("compiling the targets %s reads, to scan them: %s", t.Name, diags.Error())
	}
	out := map[string]llb.State{}
	for _, o := range res.Outputs {
		out[o.Target] = o.State
	}
	return out, nil
}

// sbomAttrs are the client's options, with attest:sbom added when the
// target's attest asks for an SBOM and the client said nothing of it.
func sbomAttrs(opts map[string]string, b *lang.Build, t *lang.Target, ps []ocispecs.Platform) map[string]string {
	if _, said := opts["attest:sbom"]; said || len(ps) == 0 {
		return opts
	}
	if spec, _ := b.Resolve(t.Name, ps[0]); spec == nil || !spec.Attest.SBOM {
		return opts
	}
	out := maps.Clone(opts)
	out["attest:sbom"] = ""
	return out
}

// sourceDateEpoch is the build's SOURCE_DATE_EPOCH: the build arg (buildx
// passes the host's), else the environment's source_date_epoch, where
// "git" is the commit time of a git build context. The image exporter
// takes it from the result (dockerui adds it) and, with
// rewrite-timestamp=true, rewrites layer times to it.
func sourceDateEpoch(ctx context.Context, bc *dockerui.Client, b *lang.Build) (*time.Time, error) {
	v, from := bc.BuildArgs[epochBuildArg], "build arg "+epochBuildArg
	if v == "" {
		v, from = b.Env.SourceDateEpoch, "source_date_epoch"
	}
	switch v {
	case "":
		return nil, nil
	case "git":
		t, err := bc.ResolveMainContextSourceDateEpoch(ctx)
		if err != nil {
			return nil, err
		}
		if t == nil {
			return nil, fmt.Errorf("environment %q has source_date_epoch = \"git\", but the build context is not a git repository the frontend can read; build from a git context, or pass --build-arg SOURCE_DATE_EPOCH=$(git log -1 --format=%%ct)", b.Env.Name)
		}
		u := t.UTC()
		return &u, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%s %q: want unix seconds, like 1700000000", from, v)
	}
	t := time.Unix(n, 0).UTC()
	return &t, nil
}

// sourcePolicies are build.lock's pins and the environment's policy, for
// BuildKit to enforce on every source of the solve, spelled or not.
func sourcePolicies(b *lang.Build) []*spb.Policy {
	if p := policy.ForBuild(b); p != nil {
		return []*spb.Policy{p}
	}
	return nil
}

// policyImports are the cache imports of the target's cache policy that a
// frontend can use on its own: registry caches. Local and other
// client-side caches need the client (buildctl --import-cache, buildlang build).
func policyImports(b *lang.Build, spec *lang.TargetSpec) []client.CacheOptionsEntry {
	if spec == nil || spec.Cache == "" {
		return nil
	}
	p := b.Cache(spec.Cache)
	if p == nil {
		return nil
	}
	var out []client.CacheOptionsEntry
	for _, imp := range p.Import {
		if imp["type"] == "registry" {
			out = append(out, solve.CacheEntry(imp, ""))
		}
	}
	return out
}
