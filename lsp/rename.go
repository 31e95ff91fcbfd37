package lsp

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
	"github.com/sourcegraph/jsonrpc2"
)

// renameTarget finds the renamable name at off.
func renameTarget(snap *snapshot, uri protocol.DocumentURI, pos protocol.Position) (*buildInfo, *fileInfo, *occurrence, error) {
	b, f, off, err := locate(snap, uri, pos)
	if err != nil || f == nil {
		return nil, nil, nil, err
	}
	idx := b.index()
	o := idx.at(f.path, off)
	if o == nil || o.name == [2]int{} {
		return nil, nil, nil, &jsonrpc2.Error{Code: protocol.CodeInvalidParams, Message: "there is no name to rename here"}
	}
	if o.instance != "" {
		return nil, nil, nil, &jsonrpc2.Error{Code: protocol.CodeInvalidParams, Message: fmt.Sprintf("%q is a matrix instance of target %q; rename the target", o.instance, o.sym.name)}
	}
	if idx.decls[o.sym] == nil {
		return nil, nil, nil, &jsonrpc2.Error{Code: protocol.CodeInvalidParams, Message: fmt.Sprintf("%s %q is not declared in this build", o.sym.kind, o.sym.name)}
	}
	return b, f, o, nil
}

func prepareRename(ctx context.Context, s *Server, snap *snapshot, p *protocol.TextDocumentPositionParams) (*protocol.PrepareRenameResult, error) {
	_, f, o, err := renameTarget(snap, p.TextDocument.URI, p.Position)
	if err != nil || o == nil {
		return nil, err
	}
	return &protocol.PrepareRenameResult{Range: f.m.offsetRange(o.name[0], o.name[1]), Placeholder: string(f.m.content[o.name[0]:o.name[1]])}, nil
}

// rename renames a declared name: its declaration's label and every
// reference in every file of the build (var.X, target.X, target["X"],
// secret and ssh mount labels, function calls). References to matrix
// instances named after the target (target["app-1.22"]) follow the new name.
func rename(ctx context.Context, s *Server, snap *snapshot, p *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	b, _, o, err := renameTarget(snap, p.TextDocument.URI, p.Position)
	if err != nil || o == nil {
		return nil, err
	}
	newName := p.NewName
	if !hclsyntax.ValidIdentifier(newName) || strings.Contains(newName, ".") {
		return nil, &jsonrpc2.Error{Code: protocol.CodeInvalidParams, Message: fmt.Sprintf("%q is not a valid name: names start with a letter or underscore and contain letters, digits, underscores and dashes", newName)}
	}
	idx := b.index()
	if idx.decls[symbol{o.sym.kind, newName}] != nil {
		return nil, &jsonrpc2.Error{Code: protocol.CodeInvalidParams, Message: fmt.Sprintf("a %s named %q already exists", o.sym.kind, newName)}
	}
	edit := &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{}}
	occs := append([]*occurrence(nil), idx.bySym[o.sym]...)
	sortOccurrences(b, occs)
	for _, x := range occs {
		if x.name == [2]int{} {
			continue
		}
		text := newName
		if x.instance != "" {
			// Default instance names start with the target's name.
			if !strings.HasPrefix(x.instance, o.sym.name+"-") {
				continue
			}
			text = newName + strings.TrimPrefix(x.instance, o.sym.name)
		}
		f := b.files[x.path]
		uri := pathURI(x.path)
		edit.Changes[uri] = append(edit.Changes[uri], protocol.TextEdit{Range: f.m.offsetRange(x.name[0], x.name[1]), NewText: text})
	}
	return edit, nil
}
