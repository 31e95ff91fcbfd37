package lsp

import (
	"context"
	"strings"

	"github.com/org/buildlang/lsp/internal/protocol"
)

// signatureHelp shows the signature of the function call around the
// cursor, with the argument under the cursor active.
func signatureHelp(ctx context.Context, s *Server, snap *snapshot, p *protocol.SignatureHelpParams) (*protocol.SignatureHelp, error) {
	b, f, off, err := locateTyping(snap, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return nil, err
	}
	c := cursorAt(f, off)
	if c.call == nil || c.inComment {
		return nil, nil
	}
	d := lookupFunction(b, c.call.fn)
	if d == nil {
		return nil, nil
	}
	sig := protocol.SignatureInformation{Label: d.signature,
		Documentation: &protocol.MarkupContent{Kind: "markdown", Value: d.description}}
	// Parameter labels are offsets into the signature, in UTF-16 units.
	open := strings.IndexByte(d.signature, '(')
	from := open + 1
	for _, prm := range d.params {
		i := strings.Index(d.signature[from:], prm.Name)
		if i < 0 {
			break
		}
		st := from + i
		en := st + len(prm.Name)
		// Include the type, up to the next ',' or ')' outside brackets.
		for depth := 0; en < len(d.signature); en++ {
			c := d.signature[en]
			if depth == 0 && (c == ',' || c == ')' || c == ']') {
				break
			}
			switch c {
			case '(', '[':
				depth++
			case ')', ']':
				depth--
			}
		}
		pi := protocol.ParameterInformation{Label: [2]uint32{uint32(utf16String(d.signature[:st])), uint32(utf16String(d.signature[:en]))}}
		if prm.Description != "" {
			pi.Documentation = &protocol.MarkupContent{Kind: "markdown", Value: prm.Description}
		}
		sig.Parameters = append(sig.Parameters, pi)
		from = en
	}
	active := c.call.arg
	if n := len(d.params); n > 0 && active >= n && (strings.HasPrefix(d.params[n-1].Type, "...") || strings.HasPrefix(d.params[n-1].Type, "optional")) {
		active = n - 1
	}
	return &protocol.SignatureHelp{Signatures: []protocol.SignatureInformation{sig}, ActiveParameter: uint32(active)}, nil
}
