package lsp

import (
	"context"
	"path"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// definition goes from a reference to the declaration it names, in any
// file of the build, and from an include path to the file.
func definition(ctx context.Context, s *Server, snap *snapshot, p *protocol.TextDocumentPositionParams) ([]protocol.Location, error) {
	b, f, off, err := locate(snap, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return nil, err
	}
	idx := b.index()
	if o := idx.at(f.path, off); o != nil {
		if d := idx.decls[o.sym]; d != nil {
			return []protocol.Location{b.location(d.path, d.rng)}, nil
		}
		return nil, nil
	}
	if call := funcCallAt(f.file, off); call != nil {
		if d := lookupFunction(b, call.Name); d != nil && d.decl != nil {
			if decl := idx.decls[symbol{"function", call.Name}]; decl != nil {
				return []protocol.Location{b.location(decl.path, decl.rng)}, nil
			}
		}
	}
	if inc := includeAt(b, f, off); inc != "" {
		return []protocol.Location{{URI: pathURI(inc)}}, nil
	}
	return nil, nil
}

// location converts a range of a file of the build.
func (b *buildInfo) location(p string, r hcl.Range) protocol.Location {
	return protocol.Location{URI: pathURI(p), Range: b.files[p].m.lspRange(r)}
}

// includeAt returns the path of the file an include string at off names,
// when it names one file of the build.
func includeAt(b *buildInfo, f *fileInfo, off int) string {
	body, ok := f.file.Body.(*hclsyntax.Body)
	if !ok {
		return ""
	}
	a := body.Attributes["include"]
	if a == nil || !contains(a.Expr.Range(), off) {
		return ""
	}
	var found string
	hclsyntax.VisitAll(a.Expr, func(n hclsyntax.Node) hcl.Diagnostics {
		t, ok := n.(*hclsyntax.TemplateExpr)
		if !ok || !t.IsStringLiteral() || !contains(t.SrcRange, off) {
			return nil
		}
		v, _ := t.Value(nil)
		name := path.Join(path.Dir(f.name), v.AsString())
		if p := filepath.Join(b.dir, filepath.FromSlash(name)); b.files[p] != nil {
			found = p
		}
		return nil
	})
	return found
}
