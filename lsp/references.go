package lsp

import (
	"context"
	"sort"

	"github.com/org/buildlang/lsp/internal/protocol"
)

// references lists every use of the name at the cursor across the files of
// the build, and its declaration when asked to.
func references(ctx context.Context, s *Server, snap *snapshot, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	b, f, off, err := locate(snap, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return nil, err
	}
	idx := b.index()
	o := idx.at(f.path, off)
	if o == nil {
		if call := funcCallAt(f.file, off); call != nil {
			o = &occurrence{sym: symbol{"function", call.Name}}
		} else {
			return nil, nil
		}
	}
	occs := append([]*occurrence(nil), idx.bySym[o.sym]...)
	sortOccurrences(b, occs)
	locs := []protocol.Location{}
	for _, x := range occs {
		if x.decl && !p.Context.IncludeDeclaration {
			continue
		}
		locs = append(locs, b.location(x.path, x.rng))
	}
	return locs, nil
}

// sortOccurrences orders occurrences by file (in load order) and position.
func sortOccurrences(b *buildInfo, occs []*occurrence) {
	order := map[string]int{}
	for i, p := range b.order {
		order[p] = i
	}
	sort.SliceStable(occs, func(i, j int) bool {
		if occs[i].path != occs[j].path {
			return order[occs[i].path] < order[occs[j].path]
		}
		return occs[i].rng.Start.Byte < occs[j].rng.Start.Byte
	})
}
