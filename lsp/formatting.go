package lsp

import (
	"bytes"
	"context"

	"github.com/org/buildlang/lang/format"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// formatSource formats a file as `buildlang fmt` does.
var formatSource = format.Source

// formatting formats the document. A file with syntax errors is left as
// it is. The edit replaces only the lines that change.
func formatting(ctx context.Context, s *Server, snap *snapshot, p *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	_, f := snap.file(docPath(p.TextDocument.URI))
	if f == nil {
		return nil, nil
	}
	out, diags := formatSource(f.m.content, f.name)
	if diags.HasErrors() || out == nil {
		return []protocol.TextEdit{}, nil
	}
	return lineDiff(f.m, out), nil
}

// lineDiff is one edit replacing the lines between the common prefix and
// suffix of old and new, or none when they are equal.
func lineDiff(m *mapper, new []byte) []protocol.TextEdit {
	old := m.content
	if bytes.Equal(old, new) {
		return []protocol.TextEdit{}
	}
	// Common prefix, cut back to a line start.
	pre := 0
	for pre < len(old) && pre < len(new) && old[pre] == new[pre] {
		pre++
	}
	pre = bytes.LastIndexByte(old[:pre], '\n') + 1
	// Common suffix after the prefix, cut forward to a line start.
	suf := 0
	for suf < len(old)-pre && suf < len(new)-pre && old[len(old)-1-suf] == new[len(new)-1-suf] {
		suf++
	}
	for suf > 0 && old[len(old)-suf-1] != '\n' {
		suf--
	}
	return []protocol.TextEdit{{Range: m.offsetRange(pre, len(old)-suf), NewText: string(new[pre : len(new)-suf])}}
}
