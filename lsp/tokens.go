package lsp

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Incremental lexing. A document's tokens are lexed chunk by chunk, as its
// syntax is parsed (parse.go): a chunk that parses cleanly leaves the lexer
// where it starts, so the document's tokens are its chunks' tokens one
// after another, then, from a chunk that does not parse on its own, the
// rest of the text lexed in one piece. A chunk whose text did not change
// since it was last lexed gets those tokens, moved to its position.

// tokens returns the document's tokens, as lex gives them for the whole
// of src, from the chunks of its parse.
func (c *chunked) tokens(src []byte, m *mapper) hclsyntax.Tokens {
	var out hclsyntax.Tokens
	for _, p := range c.chunks {
		t := p.tokens()
		if len(t) == 0 {
			return lex(src, 0, len(src), m) // over the limits
		}
		out = append(out, t[:len(t)-1]...) // without the chunk's end of file
	}
	if c.rest < 0 {
		last := c.chunks[len(c.chunks)-1].tokens()
		return append(out, last[len(last)-1])
	}
	rest := lex(src, c.rest, len(src), m)
	if rest == nil {
		return nil
	}
	return append(out, rest...)
}

// lexed is a chunk's tokens at a position.
type lexed struct {
	pos  hcl.Pos
	toks hclsyntax.Tokens
}

// tokens are the chunk's tokens at its position, its end of file included.
func (p *chunkParse) tokens() hclsyntax.Tokens {
	p.lexOnce.Do(func() {
		var toks hclsyntax.Tokens
		if from := p.from.Load(); from != nil {
			toks = shiftTokens(from.toks, p.pos.Byte-from.pos.Byte, p.pos.Line-from.pos.Line)
		} else {
			toks = lexAt(p.text, p.pos)
		}
		p.lexed.Store(&lexed{pos: p.pos, toks: toks})
		p.from.Store(nil)
	})
	return p.lexed.Load().toks
}

// shiftTokens copies toks, moved by bytes and lines (a chunk starts at the
// start of a line, so columns stay).
func shiftTokens(toks hclsyntax.Tokens, bytes, lines int) hclsyntax.Tokens {
	out := make(hclsyntax.Tokens, len(toks))
	for i, t := range toks {
		t.Range.Start.Byte += bytes
		t.Range.End.Byte += bytes
		t.Range.Start.Line += lines
		t.Range.End.Line += lines
		out[i] = t
	}
	return out
}
