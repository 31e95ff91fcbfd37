package lsp

import (
	"context"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// documentLinks links the paths a document names to what they name:
// included files, the directory a local("NAME") reads when it is NAME next
// to the build file, and the files a copy step names in src, in the build
// context (the root file's directory, as for `buildlang build`) or that
// local directory. Only paths that exist are linked; a glob is linked when
// it matches exactly one file.
func documentLinks(ctx context.Context, s *Server, snap *snapshot, p *protocol.DocumentLinkParams) ([]protocol.DocumentLink, error) {
	b, f := snap.file(docPath(p.TextDocument.URI))
	out := []protocol.DocumentLink{}
	if f == nil {
		return out, nil
	}
	body, ok := f.file.Body.(*hclsyntax.Body)
	if !ok {
		return out, nil
	}
	l := &linker{snap: snap, b: b, f: f, out: out}
	if a := body.Attributes["include"]; a != nil {
		l.strings(a.Expr, func(v string) string { return l.include(v) })
	}
	hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.FunctionCallExpr:
			if x.Name == "local" && len(x.Args) > 0 {
				l.strings(x.Args[0], func(v string) string { return l.dir(localDir(b, v)) })
			}
		case *hclsyntax.Block:
			if x.Type == "copy" {
				l.copySrc(x.Body)
			}
		}
		return nil
	})
	sort.SliceStable(l.out, func(i, j int) bool { return posLess(l.out[i].Range.Start, l.out[j].Range.Start) })
	return l.out, nil
}

type linker struct {
	snap *snapshot
	b    *buildInfo
	f    *fileInfo
	out  []protocol.DocumentLink
}

// strings links each string literal of expr (a string or a list of them)
// to the path target returns for its value, when it returns one.
func (l *linker) strings(expr hclsyntax.Expression, target func(string) string) {
	var lits []*hclsyntax.TemplateExpr
	switch x := expr.(type) {
	case *hclsyntax.TemplateExpr:
		lits = append(lits, x)
	case *hclsyntax.TupleConsExpr:
		for _, e := range x.Exprs {
			if t, ok := e.(*hclsyntax.TemplateExpr); ok {
				lits = append(lits, t)
			}
		}
	}
	for _, t := range lits {
		if !t.IsStringLiteral() {
			continue
		}
		v, _ := t.Value(nil)
		if !v.IsKnown() || v.IsNull() || v.AsString() == "" {
			continue
		}
		p := target(v.AsString())
		if p == "" {
			continue
		}
		r := t.SrcRange
		start, end := r.Start.Byte, r.End.Byte
		if end-start >= 2 && l.f.m.content[start] == '"' {
			start, end = start+1, end-1
		}
		l.out = append(l.out, protocol.DocumentLink{Range: l.f.m.offsetRange(start, end), Target: pathURI(p),
			Tooltip: workspaceRelative(l.snap.cfg.roots, p)})
	}
}

// include is the file an include pattern names, when it names one.
func (l *linker) include(pattern string) string {
	name := path.Join(path.Dir(l.f.name), pattern)
	if !strings.ContainsAny(pattern, "*?[") {
		return l.file(filepath.Join(l.b.dir, filepath.FromSlash(name)))
	}
	var found string
	for _, p := range l.b.order {
		if ok, _ := path.Match(name, l.b.files[p].name); ok {
			if found != "" {
				return ""
			}
			found = p
		}
	}
	return found
}

// copySrc links a copy step's src paths, when it copies from the context
// or from a local directory next to the build file.
func (l *linker) copySrc(body *hclsyntax.Body) {
	src := body.Attributes["src"]
	if src == nil {
		return
	}
	dir := l.b.dir
	if from := body.Attributes["from"]; from != nil {
		dir = sourceDir(l.b, from.Expr)
	}
	if dir == "" {
		return
	}
	l.strings(src.Expr, func(v string) string {
		if strings.ContainsAny(v, "*?[") {
			return ""
		}
		rel := path.Clean("/" + v)[1:] // an absolute src starts at the context's root
		if rel == "" || strings.HasPrefix(rel, "..") {
			return ""
		}
		return l.file(filepath.Join(dir, filepath.FromSlash(rel)))
	})
}

// sourceDir is the directory on this machine a copy's `from` reads, when
// the language server can know it: the context, or local("NAME") for a
// directory NAME next to the build file.
func sourceDir(b *buildInfo, from hclsyntax.Expression) string {
	switch x := from.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		if len(x.Traversal) == 1 && x.Traversal.RootName() == "context" {
			return b.dir
		}
	case *hclsyntax.FunctionCallExpr:
		if x.Name == "local" && len(x.Args) > 0 {
			if t, ok := x.Args[0].(*hclsyntax.TemplateExpr); ok && t.IsStringLiteral() {
				v, _ := t.Value(nil)
				return localDir(b, v.AsString())
			}
		}
	}
	return ""
}

// localDir is the directory NAME next to the build file, which
// `buildlang build --build-context NAME=NAME` sends for local("NAME").
func localDir(b *buildInfo, name string) string {
	if name == "" || !filepath.IsLocal(filepath.FromSlash(name)) {
		return ""
	}
	return filepath.Join(b.dir, filepath.FromSlash(name))
}

// file is p when it is a file of the build or on disk.
func (l *linker) file(p string) string {
	if l.b.files[p] != nil || l.snap.docs[p] != nil {
		return p
	}
	if st, err := l.snap.cfg.stat(p); err == nil && !st.IsDir() {
		return p
	}
	return ""
}

// dir is p when it is a directory on disk.
func (l *linker) dir(p string) string {
	if p == "" {
		return ""
	}
	if st, err := l.snap.cfg.stat(p); err == nil && st.IsDir() {
		return p
	}
	return ""
}

func posLess(a, b protocol.Position) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
}
