package builder

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	controlapi "github.com/moby/buildkit/api/services/control"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
)

// This file hands what a build already has to build records (records/):
// the definitions it solved, the images it resolved and BuildKit's vertex
// statuses, and compiles a target as Run would, without BuildKit, for
// `buildlang why --plan`.

// SolvedOutput is one platform of a target as it was solved.
type SolvedOutput struct {
	Platform ocispecs.Platform
	Def      *pb.Definition
}

// ResolvedImage is one answer of the image resolver during a compile.
type ResolvedImage struct {
	Name     string // the reference asked for (normalized)
	Platform string
	Ref      string // the reference answered
	Digest   digest.Digest
	Config   []byte
}

// recordingResolver passes requests to a resolver and keeps the answers.
type recordingResolver struct {
	inner compiler.ImageResolver
	mu    sync.Mutex
	got   []ResolvedImage
}

func (r *recordingResolver) ResolveImageConfig(ctx context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	mref, dgst, dt, err := r.inner.ResolveImageConfig(ctx, ref, opt)
	if err == nil {
		p := ""
		if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
			p = formatPlatforms([]ocispecs.Platform{*opt.ImageOpt.Platform})
		}
		r.mu.Lock()
		r.got = append(r.got, ResolvedImage{Name: ref, Platform: p, Ref: mref, Digest: dgst, Config: dt})
		r.mu.Unlock()
	}
	return mref, dgst, dt, err
}

func (r *recordingResolver) images() []ResolvedImage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ResolvedImage(nil), r.got...)
}

// solvedOutputs collects one solve attempt's definitions.
type solvedOutputs struct {
	mu  sync.Mutex
	out []*SolvedOutput
}

func (s *solvedOutputs) add(p ocispecs.Platform, def *llb.Definition) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out = append(s.out, &SolvedOutput{Platform: p, Def: def.ToPB()})
}

func (s *solvedOutputs) list() []*SolvedOutput {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*SolvedOutput(nil), s.out...)
}

// vertexStates copies the statuses BuildKit reported, by digest.
func (s *stepStats) vertexStates() map[digest.Digest]client.Vertex {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[digest.Digest]client.Vertex, len(s.vertices))
	for d, v := range s.vertices {
		out[d] = *v
	}
	return out
}

// contextExcludes are the patterns the build context is sent without:
// its .dockerignore, and the state directory when it lies inside it (so
// records never feed the build they record).
func contextExcludes(contextDir, stateDir string) ([]string, error) {
	pats, err := dockerignore(contextDir)
	if err != nil {
		return nil, err
	}
	if stateDir == "" || contextDir == "" {
		return pats, nil
	}
	actx, err1 := filepath.Abs(contextDir)
	astate, err2 := filepath.Abs(stateDir)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(actx, astate)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(os.PathSeparator)) {
		return pats, nil
	}
	return append(pats, filepath.ToSlash(rel)), nil
}

// contextLocalOpts are the options of the build context's llb.Local:
// the session sending it and what it is sent without.
func contextLocalOpts(contextDir, stateDir, sessionID string) ([]llb.LocalOption, error) {
	var opts []llb.LocalOption
	if sessionID != "" {
		opts = append(opts, llb.SessionID(sessionID))
	}
	pats, err := contextExcludes(contextDir, stateDir)
	if err != nil {
		return nil, err
	}
	if len(pats) > 0 {
		opts = append(opts, llb.ExcludePatterns(pats))
	}
	return opts, nil
}

// Compile compiles a target as Run compiles it for BuildKit, images
// answered by resolver, without contacting BuildKit: the definitions
// differ from the solved ones only in the session id of local sources.
func (p *Plan) Compile(ctx context.Context, t *TargetPlan, resolver compiler.ImageResolver) ([]*SolvedOutput, error) {
	cres, diags := compiler.Compile(ctx, p.Build, p.compileRequest(t.Name, t.Platforms, resolver))
	if diags.HasErrors() {
		return nil, diagnosticsError(p.Build.Files, diags)
	}
	var out solvedOutputs
	for _, o := range cres.Outputs {
		def, err := o.Marshal(ctx)
		if err != nil {
			return nil, err
		}
		out.add(o.Platform, def)
	}
	return out.list(), nil
}

// ResolveImages resolves the base images of a target's compile through a
// running daemon (--addr, else $BUILDKIT_HOST; never a private one), in a
// build that solves nothing: what `buildlang why --plan` needs to see
// whether a base moved. It returns nil, nil when no daemon is configured.
func (p *Plan) ResolveImages(ctx context.Context, t *TargetPlan) ([]ResolvedImage, error) {
	co := p.opts.Connect.configured()
	if co.Addr == "" {
		return nil, nil
	}
	conn, err := Connect(ctx, co)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	as, err := p.attachables()
	if err != nil {
		return nil, err
	}
	var rec recordingResolver
	// Registry credentials only (attachables puts them first): nothing runs.
	_, err = conn.Client.Build(ctx, client.SolveOpt{Session: as[:1]}, "buildlang", func(ctx context.Context, gw gateway.Client) (*gateway.Result, error) {
		rec.inner = sourceresolver.NewImageMetaResolver(gw)
		if _, diags := compiler.Compile(ctx, p.Build, p.compileRequest(t.Name, t.Platforms, &rec)); diags.HasErrors() {
			return nil, diagnosticsError(p.Build.Files, diags)
		}
		return gateway.NewResult(), nil
	}, nil)
	return rec.images(), err
}

// HistoryEntry is what the daemon's build history keeps of a build.
type HistoryEntry struct {
	Ref                  string
	Steps, Cached        int
	CreatedAt, Completed time.Time
}

// BuildHistory looks a build reference up in the build history of the
// daemon at --addr or $BUILDKIT_HOST (never a private one): the record
// `buildlang history show` links to. It returns nil, nil when no daemon is
// configured or it no longer has the build.
func BuildHistory(ctx context.Context, co ConnectOptions, ref string) (*HistoryEntry, error) {
	co = co.configured()
	if co.Addr == "" || ref == "" {
		return nil, nil
	}
	conn, err := Connect(ctx, co)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	stream, err := conn.Client.ControlClient().ListenBuildHistory(ctx, &controlapi.BuildHistoryRequest{Ref: ref, EarlyExit: true})
	if err != nil {
		return nil, err
	}
	for {
		ev, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		if r := ev.Record; r != nil && r.Ref == ref {
			h := &HistoryEntry{Ref: r.Ref, Steps: int(r.NumTotalSteps), Cached: int(r.NumCachedSteps)}
			if r.CreatedAt != nil {
				h.CreatedAt = r.CreatedAt.AsTime()
			}
			if r.CompletedAt != nil {
				h.Completed = r.CompletedAt.AsTime()
			}
			return h, nil
		}
	}
}
