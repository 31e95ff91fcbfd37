package lsp

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
	"github.com/sourcegraph/jsonrpc2"
)

// selectionRanges answers "expand selection": for each position, the
// syntax around it from the innermost out: a name or a string's text, the
// expressions holding it, the attribute, a block's body, the block, and
// the whole file.
func selectionRanges(ctx context.Context, s *Server, snap *snapshot, p *protocol.SelectionRangeParams) ([]protocol.SelectionRange, error) {
	_, f := snap.file(docPath(p.TextDocument.URI))
	out := []protocol.SelectionRange{}
	if f == nil {
		return out, nil
	}
	body, ok := f.file.Body.(*hclsyntax.Body)
	for _, pos := range p.Positions {
		off, err := f.m.offset(pos)
		if err != nil {
			return nil, &jsonrpc2.Error{Code: protocol.CodeInvalidParams, Message: fmt.Sprintf("%s: %v", p.TextDocument.URI, err)}
		}
		var spans [][2]int
		if ok {
			spans = selectionSpans(f, body, off)
		}
		out = append(out, chain(f.m, spans, off))
	}
	return out, nil
}

// selectionSpans are the byte ranges of the syntax nodes holding off.
func selectionSpans(f *fileInfo, body *hclsyntax.Body, off int) [][2]int {
	spans := [][2]int{{0, len(f.m.content)}}
	add := func(start, end int) {
		if start <= off && off <= end && start < end {
			spans = append(spans, [2]int{start, end})
		}
	}
	addRange := func(r hcl.Range) { add(r.Start.Byte, r.End.Byte) }
	hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.Block:
			addRange(hcl.RangeBetween(x.TypeRange, x.CloseBraceRange))
			add(x.OpenBraceRange.End.Byte, x.CloseBraceRange.Start.Byte)
			for _, r := range x.LabelRanges {
				addRange(r)
				add(r.Start.Byte+1, r.End.Byte-1) // the label's text
			}
		case *hclsyntax.Attribute:
			addRange(x.SrcRange)
			addRange(x.NameRange)
		case *hclsyntax.Body:
		case *hclsyntax.TemplateExpr:
			r := x.SrcRange
			addRange(r)
			if x.IsStringLiteral() && r.End.Byte-r.Start.Byte >= 2 && f.m.content[r.Start.Byte] == '"' {
				add(r.Start.Byte+1, r.End.Byte-1)
			}
		case *hclsyntax.FunctionCallExpr:
			addRange(x.Range())
			addRange(x.NameRange)
		case *hclsyntax.ObjectConsExpr:
			addRange(x.Range())
			for _, it := range x.Items {
				add(it.KeyExpr.Range().Start.Byte, it.ValueExpr.Range().End.Byte)
			}
		case hclsyntax.Expression:
			addRange(x.Range())
		}
		return nil
	})
	return spans
}

// chain nests spans from the outermost in and returns the innermost, each
// strictly inside its parent; with no span, the empty range at off.
func chain(m *mapper, spans [][2]int, off int) protocol.SelectionRange {
	sort.SliceStable(spans, func(i, j int) bool {
		a, b := spans[i], spans[j]
		return a[1]-a[0] > b[1]-b[0]
	})
	var cur *protocol.SelectionRange
	var last [2]int
	for i, sp := range spans {
		if i > 0 && (sp == last || sp[0] < last[0] || sp[1] > last[1]) {
			continue
		}
		cur = &protocol.SelectionRange{Range: m.offsetRange(sp[0], sp[1]), Parent: cur}
		last = sp
	}
	if cur == nil {
		return protocol.SelectionRange{Range: m.offsetRange(off, off)}
	}
	return *cur
}
