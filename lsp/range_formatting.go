package lsp

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/internal/textdiff"
	"github.com/org/buildlang/lsp/internal/protocol"
	"github.com/sourcegraph/jsonrpc2"
)

// rangeFormatting formats the lines a range touches. The top-level blocks
// and attributes the range touches are formatted as `buildlang fmt` formats
// them, on their own (formatting a whole large file takes far longer), and
// only the changed lines that overlap the range are edited; an alignment
// group changes as one. Items with syntax errors are left as they are.
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
	first, last := f.m.lineOf(start), f.m.lineOf(end)
	if last > first && p.Range.End.Character == 0 {
		last-- // a range ending at a line's start does not touch that line
	}
	edits := []protocol.TextEdit{}
	from, to, ok := itemLines(f, first, last)
	if !ok {
		return edits, nil
	}
	src := f.m.content[f.m.lineStart(from):f.m.lineStart(to)]
	out, diags := formatSource(src, f.name)
	if diags.HasErrors() || out == nil {
		return edits, nil
	}
	for _, c := range textdiff.Changes(string(src), string(out)) {
		c.Start, c.End = c.Start+from, c.End+from
		// A change replaces lines [Start, End); an insertion (Start ==
		// End) goes before line Start.
		touches := c.Start <= last && c.End-1 >= first
		if c.Start == c.End {
			touches = first <= c.Start && c.Start <= last+1
		}
		if touches {
			edits = append(edits, protocol.TextEdit{Range: f.m.offsetRange(f.m.lineStart(c.Start), f.m.lineStart(c.End)), NewText: c.New})
		}
	}
	return edits, nil
}

// itemLines is the line span [from, to) of the top-level items (blocks and
// attributes) that lines first to last touch; ok is false when they touch
// none.
func itemLines(f *fileInfo, first, last int) (from, to int, ok bool) {
	body, isSyntax := f.file.Body.(*hclsyntax.Body)
	if !isSyntax {
		return 0, 0, false
	}
	var items []hcl.Range
	for _, a := range body.Attributes {
		items = append(items, a.SrcRange)
	}
	for _, b := range body.Blocks {
		items = append(items, hcl.RangeBetween(b.TypeRange, b.CloseBraceRange))
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Start.Byte < items[j].Start.Byte })
	from, to = -1, -1
	for _, r := range items {
		sl, el := f.m.lineOf(r.Start.Byte), f.m.lineOf(r.End.Byte)
		if el < first || sl > last {
			continue
		}
		if from < 0 {
			from = sl
		}
		to = el + 1
	}
	return from, to, from >= 0
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
