package lsp

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lsp/internal/protocol"
	"github.com/sourcegraph/jsonrpc2"
)

// locate finds a request's document in the snapshot and converts its
// position to a byte offset. A document that is not open has no build.
func locate(snap *snapshot, uri protocol.DocumentURI, pos protocol.Position) (*buildInfo, *fileInfo, int, error) {
	b, f := snap.file(docPath(uri))
	if f == nil {
		return nil, nil, 0, nil
	}
	off, err := f.m.offset(pos)
	if err != nil {
		return nil, nil, 0, &jsonrpc2.Error{Code: protocol.CodeInvalidParams, Message: fmt.Sprintf("%s: %v", uri, err)}
	}
	return b, f, off, nil
}

// locateTyping is locate for completion and signature help; see
// snapshot.fileForTyping. The fileInfo it returns may have no syntax tree.
func locateTyping(snap *snapshot, uri protocol.DocumentURI, pos protocol.Position) (*buildInfo, *fileInfo, int, error) {
	b, f := snap.fileForTyping(docPath(uri))
	if f == nil {
		return nil, nil, 0, nil
	}
	off, err := f.m.offset(pos)
	if err != nil {
		return nil, nil, 0, &jsonrpc2.Error{Code: protocol.CodeInvalidParams, Message: fmt.Sprintf("%s: %v", uri, err)}
	}
	return b, f, off, nil
}

// schemaFor returns the schema of the block at the end of a path of
// enclosing blocks, or nil when the path leaves the schema.
func schemaFor(blocks []frame) *lang.BlockSpec {
	s := lang.TopSchema
	for _, f := range blocks {
		if s = s.Block(f.block); s == nil {
			return nil
		}
	}
	return s
}

// nodePath is what the syntax tree has at an offset: the enclosing blocks,
// outermost first, and the attribute whose name or value holds it.
type nodePath struct {
	blocks []*hclsyntax.Block
	attr   *hclsyntax.Attribute
}

// schema is the schema of the innermost enclosing block.
func (n nodePath) schema() *lang.BlockSpec {
	s := lang.TopSchema
	for _, b := range n.blocks {
		if s = s.Block(b.Type); s == nil {
			return nil
		}
	}
	return s
}

func contains(r hcl.Range, off int) bool { return r.Start.Byte <= off && off <= r.End.Byte }

// pathAt walks the syntax tree of f down to off.
func pathAt(f *hcl.File, off int) nodePath {
	var n nodePath
	if f == nil {
		return n
	}
	body, ok := f.Body.(*hclsyntax.Body)
	for ok {
		var next *hclsyntax.Body
		for _, blk := range body.Blocks {
			if contains(hcl.RangeBetween(blk.TypeRange, blk.CloseBraceRange), off) {
				n.blocks = append(n.blocks, blk)
				next = blk.Body
				break
			}
		}
		if next == nil {
			for _, a := range body.Attributes {
				if contains(a.SrcRange, off) {
					n.attr = a
				}
			}
			return n
		}
		body = next
	}
	return n
}
