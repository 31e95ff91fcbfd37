package lsp

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
)

// This file reads source at the token level. Completion, signature help
// and semantic tokens use it rather than the syntax tree because they must
// work while the user types, when the text around the cursor rarely
// parses: a token stream always exists, and the nesting of blocks,
// brackets and strings can be tracked through it.

type frameKind int

const (
	frameBlock   frameKind = iota // a block body
	frameObject                   // { in an expression
	frameTuple                    // [
	frameParen                    // (
	frameInterp                   // ${ or %{ in a template
	frameQuote                    // "..."
	frameHeredoc                  // <<EOT ... EOT
)

// frame is one open bracket, block or string.
type frame struct {
	kind   frameKind
	block  string   // frameBlock: the block type
	labels []string // frameBlock: its labels
	attr   string   // the body attribute whose expression holds this frame
	fn     string   // frameParen: the function called, "" for grouping parentheses
	arg    int      // frameParen: the argument the walk is in
	start  int      // byte offset of the opening token
}

// role is what a token is, for semantic tokens.
type role int

const (
	roleNone role = iota
	roleBlockType
	roleLabel
	roleAttr
	roleRefRoot   // var, target, ...
	roleRefName   // the name after a root: var.NAME
	roleRefMember // further steps
	roleLocalName // an identifier that is not a reference root: a function parameter, a for variable
	roleFunction
	roleString
	roleNumber
	roleComment
	roleKeyword
	roleType
	roleOperator
)

// walker tracks nesting through a token stream.
type walker struct {
	src   []byte // the whole document
	toks  hclsyntax.Tokens
	stack []frame
	line  []int  // body level: indexes of the tokens on the current line
	attr  string // body level: the attribute being defined on this line
}

func isRoot(name string) bool {
	for _, r := range lang.Roots {
		if r == name {
			return true
		}
	}
	return false
}

var typeKeywords = map[string]bool{"string": true, "number": true, "bool": true, "any": true,
	"list": true, "map": true, "set": true, "object": true, "tuple": true, "optional": true}

// lex lexes src[start:end], with positions relative to the whole document.
func lex(src []byte, start, end int, m *mapper) hclsyntax.Tokens {
	// Text over lang's limits (millions of tokens, nesting thousands
	// deep) is not lexed: that takes gigabytes, and the features reading
	// tokens answer nothing for it instead.
	pos := hcl.InitialPos
	if start > 0 {
		pos = m.hclPos(start)
	}
	return lexAt(src[start:end], pos)
}

// lexAt lexes text that starts at pos in its document.
func lexAt(text []byte, pos hcl.Pos) hclsyntax.Tokens {
	if len(text) > lang.DefaultLimits.MaxFileSize || lang.CheckSize(text, "") != nil {
		return nil
	}
	toks, _ := hclsyntax.LexConfig(text, "", pos)
	return toks
}

func (w *walker) top() *frame {
	if len(w.stack) == 0 {
		return nil
	}
	return &w.stack[len(w.stack)-1]
}

// atBody says whether the walk is directly in a body (the file or a block).
func (w *walker) atBody() bool {
	t := w.top()
	return t == nil || t.kind == frameBlock
}

// blockPath lists the enclosing block types, outermost first.
func (w *walker) blockPath() []frame {
	var out []frame
	for _, f := range w.stack {
		if f.kind == frameBlock {
			out = append(out, f)
		}
	}
	return out
}

// blockDepth is len(w.blockPath()), without making the path.
func (w *walker) blockDepth() int {
	n := 0
	for _, f := range w.stack {
		if f.kind == frameBlock {
			n++
		}
	}
	return n
}

// exprAttr is the attribute whose expression the walk is in, or "".
func (w *walker) exprAttr() string {
	if t := w.top(); t != nil && t.kind != frameBlock {
		return t.attr
	}
	return w.attr
}

func (w *walker) prevType(i int) hclsyntax.TokenType {
	if i > 0 {
		return w.toks[i-1].Type
	}
	return hclsyntax.TokenNil
}

// nextSignificant is the type of the next token that is not a comment.
func (w *walker) nextType(i int) hclsyntax.TokenType {
	for j := i + 1; j < len(w.toks); j++ {
		if w.toks[j].Type != hclsyntax.TokenComment {
			return w.toks[j].Type
		}
	}
	return hclsyntax.TokenEOF
}

