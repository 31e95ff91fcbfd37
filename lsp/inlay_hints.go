package lsp

import (
	"context"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// maxHintInstances bounds the instance names shown after a matrix target.
const maxHintInstances = 6

// inlayHints shows the instance names of matrix targets after their label,
// the resolved value of each var.NAME reference after it (sensitive
// values hidden), and each step's state in the last build (cache_hints.go).
func inlayHints(ctx context.Context, s *Server, snap *snapshot, p *protocol.InlayHintParams) ([]protocol.InlayHint, error) {
	b, f := snap.file(docPath(p.TextDocument.URI))
	if f == nil {
		return nil, nil
	}
	start, err := f.m.offset(p.Range.Start)
	if err != nil {
		return nil, err
	}
	end, err := f.m.offset(p.Range.End)
	if err != nil {
		return nil, err
	}
	hints := []protocol.InlayHint{}
	body, _ := f.file.Body.(*hclsyntax.Body)
	if body != nil && b.build != nil {
		// Instances by block, in one pass (10,000 targets looked up per
		// block were 10^8 steps).
		instances := map[string][]string{}
		for _, t := range b.build.Targets {
			if t.Matrix != nil {
				instances[t.Block] = append(instances[t.Block], t.Name)
			}
		}
		for _, blk := range body.Blocks {
			if blk.Type != "target" || len(blk.Labels) == 0 {
				continue
			}
			at := blk.LabelRanges[0].End.Byte
			if at < start || at > end {
				continue
			}
			names := instances[blk.Labels[0]]
			if len(names) == 0 {
				continue
			}
			label := strings.Join(names[:min(len(names), maxHintInstances)], ", ")
			if len(names) > maxHintInstances {
				label += ", …"
			}
			hints = append(hints, protocol.InlayHint{Position: f.m.position(at), Label: "→ " + label,
				PaddingLeft: true, Tooltip: strings.Join(names, "\n")})
		}
	}
	vars := map[string]string{}
	if b.build != nil {
		for _, v := range b.build.Variables {
			vars[v.Name] = showValue(v.Value)
		}
	}
	for _, o := range b.index().byFile[f.path] {
		if o.decl || o.sym.kind != "variable" || o.rng.End.Byte < start || o.rng.End.Byte > end {
			continue
		}
		if v, ok := vars[o.sym.name]; ok {
			if len(v) > 40 {
				v = v[:37] + "..."
			}
			hints = append(hints, protocol.InlayHint{Position: f.m.position(o.rng.End.Byte), Label: "= " + v,
				Kind: 1, PaddingLeft: true})
		}
	}
	if b.build != nil {
		hints = append(hints, cacheHints(b, f, start, end)...)
	}
	return hints, nil
}
