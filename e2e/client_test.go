package e2e

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/moby/buildkit/client"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/org/buildlang/internal/e2eenv"
	"github.com/tonistiigi/fsutil"
)

// frontendSolve runs the frontend through the BuildKit Go client, the way
// buildx does: a gateway build function solves gateway.v0 with
// source=org/buildlang and the given options, with dir as both the context
// and the dockerfile local. It returns the frontend result's metadata
// (image configs, subrequest answers); nothing is exported.
func frontendSolve(t *testing.T, env *e2eenv.Env, dir string, opts map[string]string) map[string][]byte {
	t.Helper()
	md, err := frontendSolveErr(t, env, dir, opts)
	if err != nil {
		t.Fatalf("solving with %v: %v", opts, err)
	}
	return md
}

func frontendSolveErr(t *testing.T, env *e2eenv.Env, dir string, opts map[string]string) (map[string][]byte, error) {
	t.Helper()
	fs, err := fsutil.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	fopts := map[string]string{"source": frontendSource}
	maps.Copy(fopts, opts)
	var md map[string][]byte
	_, err = env.Client(t).Build(t.Context(), client.SolveOpt{
		LocalMounts: map[string]fsutil.FS{"context": fs, "dockerfile": fs},
	}, "buildlang-e2e", func(ctx context.Context, c gateway.Client) (*gateway.Result, error) {
		res, err := c.Solve(ctx, gateway.SolveRequest{Frontend: "gateway.v0", FrontendOpt: fopts})
		if err != nil {
			return nil, err
		}
		md = res.Metadata
		return gateway.NewResult(), nil
	}, nil)
	return md, err
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func sameSet(got, want []string) bool {
	a, b := slices.Clone(got), slices.Clone(want)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