func (w *walker) text(t hclsyntax.Token) string { return string(t.Bytes) }

// step processes token i and returns its role.
func (w *walker) step(i int) role {
	t := w.toks[i]
	body := w.atBody()
	switch t.Type {
	case hclsyntax.TokenNewline, hclsyntax.TokenComment:
		if body && (t.Type == hclsyntax.TokenNewline || len(t.Bytes) > 0 && t.Bytes[len(t.Bytes)-1] == '\n') {
			w.line, w.attr = w.line[:0], ""
		}
		if t.Type == hclsyntax.TokenComment {
			return roleComment
		}
		return roleNone
	case hclsyntax.TokenOBrace:
		if body && w.isBlockHeader() {
			f := frame{kind: frameBlock, block: w.text(w.toks[w.line[0]]), start: t.Range.Start.Byte}
			for _, j := range w.line[1:] {
				if w.toks[j].Type == hclsyntax.TokenIdent || w.toks[j].Type == hclsyntax.TokenQuotedLit {
					f.labels = append(f.labels, w.text(w.toks[j]))
				}
			}
			w.stack = append(w.stack, f)
			w.line, w.attr = w.line[:0], ""
			return roleNone
		}
		w.push(frameObject, t)
		return roleNone
	case hclsyntax.TokenCBrace:
		w.pop(frameObject, frameBlock)
		if w.atBody() {
			w.line, w.attr = w.line[:0], ""
		}
		return roleNone
	case hclsyntax.TokenOBrack:
		w.push(frameTuple, t)
	case hclsyntax.TokenCBrack:
		w.pop(frameTuple)
	case hclsyntax.TokenOParen:
		w.push(frameParen, t)
		if w.prevType(i) == hclsyntax.TokenIdent {
			w.top().fn = w.text(w.toks[i-1])
		}
	case hclsyntax.TokenCParen:
		w.pop(frameParen)
	case hclsyntax.TokenComma:
		if f := w.top(); f != nil && f.kind == frameParen {
			f.arg++
		}
	case hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
		w.push(frameInterp, t)
	case hclsyntax.TokenTemplateSeqEnd:
		w.pop(frameInterp)
	case hclsyntax.TokenOQuote:
		w.push(frameQuote, t)
		if body {
			w.line = append(w.line, i)
		}
		return w.quoteRole(body)
	case hclsyntax.TokenCQuote:
		w.pop(frameQuote)
		if w.atBody() {
			w.line = append(w.line, i)
			return w.quoteRole(true)
		}
		return roleString
	case hclsyntax.TokenOHeredoc:
		w.push(frameHeredoc, t)
		return roleString
	case hclsyntax.TokenCHeredoc:
		w.pop(frameHeredoc)
		return roleString
	case hclsyntax.TokenQuotedLit, hclsyntax.TokenStringLit:
		if w.inHeaderQuote() {
			w.line = append(w.line, i)
			return roleLabel
		}
		return roleString
	case hclsyntax.TokenNumberLit:
		return roleNumber
	case hclsyntax.TokenEqual:
		if body && len(w.line) == 1 && w.toks[w.line[0]].Type == hclsyntax.TokenIdent {
			w.attr = w.text(w.toks[w.line[0]])
		}
		if body {
			w.line = append(w.line, i)
		}
		return roleOperator
	case hclsyntax.TokenIdent:
		return w.ident(i, body)
	case hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq,
		hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq, hclsyntax.TokenAnd, hclsyntax.TokenOr,
		hclsyntax.TokenBang, hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenStar,
		hclsyntax.TokenSlash, hclsyntax.TokenPercent, hclsyntax.TokenQuestion, hclsyntax.TokenFatArrow:
		if body {
			w.line = append(w.line, i)
		}
		return roleOperator
	}
	if body {
		w.line = append(w.line, i)
	}
	return roleNone
}

// inHeaderQuote says whether the walk is in a quoted block label.
func (w *walker) inHeaderQuote() bool {
	t := w.top()
	if t == nil || t.kind != frameQuote || w.attr != "" || len(w.line) == 0 {
		return false
	}
	return len(w.stack) == 1 || w.stack[len(w.stack)-2].kind == frameBlock
}

