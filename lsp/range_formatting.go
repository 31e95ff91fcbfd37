package lsp

import (
	"context"
	"fmt"

	"github.com/org/buildlang/internal/textdiff"
	"github.com/org/buildlang/lsp/internal/protocol"
	"github.com/sourcegraph/jsonrpc2"
)

// rangeFormatting formats the lines a range touches: the file is
// formatted as `buildlang fmt` formats it, and only the changed lines
// that overlap the range are edited. A file with syntax errors is left
// as it is.
func rangeFormatting(ctx context.Context, s *Server, snap *snapshot, p *protocol.DocumentRangeFormattingParams) ([]protocol.TextEdit, error) {
	_, f := snap.file(docPath(p.TextDocument.URI))
	if f == nil {
		return nil, nil
	}
	start, err1 := f.m.offset(p.Range.Start)
	end, err2 := f.m.offset(p.Range.End)
	if err := firstErr(err1, err2); err != nil || end < start {
		return nil, &jsonrpc2.Error{Code: protocol.CodeInvalidParams, Message: fmt.Sprintf("%s: bad range %v", p.TextDocument.URI, err)}
	}
	out, diags := formatSource(f.m.content, f.name)
	if diags.HasErrors() || out == nil {
		return []protocol.TextEdit{}, nil
	}
	first, last := f.m.lineOf(start), f.m.lineOf(end)
	if last > first && p.Range.End.Character == 0 {
		last-- // a range ending at a line's start does not touch that line
	}
	edits := []protocol.TextEdit{}
	for _, c := range textdiff.Changes(string(f.m.content), string(out)) {
		// A change replaces lines [Start, End); an insertion (Start ==
		// End) goes before line Start.
		touches := c.Start <= last && c.End-1 >= first
		if c.Start == c.End {
			touches = first <= c.Start && c.Start <= last+1
		}
		if !touches {
			continue
		}
		edits = append(edits, protocol.TextEdit{Range: f.m.offsetRange(f.m.lineStart(c.Start), f.m.lineStart(c.End)), NewText: c.New})
	}
	return edits, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
