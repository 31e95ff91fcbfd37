package lsp

import (
	"context"
	"sort"
	"strings"

	"github.com/org/buildlang/lsp/internal/protocol"
)

// workspaceSymbols finds declarations by name in every build of the
// snapshot (those of the open documents, with every file they include):
// targets, groups, variables, locals, functions, environments, secrets,
// ssh agents and caches. The query matches when its characters appear in
// the name in order, ignoring case, as in gopls; an empty query matches
// everything.
func workspaceSymbols(ctx context.Context, s *Server, snap *snapshot, p *protocol.WorkspaceSymbolParams) ([]protocol.SymbolInformation, error) {
	snap.load()
	out := []protocol.SymbolInformation{}
	seen := map[protocol.Location]bool{}
	for _, b := range snap.builds {
		for sym, o := range b.index().decls {
			if !fuzzyMatch(p.Query, sym.name) {
				continue
			}
			loc := b.location(o.path, o.rng)
			if seen[loc] {
				continue
			}
			seen[loc] = true
			kind, ok := symbolKinds[sym.kind]
			if sym.kind == "local" {
				kind, ok = protocol.SymbolConstant, true
			}
			if !ok {
				kind = protocol.SymbolObject
			}
			out = append(out, protocol.SymbolInformation{Name: sym.name, Kind: kind, Location: loc,
				ContainerName: sym.kind})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Location.URI != b.Location.URI {
			return a.Location.URI < b.Location.URI
		}
		return a.Location.Range.Start.Line < b.Location.Range.Start.Line
	})
	return out, nil
}

// fuzzyMatch says whether the characters of query appear in name in
// order, ignoring case.
func fuzzyMatch(query, name string) bool {
	name = strings.ToLower(name)
	for _, r := range strings.ToLower(query) {
		i := strings.IndexRune(name, r)
		if i < 0 {
			return false
		}
		name = name[i+len(string(r)):]
	}
	return true
}
