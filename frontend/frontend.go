package frontend

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/org/buildlang/lang"
	langlint "github.com/org/buildlang/lang/lint"
	"github.com/org/buildlang/lock"
)

// DefaultFilename is read when the client names no file.
const DefaultFilename = "build.hcl"

// Build is the frontend's entry point, called by grpcclient.RunFromEnvironment.
func Build(ctx context.Context, c client.Client) (*client.Result, error) {
	c = withDefaultFilename{c}
	bc, err := dockerui.NewClient(c)
	if err != nil {
		return nil, err
	}
	if bc.BuildOpts().Opts["requestid"] == "" {
		// A build needs .dockerignore too: read it while the build file is
		// read, saving a round trip to the client. dockerui caches it under
		// a lock: compileRequest's call waits for it (or retries an error).
		go bc.DockerIgnorePatterns(ctx) //nolint:errcheck
	}
	src, err := bc.ReadEntrypoint(ctx, "buildlang")
	if err != nil {
		return nil, err
	}
	files := &localFiles{ctx: ctx, c: c, bc: bc, entry: src.Filename, data: src.Data}
	b, diags := lang.Load(files, []string{src.Filename}, langOptions(bc))
	if files.err != nil {
		return nil, files.err
	}
	sm := newSourceMaps(b, src.SourceMap.State, src.SourceMap.Definition)
	si := newSourceIndex(b, sm)

	res, handled, err := bc.HandleSubrequest(ctx, dockerui.RequestHandler{
		ListTargets: func(context.Context) (*targets.List, error) {
			if diags.HasErrors() {
				return nil, diagnosticsError(diags, sm)
			}
			return listTargets(b, si), nil
		},
		Outline: func(context.Context) (*outline.Outline, error) {
			if diags.HasErrors() {
				return nil, diagnosticsError(diags, sm)
			}
			return buildOutline(b, si, bc.Target), nil
		},
		Lint: func(context.Context) (*lint.LintResults, error) {
			return lintResults(b, diags, si), nil
		},
	})
	if err != nil || handled {
		return res, err
	}
	diags = buildDiagnostics(b, diags, bc.Target)
	if diags.HasErrors() {
		return nil, diagnosticsError(diags, sm)
	}
	target, err := selectTarget(b, bc.Target, sm)
	if err != nil {
		return nil, err
	}
	w := newWarner(src.Warn, sm)
	w.diagnostics(ctx, langlint.Findings(b, diags)) // load warnings and lint findings
	return build(ctx, c, bc, b, target, sm, w)
}

// buildDiagnostics are the load's diagnostics for a build of the target
// option (none: the default build), as `buildlang build` has them: what
// two targets built together would overwrite of each other's concerns
// only a build of both (lang.Build.ForBuild), which the frontend, building
// one target, never is; the subrequests (lint, outline, targets) keep
// check's.
func buildDiagnostics(b *lang.Build, diags hcl.Diagnostics, target string) hcl.Diagnostics {
	var targets []string
	if target != "" {
		targets = []string{target}
	}
	return b.ForBuild(diags, targets)
}

// selectTarget picks the one target to build: the target option, else the
// default group when it holds exactly one target.
func selectTarget(b *lang.Build, want string, sm sourceMaps) (*lang.Target, error) {
	if want != "" {
		if g := b.Group(want); g != nil {
			return nil, fmt.Errorf("%q is a group of %s; the frontend builds one target: pass one of them with --target, or build the group with `buildlang build %s`", want, strings.Join(g.Targets, ", "), want)
		}
		names, diags := b.Expand([]string{want})
		if diags.HasErrors() {
			return nil, diagnosticsError(diags, sm)
		}
		if len(names) != 1 {
			return nil, fmt.Errorf("%q is a matrix target with instances %s; pass one of them with --target", want, strings.Join(names, ", "))
		}
		return b.Target(names[0]), nil
	}
	names, diags := b.Expand(nil)
	if diags.HasErrors() {
		return nil, diagnosticsError(diags, sm)
	}
	if len(names) != 1 {
		return nil, fmt.Errorf("no target given and the build defines %d (%s); pass one with --target", len(names), strings.Join(names, ", "))
	}
	return b.Target(names[0]), nil
}

// withDefaultFilename makes build.hcl, not Dockerfile, the file dockerui
// reads when the client names none.
type withDefaultFilename struct{ client.Client }

func (c withDefaultFilename) BuildOpts() client.BuildOpts {
	o := c.Client.BuildOpts()
	if _, ok := o.Opts["filename"]; !ok {
		opts := make(map[string]string, len(o.Opts)+1)
		for k, v := range o.Opts {
			opts[k] = v
		}
		opts["filename"] = DefaultFilename
		o.Opts = opts
	}
	return o
}

// localFiles serves the entry file from what dockerui read and any
// included file from one snapshot of the client's dockerfile local, solved
// on the first include.
type localFiles struct {
	ctx   context.Context
	c     client.Client
	bc    *dockerui.Client
	entry string
	data  []byte

	once sync.Once
	rest *gatewayFiles
	err  error
}

func (f *localFiles) ReadFile(name string) ([]byte, error) {
	if name == f.entry {
		return f.data, nil
	}
	if err := f.load(); err != nil {
		return nil, err
	}
	return f.rest.ReadFile(name)
}

func (f *localFiles) Glob(pattern string) ([]string, error) {
	if err := f.load(); err != nil {
		return nil, err
	}
	return f.rest.Glob(pattern)
}

func (f *localFiles) load() error {
	f.once.Do(func() {
		st := llb.Local(dockerui.DefaultLocalNameDockerfile,
			llb.IncludePatterns([]string{"**/*.hcl", "**/" + lock.Filename}),
			llb.SessionID(f.bc.BuildOpts().SessionID),
			llb.SharedKeyHint(dockerui.DefaultLocalNameDockerfile+"-includes"),
			dockerui.WithInternalName("load included build files"),
		)
		def, err := st.Marshal(f.ctx)
		if err != nil {
			f.err = err
			return
		}
		res, err := f.c.Solve(f.ctx, client.SolveRequest{Definition: def.ToPB()})
		if err != nil {
			f.err = err
			return
		}
		ref, err := res.SingleRef()
		if err != nil {
			f.err = err
			return
		}
		f.rest = &gatewayFiles{ctx: f.ctx, ref: ref}
	})
	return f.err
}

var _ lang.FileSource = (*localFiles)(nil)
