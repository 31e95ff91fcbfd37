package lsp

import (
	"context"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// The semantic token types and modifiers, by index.
var semanticLegend = protocol.SemanticTokensLegend{
	TokenTypes: []string{"keyword", "class", "property", "namespace", "variable", "parameter",
		"function", "string", "number", "comment", "type", "operator"},
	TokenModifiers: []string{"declaration", "defaultLibrary"},
}

const (
	modDeclaration = 1 << iota
	modDefaultLibrary
)

var roleTypes = map[role]uint32{
	roleBlockType: 0, roleKeyword: 0, roleLabel: 1, roleAttr: 2, roleRefMember: 2,
	roleRefRoot: 3, roleRefName: 4, roleLocalName: 5, roleFunction: 6, roleString: 7,
	roleNumber: 8, roleComment: 9, roleType: 10, roleOperator: 11,
}

// semanticToken is one classified token, in byte offsets.
type semanticToken struct {
	start, end int
	typ, mods  uint32
}

// classify gives every meaningful token of the whole file its role.
func classify(f *fileInfo) []semanticToken {
	src := f.m.content
	w := &walker{src: src, toks: f.tokens()}
	userFuncs := map[string]bool{}
	if body, ok := f.file.Body.(*hclsyntax.Body); ok {
		for _, blk := range body.Blocks {
			if blk.Type == "function" && len(blk.Labels) > 0 {
				userFuncs[blk.Labels[0]] = true
			}
		}
	}
	var out []semanticToken
	for i := range w.toks {
		t := w.toks[i]
		depth := w.blockDepth()
		r := w.step(i)
		if r == roleLabel && w.valueLabel() {
			r = roleString
		}
		typ, ok := roleTypes[r]
		if !ok {
			continue
		}
		st := semanticToken{start: t.Range.Start.Byte, end: t.Range.End.Byte, typ: typ}
		switch r {
		case roleLabel:
			st.mods = modDeclaration
		case roleAttr:
			if depth == 1 && len(w.stack) > 0 && w.stack[0].block == "locals" {
				st.mods = modDeclaration
			}
		case roleFunction:
			if !userFuncs[string(t.Bytes)] {
				st.mods = modDefaultLibrary
			}
		case roleComment:
			// Line comments hold their newline; it is not highlighted.
			for st.end > st.start && (src[st.end-1] == '\n' || src[st.end-1] == '\r') {
				st.end--
			}
		}
		// Merge a label's or string's quotes with its text.
		if n := len(out); n > 0 && (typ == 1 || typ == 7) && out[n-1].typ == typ && out[n-1].end == st.start {
			out[n-1].end = st.end
			continue
		}
		out = append(out, st)
	}
	return out
}

func semanticTokens(ctx context.Context, s *Server, snap *snapshot, p *protocol.SemanticTokensParams) (*protocol.SemanticTokens, error) {
	_, f := snap.file(docPath(p.TextDocument.URI))
	if f == nil {
		return &protocol.SemanticTokens{Data: []uint32{}}, nil
	}
	return &protocol.SemanticTokens{Data: encodeTokens(f.m, classify(f))}, nil
}

// encodeTokens writes tokens in the protocol's relative form, splitting
// tokens that span lines (block comments, heredocs).
func encodeTokens(m *mapper, toks []semanticToken) []uint32 {
	data := []uint32{}
	var prevLine, prevChar uint32
	// Positions are counted on from the previous token's on the same line:
	// m.position counts from the line's start, which on a line of 200,000
	// tokens is quadratic.
	lastOff, lastLine, lastChar := -1, 0, 0
	position := func(off int) protocol.Position {
		l := m.lineOf(off)
		if l == lastLine && lastOff >= 0 && off >= lastOff {
			lastChar += utf16Len(m.content[lastOff:off])
		} else {
			lastChar = utf16Len(m.content[m.lines[l]:off])
		}
		lastOff, lastLine = off, l
		return protocol.Position{Line: uint32(l), Character: uint32(lastChar)}
	}
	emit := func(start, end int, typ, mods uint32) {
		if end <= start {
			return
		}
		p := position(start)
		length := uint32(utf16Len(m.content[start:end]))
		dl, dc := p.Line-prevLine, p.Character
		if dl == 0 {
			dc = p.Character - prevChar
		}
		data = append(data, dl, dc, length, typ, mods)
		prevLine, prevChar = p.Line, p.Character
	}
	for _, t := range toks {
		start := t.start
		for l := m.lineOf(start); start < t.end; l++ {
			end := min(m.lineEnd(l), t.end)
			emit(start, end, t.typ, t.mods)
			if l+1 >= len(m.lines) {
				break
			}
			start = m.lines[l+1]
		}
	}
	return data
}
