package lsp

import (
	"context"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
)

var symbolKinds = map[string]protocol.SymbolKind{
	"variable": protocol.SymbolVariable, "locals": protocol.SymbolNamespace, "function": protocol.SymbolFunction,
	"environment": protocol.SymbolModule, "secret": protocol.SymbolKey, "ssh": protocol.SymbolKey,
	"cache": protocol.SymbolStruct, "mounts": protocol.SymbolStruct, "target": protocol.SymbolClass, "group": protocol.SymbolPackage,
	"run": protocol.SymbolMethod, "copy": protocol.SymbolMethod, "file": protocol.SymbolMethod,
	"mkdir": protocol.SymbolMethod, "remove": protocol.SymbolMethod, "symlink": protocol.SymbolMethod,
	"healthcheck": protocol.SymbolEvent, "validation": protocol.SymbolEvent,
}

// documentSymbols is the outline: every block, named by its labels, with
// its nested blocks as children; locals list their values.
func documentSymbols(ctx context.Context, s *Server, snap *snapshot, p *protocol.DocumentSymbolParams) ([]protocol.DocumentSymbol, error) {
	_, f := snap.file(docPath(p.TextDocument.URI))
	if f == nil {
		return nil, nil
	}
	body, ok := f.file.Body.(*hclsyntax.Body)
	if !ok {
		return nil, nil
	}
	out := []protocol.DocumentSymbol{}
	if a := body.Attributes["include"]; a != nil {
		out = append(out, protocol.DocumentSymbol{Name: "include", Kind: protocol.SymbolFile,
			Range: f.m.lspRange(a.SrcRange), SelectionRange: f.m.lspRange(a.NameRange)})
	}
	out = append(out, blockSymbols(f, body.Blocks)...)
	return out, nil
}

func blockSymbols(f *fileInfo, blocks hclsyntax.Blocks) []protocol.DocumentSymbol {
	var out []protocol.DocumentSymbol
	for _, blk := range blocks {
		kind, ok := symbolKinds[blk.Type]
		if !ok {
			kind = protocol.SymbolObject
		}
		sym := protocol.DocumentSymbol{Name: blk.Type, Detail: "", Kind: kind,
			Range:          f.m.lspRange(hcl.RangeBetween(blk.TypeRange, blk.CloseBraceRange)),
			SelectionRange: f.m.lspRange(blk.TypeRange)}
		if len(blk.Labels) > 0 {
			sym.Name, sym.Detail = blk.Labels[0], blk.Type
			sym.SelectionRange = f.m.lspRange(blk.LabelRanges[0])
		}
		if blk.Type == "locals" {
			for _, name := range sortedAttrs(blk.Body.Attributes) {
				a := blk.Body.Attributes[name]
				sym.Children = append(sym.Children, protocol.DocumentSymbol{Name: a.Name, Detail: "local",
					Kind: protocol.SymbolConstant, Range: f.m.lspRange(a.SrcRange), SelectionRange: f.m.lspRange(a.NameRange)})
			}
		}
		sym.Children = append(sym.Children, blockSymbols(f, blk.Body.Blocks)...)
		out = append(out, sym)
	}
	return out
}

// sortedAttrs lists attributes in source order.
func sortedAttrs(attrs hclsyntax.Attributes) []string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	// (Not an insertion sort: a hostile file has 20,000 locals.)
	sort.Slice(names, func(i, j int) bool { return attrs[names[i]].SrcRange.Start.Byte < attrs[names[j]].SrcRange.Start.Byte })
	return names
}
