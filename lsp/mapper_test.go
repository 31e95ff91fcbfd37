package lsp

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lsp/internal/protocol"
)

func TestMapperNonASCII(t *testing.T) {
	// "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units
	// (a surrogate pair); "e\u0301" is 2 code points, 1 grapheme cluster.
	src := "a = \"é😀x\"\nb = \"e\u0301y\" # 😀😀\n\nc = 1"
	m := newMapper([]byte(src))
	cases := []struct {
		off  int
		pos  protocol.Position
		col  int // HCL column, in grapheme clusters
		line int
	}{
		{0, protocol.Position{Line: 0, Character: 0}, 1, 1},
		{5, protocol.Position{Line: 0, Character: 5}, 6, 1},    // before é
		{7, protocol.Position{Line: 0, Character: 6}, 7, 1},    // before 😀
		{11, protocol.Position{Line: 0, Character: 8}, 8, 1},   // before x
		{12, protocol.Position{Line: 0, Character: 9}, 9, 1},   // before closing quote
		{14, protocol.Position{Line: 1, Character: 0}, 1, 2},   // start of line 2
		{22, protocol.Position{Line: 1, Character: 7}, 7, 2},   // y: e+combining is 2 units, 1 cluster
		{35, protocol.Position{Line: 1, Character: 16}, 14, 2}, // end of line 2, after two emoji
		{36, protocol.Position{Line: 2, Character: 0}, 1, 3},
		{len(src), protocol.Position{Line: 3, Character: 5}, 6, 4},
	}
	for _, c := range cases {
		if got := m.position(c.off); got != c.pos {
			t.Errorf("position(%d) = %v, want %v", c.off, got, c.pos)
		}
		if got, err := m.offset(c.pos); err != nil || got != c.off {
			t.Errorf("offset(%v) = %d, %v; want %d", c.pos, got, err, c.off)
		}
		if got := m.hclPos(c.off); got.Column != c.col || got.Line != c.line || got.Byte != c.off {
			t.Errorf("hclPos(%d) = %+v, want line %d column %d", c.off, got, c.line, c.col)
		}
	}
	// A character inside a surrogate pair stays before the emoji; past the
	// end of a line means the end of the line.
	if got, _ := m.offset(protocol.Position{Line: 0, Character: 7}); got != 7 {
		t.Errorf("offset inside surrogate pair = %d, want 7", got)
	}
	if got, _ := m.offset(protocol.Position{Line: 0, Character: 99}); got != 13 {
		t.Errorf("offset past line end = %d, want 13", got)
	}
	if _, err := m.offset(protocol.Position{Line: 9}); err == nil {
		t.Error("offset past the last line: no error")
	}
	// An offset in the middle of a UTF-8 sequence maps to its start.
	if got := m.position(8); got != (protocol.Position{Line: 0, Character: 6}) {
		t.Errorf("position(8) = %v", got)
	}
}

// TestMapperAgreesWithHCL checks every position hclsyntax gives a token
// round-trips: its HCL column matches ours and its byte offset maps to an
// LSP position and back.
func TestMapperAgreesWithHCL(t *testing.T) {
	src := []byte("target \"é😀\" {\n  description = \"日本語 e\u0301 🇫🇷\" # c😀mment\n  tags = [\"x\"]\n}\n")
	toks, diags := hclsyntax.LexConfig(src, "f.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	m := newMapper(src)
	for _, tok := range toks {
		for _, p := range []hcl.Pos{tok.Range.Start, tok.Range.End} {
			if got := m.hclPos(p.Byte); got != p {
				t.Errorf("token %q: hclPos(%d) = %+v, hclsyntax says %+v", tok.Bytes, p.Byte, got, p)
			}
			lp := m.position(p.Byte)
			if back, err := m.offset(lp); err != nil || back != p.Byte {
				t.Errorf("token %q: %d → %v → %d", tok.Bytes, p.Byte, lp, back)
			}
		}
	}
}
