package lsp

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/lint"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// stubs are the declarations the "add a declaration" fix writes, by the
// kind of thing an unknown reference names (lang.DiagInfo.What), with the
// reference root that names that kind.
var stubs = map[string]struct{ root, text string }{
	"variable": {"var", "variable %q {\n  type = string\n}"},
	"secret":   {"secret", "secret %q {}"},
	"cache":    {"cache", "cache %q {}"},
	"ssh":      {"ssh", "ssh %q {}"},
}

// codeActions offers quick fixes for the diagnostics in the range, from
// their structured lang.DiagInfo, never their text: the edits the
// diagnostic suggests (a misspelt name's correction, say), and a
// declaration stub for an unknown variable, secret, cache or ssh agent.
func codeActions(ctx context.Context, s *Server, snap *snapshot, p *protocol.CodeActionParams) ([]protocol.CodeAction, error) {
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
	actions := []protocol.CodeAction{}
	for _, d := range fileDiagnostics(snap, f.path, start, end) {
		actions = append(actions, quickFixes(f, p.TextDocument.URI, d, toProtocolDiagnostic(b, f, d))...)
	}
	return actions, nil
}

// quickFixes are the fixes for one diagnostic d of file f, at uri; pd is d
// as the client knows it.
func quickFixes(f *fileInfo, uri protocol.DocumentURI, d *hcl.Diagnostic, pd protocol.Diagnostic) []protocol.CodeAction {
	info := lang.DiagInfoOf(d)
	if info == nil || d.Subject == nil || d.Subject.Filename != f.name || d.Subject.End.Byte > len(f.m.content) {
		return nil
	}
	edit := func(e protocol.TextEdit) *protocol.WorkspaceEdit {
		return &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{uri: {e}}}
	}
	var actions []protocol.CodeAction
	for i, fix := range info.Fixes {
		from, to, ok := fixRange(f, fix)
		if !ok {
			continue
		}
		actions = append(actions, protocol.CodeAction{
			Title: fmt.Sprintf("Change %q to %q", f.m.content[from:to], fix.New), Kind: protocol.QuickFix,
			Diagnostics: []protocol.Diagnostic{pd}, IsPreferred: i == 0,
			Edit: edit(protocol.TextEdit{Range: f.m.offsetRange(from, to), NewText: fix.New}),
		})
	}
	name := info.Name()
	subject := string(f.m.content[d.Subject.Start.Byte:d.Subject.End.Byte])
	if st, ok := stubs[info.What]; ok && info.Kind == lang.KindUnknownReference && hclsyntax.ValidIdentifier(name) &&
		(strings.HasPrefix(subject, st.root+".") || strings.HasPrefix(subject, st.root+"[") || subject == `"`+name+`"`) {
		actions = append(actions, protocol.CodeAction{
			Title: fmt.Sprintf("Declare %s %q", info.What, name), Kind: protocol.QuickFix,
			Diagnostics: []protocol.Diagnostic{pd},
			Edit:        edit(declarationEdit(f, info.What, fmt.Sprintf(st.text, name))),
		})
	}
	if r := lint.RuleOf(d); r != nil && r != lint.UnusedSuppression {
		at := lineStart(f.m.content, d.Subject.Start.Byte)
		indent := at
		for indent < len(f.m.content) && (f.m.content[indent] == ' ' || f.m.content[indent] == '\t') {
			indent++
		}
		actions = append(actions, protocol.CodeAction{
			Title: fmt.Sprintf("Ignore %s on this line", r.ID), Kind: protocol.QuickFix,
			Diagnostics: []protocol.Diagnostic{pd},
			Edit: edit(protocol.TextEdit{Range: f.m.offsetRange(at, at),
				NewText: string(f.m.content[at:indent]) + "# " + lint.IgnoreDirective + " " + r.ID + "\n"}),
		})
	}
	return actions
}

// fixRange is where in f a fix applies, as byte offsets; ok is false when
// the fix is about another file or its text is not where it says.
func fixRange(f *fileInfo, fix lang.Fix) (from, to int, ok bool) {
	from, to = fix.Range.Start.Byte, fix.Range.End.Byte
	if fix.Range.Filename != f.name || from < 0 || from > to || to > len(f.m.content) {
		return 0, 0, false
	}
	if fix.Old != "" {
		i := strings.LastIndex(string(f.m.content[from:to]), fix.Old)
		if i < 0 {
			return 0, 0, false
		}
		from += i
		to = from + len(fix.Old)
	}
	return from, to, true
}

// declarationEdit inserts a declaration after the file's last block of
// the same kind, else before its first block, else at its end.
func declarationEdit(f *fileInfo, kind, text string) protocol.TextEdit {
	body, _ := f.file.Body.(*hclsyntax.Body)
	var last, first *hclsyntax.Block
	if body != nil {
		for _, blk := range body.Blocks {
			if first == nil {
				first = blk
			}
			if blk.Type == kind {
				last = blk
			}
		}
	}
	var at int
	switch {
	case last != nil:
		at = last.CloseBraceRange.End.Byte
		text = "\n\n" + text
	case first != nil:
		at = lineStart(f.m.content, first.TypeRange.Start.Byte)
		text += "\n\n"
	default:
		at = len(f.m.content)
		if at > 0 && f.m.content[at-1] != '\n' {
			text = "\n" + text
		}
		text += "\n"
	}
	return protocol.TextEdit{Range: f.m.offsetRange(at, at), NewText: text}
}

func lineStart(src []byte, off int) int {
	for off > 0 && src[off-1] != '\n' {
		off--
	}
	return off
}
