package solve

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/exporter/containerimage/exptypes"
	"github.com/moby/buildkit/frontend/dockerui"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/result"
	spb "github.com/moby/buildkit/sourcepolicy/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/attest"
	"github.com/org/buildlang/compiler"
)

// Options say how Build solves each platform's output.
type Options struct {
	// Output gives the compiled output of one platform: compiled then
	// (the frontend) or earlier (the builder).
	Output func(ctx context.Context, p ocispecs.Platform) (*compiler.Output, error)
	// CacheImports are added to the client's (dockerui's) for an output's
	// solve, e.g. its cache policy's registry caches; nil for none.
	CacheImports func(out *compiler.Output) []gateway.CacheOptionsEntry
	// SourcePolicies are enforced on every solve.
	SourcePolicies []*spb.Policy
	// Epoch is the build's SOURCE_DATE_EPOCH, for the image exporters.
	Epoch *time.Time
	// Scanner attaches an SBOM to each platform's result; nil for none.
	Scanner *attest.Scanner
	// ScanExtras are the states the SBOM covers besides the result (the
	// stages it reads); nil for none.
	ScanExtras func(ctx context.Context, p ocispecs.Platform) (map[string]llb.State, error)
	// Attest, if set, gives more attestations of a platform's result,
	// e.g. the builder's invocation attestation.
	Attest func(ctx context.Context, p ocispecs.Platform) ([]result.Attestation[gateway.Reference], error)
	// Solved, if set, is told each platform's definition as it is solved.
	Solved func(p ocispecs.Platform, def *llb.Definition)
	// ManifestAnnotations puts each output's image annotations on its
	// manifest as result metadata (the frontend's way; the builder gives
	// them to its exporters as attributes).
	ManifestAnnotations bool
}

// Build solves the output of each of bc's target platforms and assembles
// one result: a single image, or one per platform for a multi-platform
// request, with image configs, epochs and the platform list.
func Build(ctx context.Context, gw gateway.Client, bc *dockerui.Client, o Options) (*gateway.Result, error) {
	var mu sync.Mutex
	annotations := map[string]map[string]string{} // by platform
	outputs := map[string]*compiler.Output{}      // by platform, for the scan
	rb, err := bc.Build(ctx, func(ctx context.Context, platform *ocispecs.Platform, _ int) (*dockerui.BuildResult, error) {
		p := platforms.Normalize(platforms.DefaultSpec())
		if platform != nil {
			p = platforms.Normalize(*platform)
		}
		out, err := o.Output(ctx, p)
		if err != nil {
			return nil, err
		}
		def, err := out.Marshal(ctx)
		if err != nil {
			return nil, err
		}
		if o.Solved != nil {
			o.Solved(p, def)
		}
		imports := append([]gateway.CacheOptionsEntry{}, bc.CacheImports...)
		if o.CacheImports != nil {
			imports = append(imports, o.CacheImports(out)...)
		}
		res, err := gw.Solve(ctx, gateway.SolveRequest{Definition: def.ToPB(), CacheImports: imports, SourcePolicies: o.SourcePolicies})
		if err != nil {
			return nil, err
		}
		ref, err := res.SingleRef()
		if err != nil {
			return nil, err
		}
		mu.Lock()
		outputs[platforms.FormatAll(p)] = out
		if out.Spec != nil {
			annotations[platforms.FormatAll(p)] = out.Spec.Image.Annotations
		}
		mu.Unlock()
		return &dockerui.BuildResult{Reference: ref, Image: out.Image, Epoch: o.Epoch}, nil
	})
	if err != nil {
		return nil, err
	}
	if o.Scanner != nil || o.Attest != nil {
		if err := attach(ctx, rb, outputs, o); err != nil {
			return nil, err
		}
	}
	res, err := rb.Finalize()
	if err != nil {
		return nil, err
	}
	if o.ManifestAnnotations {
		addAnnotations(res, annotations)
	}
	return res, nil
}

// attach attaches each platform's attestations: an SBOM of its result
// (and its extras) when there is a scanner, and Attest's.
func attach(ctx context.Context, rb *dockerui.ResultBuilder, outputs map[string]*compiler.Output, o Options) error {
	var mu sync.Mutex
	return rb.EachPlatform(ctx, func(ctx context.Context, id string, p ocispecs.Platform) error {
		var atts []result.Attestation[gateway.Reference]
		if o.Scanner != nil {
			out := outputs[platforms.FormatAll(platforms.Normalize(p))]
			if out == nil {
				return fmt.Errorf("no result to scan for %s", id)
			}
			var extras map[string]llb.State
			var err error
			if o.ScanExtras != nil {
				if extras, err = o.ScanExtras(ctx, p); err != nil {
					return err
				}
			}
			att, err := o.Scanner.Scan(ctx, id, out.State, extras)
			if err != nil {
				return err
			}
			atts = append(atts, *att)
		}
		if o.Attest != nil {
			more, err := o.Attest(ctx, p)
			if err != nil {
				return err
			}
			atts = append(atts, more...)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, att := range atts {
			rb.AddAttestation(id, att)
		}
		return nil
	})
}

// addAnnotations gives the image exporters each platform's annotations
// for its manifest: result metadata the exporters read.
func addAnnotations(res *gateway.Result, byPlatform map[string]map[string]string) {
	for plat, as := range byPlatform {
		// A single-platform result's manifest takes the platform-less key.
		var pp *ocispecs.Platform
		if len(byPlatform) > 1 {
			p, err := platforms.Parse(plat)
			if err != nil {
				continue
			}
			pp = &p
		}
		for k, v := range as {
			res.AddMeta(exptypes.AnnotationManifestKey(pp, k), []byte(v))
		}
	}
}

// CacheEntry is one entry of a cache policy's import or export list
// ({ type = "local", src = ".cache" }) as BuildKit's cache options; a
// local cache's relative src or dest is relative to dir, the directory of
// the file declaring the policy.
func CacheEntry(m map[string]string, dir string) gateway.CacheOptionsEntry {
	e := gateway.CacheOptionsEntry{Type: m["type"], Attrs: map[string]string{}}
	for k, v := range m {
		if k == "type" {
			continue
		}
		if e.Type == "local" && (k == "src" || k == "dest") && !filepath.IsAbs(v) {
			v = filepath.Join(dir, v)
		}
		e.Attrs[k] = v
	}
	return e
}
