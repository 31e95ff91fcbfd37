package lsp

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// foldingRanges folds blocks, multi-line object and list literals,
// heredocs and runs of comment lines.
func foldingRanges(ctx context.Context, s *Server, snap *snapshot, p *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	_, f := snap.file(docPath(p.TextDocument.URI))
	if f == nil {
		return nil, nil
	}
	body, ok := f.file.Body.(*hclsyntax.Body)
	if !ok {
		return nil, nil
	}
	out := []protocol.FoldingRange{}
	// fold folds from the line of start to the line of end; a bracket's
	// closing line stays visible.
	fold := func(start, end int, kind string) {
		sl, el := f.m.lineOf(start), f.m.lineOf(end)
		if kind == "region" {
			el--
		}
		if el > sl {
			out = append(out, protocol.FoldingRange{StartLine: uint32(sl), EndLine: uint32(el), Kind: kind})
		}
	}
	hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.Block:
			fold(x.OpenBraceRange.Start.Byte, x.CloseBraceRange.Start.Byte, "region")
		case *hclsyntax.ObjectConsExpr:
			fold(x.SrcRange.Start.Byte, x.SrcRange.End.Byte-1, "region")
		case *hclsyntax.TupleConsExpr:
			fold(x.SrcRange.Start.Byte, x.SrcRange.End.Byte-1, "region")
		case *hclsyntax.TemplateExpr:
			fold(x.SrcRange.Start.Byte, x.SrcRange.End.Byte-1, "region")
		}
		return nil
	})
	// Runs of comment lines.
	toks := f.tokens()
	runStart, runEnd, prevLine := -1, -1, -2
	for _, t := range toks {
		if t.Type != hclsyntax.TokenComment {
			if t.Type != hclsyntax.TokenNewline {
				prevLine = -2
			}
			continue
		}
		l := t.Range.Start.Line
		if l == prevLine+1 && runStart >= 0 {
			runEnd = t.Range.Start.Byte
		} else {
			if runStart >= 0 {
				fold(runStart, runEnd, "comment")
			}
			runStart, runEnd = t.Range.Start.Byte, t.Range.Start.Byte
		}
		prevLine = t.Range.End.Line
		if t.Bytes[len(t.Bytes)-1] == '\n' {
			prevLine--
		}
	}
	if runStart >= 0 {
		fold(runStart, runEnd, "comment")
	}
	return out, nil
}
