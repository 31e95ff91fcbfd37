package frontend

import (
	"context"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/gateway/client"
)

// gatewayFiles reads build files (the entry file and its includes) from a
// solved snapshot of the client's dockerfile local, so includes resolve in
// the frontend exactly as in the CLI.
type gatewayFiles struct {
	ctx context.Context
	ref client.Reference
}

func (g gatewayFiles) ReadFile(name string) ([]byte, error) {
	return g.ref.ReadFile(g.ctx, client.ReadRequest{Filename: name})
}

// Glob expands a path.Match pattern one path component at a time with
// ReadDir, the only listing the gateway offers.
func (g gatewayFiles) Glob(pattern string) ([]string, error) {
	dirs := []string{"."}
	parts := strings.Split(path.Clean(pattern), "/")
	for i, part := range parts {
		last := i == len(parts)-1
		var next []string
		for _, dir := range dirs {
			if !strings.ContainsAny(part, "*?[") {
				next = append(next, path.Join(dir, part))
				continue
			}
			if _, err := path.Match(part, ""); err != nil {
				return nil, err
			}
			entries, err := g.ref.ReadDir(g.ctx, client.ReadDirRequest{Path: dir, IncludePattern: part})
			if err != nil {
				continue // a missing directory matches nothing, as filepath.Glob
			}
			for _, e := range entries {
				if last || e.IsDir() {
					next = append(next, path.Join(dir, e.GetPath()))
				}
			}
		}
		dirs = next
	}
	var out []string
	for _, d := range dirs {
		if _, err := g.ref.StatFile(g.ctx, client.StatRequest{Path: d}); err == nil {
			out = append(out, d)
		}
	}
	return out, nil
}