// valueLabel says whether the block label the walk is at (the last token
// of its line) is a short form's, standing for an attribute's value (the
// command of run "make" {}, a target's base image), rather than a name.
func (w *walker) valueLabel() bool {
	if len(w.line) < 2 {
		return false
	}
	n := -1 // the label's index
	for _, j := range w.line[1:] {
		if t := w.toks[j].Type; t == hclsyntax.TokenOQuote || t == hclsyntax.TokenIdent {
			n++
		}
	}
	spec := schemaFor(append(w.blockPath(), frame{block: w.text(w.toks[w.line[0]])}))
	return spec != nil && spec.Short != nil && n >= len(spec.Labels)
}

// quoteRole is the role of a quote token: a label's quotes in a block
// header, else a string's.
func (w *walker) quoteRole(body bool) role {
	if body && w.attr == "" && len(w.line) > 1 {
		return roleLabel
	}
	return roleString
}

func (w *walker) ident(i int, body bool) role {
	t := w.toks[i]
	name := w.text(t)
	if body {
		w.line = append(w.line, i)
		if len(w.line) == 1 {
			if w.nextType(i) == hclsyntax.TokenEqual {
				return roleAttr
			}
			return roleBlockType
		}
		if w.attr == "" {
			return roleLabel
		}
	}
	if w.prevType(i) == hclsyntax.TokenDot {
		if i >= 2 && w.toks[i-2].Type == hclsyntax.TokenIdent && (i < 3 || w.toks[i-3].Type != hclsyntax.TokenDot) && isRoot(w.text(w.toks[i-2])) {
			return roleRefName
		}
		return roleRefMember
	}
	if w.exprAttr() == "type" && len(w.blockPath()) > 0 && w.blockPath()[0].block == "variable" && typeKeywords[name] {
		return roleType
	}
	if w.nextType(i) == hclsyntax.TokenOParen {
		return roleFunction
	}
	switch name {
	case "true", "false", "null", "for", "in", "if", "endif", "endfor", "else":
		return roleKeyword
	}
	if isRoot(name) {
		return roleRefRoot
	}
	return roleLocalName
}

// isBlockHeader says whether the tokens of the current body line form a
// block header: a type, then labels.
func (w *walker) isBlockHeader() bool {
	if len(w.line) == 0 || w.toks[w.line[0]].Type != hclsyntax.TokenIdent {
		return false
	}
	for _, j := range w.line[1:] {
		switch w.toks[j].Type {
		case hclsyntax.TokenIdent, hclsyntax.TokenOQuote, hclsyntax.TokenQuotedLit, hclsyntax.TokenCQuote:
		default:
			return false
		}
	}
	return true
}

func (w *walker) push(k frameKind, t hclsyntax.Token) {
	w.stack = append(w.stack, frame{kind: k, attr: w.exprAttr(), start: t.Range.Start.Byte})
}

// pop closes the innermost frame of one of the kinds, and any unclosed
// frames inside it; a closer with nothing to close is ignored.
func (w *walker) pop(kinds ...frameKind) {
	for j := len(w.stack) - 1; j >= 0; j-- {
		for _, k := range kinds {
			if w.stack[j].kind == k {
				w.stack = w.stack[:j]
				return
			}
		}
		if w.stack[j].kind == frameBlock {
			return // never close a block from inside an expression
		}
	}
}

// chunkAround finds the stretch of src holding off that starts at the top
// level: the chunk of chunkBounds holding off (top-level blocks end with
// "}" alone on a line), to the end of the line holding off. Lexing only it
// keeps completion fast in large files, and needs no syntax tree.
func chunkAround(src []byte, off int) (int, int) {
	start := 0
	lineStart := 0
	for i := 0; i < off && i < len(src); i++ {
		if src[i] != '\n' {
			continue
		}
		line := bytes.TrimRight(src[lineStart:i], " \t\r")
		if len(line) == 1 && line[0] == '}' {
			start = i + 1
		}
		lineStart = i + 1
	}
	end := off
	for end < len(src) && src[end] != '\n' {
		end++
	}
	if end < len(src) {
		end++
	}
	return start, end
}
