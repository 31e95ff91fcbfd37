package lang

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/apparentlymart/go-textseg/v15/textseg"
	"github.com/hashicorp/hcl/v2"
)

// prescan bounds a file before the HCL parser sees it. The parser lexes a
// whole file into tokens first (about 500 bytes of memory per token) and
// then parses recursively, so a file of a million "[" would take gigabytes
// and overflow the stack, which kills the process. prescan walks the bytes
// once, without allocating, following the HCL lexer's modes (code, quoted
// templates, heredocs, comments, interpolations) exactly where they decide
// what is code, and counts:
//
//   - tokens, an estimate that errs high (a literal run is one token, each
//     other byte of code at most one), against Limits.MaxTokens;
//   - nesting, the depth the parser and evaluator recurse to: each open
//     bracket, brace, parenthesis, string, heredoc and interpolation is one
//     level, and so is each operator chained in one expression (a + b + c
//     is a tree two levels deep), against Limits.MaxNesting.
//
// It reports the first limit crossed, at the byte where it happened.
type prescanResult struct {
	tokens   int
	maxDepth int
	meld     int64 // bytes the parser copies melding literal parts
	tooMany  bool
	tooLong  bool // meld over the limit // tokens over the limit
	tooDeep  bool // nesting over the limit
	at       int  // byte offset where the limit was crossed
}

type scanMode uint8

const (
	modeRoot    scanMode = iota // the file body
	modeBrace                   // { ... } in code: a block body or an object
	modeBracket                 // [ ... ]
	modeParen                   // ( ... )
	modeQuoted                  // "...", a quoted template
	modeHeredoc                 // <<EOT ... EOT
	modeInterp                  // ${ ... } or %{ ... } in a template
)

type scanFrame struct {
	mode   scanMode
	ops    int32 // operators chained at this level since the last separator
	marker []byte
	run    int // bytes of the literal text run in progress (templates)
	// lastValue: the previous token at this level ends a value, so a "["
	// after it is an index (one level deeper), not a tuple.
	lastValue bool
}

func prescan(src []byte, maxTokens, maxNesting int) prescanResult {
	var r prescanResult
	// The stack never grows past maxNesting+1 frames: the scan stops first.
	stack := make([]scanFrame, 1, min(maxNesting+2, 64))
	// lit accounts for a literal token of a template from start to end:
	// the parser melds consecutive literal parts (each line of a heredoc
	// is one) by concatenating each onto all the text before it.
	lit := func(start, end int) bool {
		f := &stack[len(stack)-1]
		r.meld += int64(f.run)
		f.run += end - start
		if r.meld > maxMeld {
			r.tooLong, r.at = true, start
			return false
		}
		return true
	}
	depth := 0 // frames above the root plus every frame's ops
	tok := func(at int) bool {
		r.tokens++
		if r.tokens > maxTokens {
			r.tooMany, r.at = true, at
			return false
		}
		return true
	}
	deeper := func(at int) bool {
		r.maxDepth = max(r.maxDepth, depth)
		if depth > maxNesting {
			r.tooDeep, r.at = true, at
			return false
		}
		return true
	}
	push := func(m scanMode, at int) bool {
		stack[len(stack)-1].lastValue = false
		stack = append(stack, scanFrame{mode: m})
		depth++
		return deeper(at)
	}
	pop := func() {
		f := stack[len(stack)-1]
		depth -= 1 + int(f.ops)
		stack = stack[:len(stack)-1]
		stack[len(stack)-1].lastValue = true
	}
	op := func(at int) bool {
		f := &stack[len(stack)-1]
		f.ops++
		f.lastValue = false
		depth++
		return deeper(at)
	}
	reset := func() {
		f := &stack[len(stack)-1]
		depth -= int(f.ops)
		f.ops = 0
		f.lastValue = false
	}
	lineStart := true // in a heredoc: at the start of a line
	i := 0
	for i < len(src) {
		top := &stack[len(stack)-1]
		c := src[i]
		switch top.mode {
		case modeQuoted, modeHeredoc:
			if top.mode == modeHeredoc && lineStart {
				end := bytes.IndexByte(src[i:], '\n')
				line := src[i:]
				if end >= 0 {
					line = src[i : i+end]
				}
				if bytes.Equal(bytes.TrimSpace(line), top.marker) {
					if !tok(i) {
						return r
					}
					pop()
					i += len(line)
					continue
				}
			}
			lineStart = false
			switch {
			case c == '"' && top.mode == modeQuoted:
				if !tok(i) {
					return r
				}
				pop()
				i++
				continue
			case (c == '$' || c == '%') && i+1 < len(src) && src[i+1] == '{':
				if !tok(i) {
					return r
				}
				// %{if} and %{for} nest the template up to their %{end...}.
				if c == '%' {
					switch directive(src[i+2:]) {
					case "if", "for":
						if !op(i) {
							return r
						}
					case "endif", "endfor":
						if f := &stack[len(stack)-1]; f.ops > 0 {
							f.ops--
							depth--
						}
					}
				}
				stack[len(stack)-1].run = 0 // an interpolation ends the run
				if !push(modeInterp, i) {
					return r
				}
				i += 2
				continue
			case (c == '$' || c == '%') && i+2 < len(src) && src[i+1] == c && src[i+2] == '{':
				// $${ and %%{ are literal text.
				if !tok(i) || !lit(i, i+3) {
					return r
				}
				i += 3
				continue
			case c == '$' || c == '%':
				if !tok(i) || !lit(i, i+1) {
					return r
				}
				i++
				continue
			case c == '\n' || c == '\r':
				// A quoted template's newlines are one token per run; a
				// heredoc's lines are tokens, each checked for the marker.
				if !tok(i) {
					return r
				}
				start := i
				if top.mode == modeHeredoc {
					// The newline ends the line's literal token.
					if c == '\n' {
						lineStart = true
					}
					i++
					stack[len(stack)-1].run++
					continue
				} else {
					for i < len(src) && (src[i] == '\n' || src[i] == '\r') {
						i++
					}
				}
				if !lit(start, i) {
					return r
				}
				continue
			}
			// A run of literal text is one token; every byte of broken
			// UTF-8 is a token of its own.
			if !tok(i) {
				return r
			}
			start := i
			for i < len(src) {
				c := src[i]
				if c == '"' && top.mode == modeQuoted || c == '$' || c == '%' || c == '\n' || c == '\r' {
					break
				}
				if c == '\\' && top.mode == modeQuoted && i+1 < len(src) && src[i+1] != '\n' && src[i+1] != '\r' {
					i += 2
					continue
				}
				if c >= utf8.RuneSelf {
					if ru, n := utf8.DecodeRune(src[i:]); ru == utf8.RuneError && n <= 1 {
						if !tok(i) {
							return r
						}
						i++
						continue
					} else {
						i += n
						continue
					}
				}
				i++
			}
			if !lit(start, i) {
				return r
			}
			continue
		}

		// Code: the root, a bracket of some kind or an interpolation.
		switch {
		case c == ' ' || c == '\t' || c == '\r' && i+1 < len(src) && src[i+1] == '\n':
			i++
		case c == '\r':
			// A lone carriage return is a token of its own to the lexer.
			if !tok(i) {
				return r
			}
			i++
		case c == '\n':
			if !tok(i) {
				return r
			}
			if top.mode == modeRoot || top.mode == modeBrace {
				reset()
			}
			i++
		case c == '#' || c == '/' && i+1 < len(src) && src[i+1] == '/':
			if !tok(i) {
				return r
			}
			if end := bytes.IndexByte(src[i:], '\n'); end >= 0 {
				i += end // the newline is scanned as one
			} else {
				i = len(src)
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*' && bytes.Contains(src[i+2:], []byte("*/")):
			// (An unterminated /* is not a comment to the lexer: / and *.)
			if !tok(i) {
				return r
			}
			i += bytes.Index(src[i+2:], []byte("*/")) + 4
		case c == '"':
			if !tok(i) || !push(modeQuoted, i) {
				return r
			}
			i++
		case c == '<' && i+2 < len(src) && src[i+1] == '<':
			if m, n := heredocIntro(src[i:]); n > 0 {
				if !tok(i) || !push(modeHeredoc, i) {
					return r
				}
				stack[len(stack)-1].marker = m
				lineStart = true
				i += n
				continue
			}
			if !tok(i) || !op(i) {
				return r
			}
			i++
		case c == '{':
			if !tok(i) || !push(modeBrace, i) {
				return r
			}
			i++
		case c == '[' || c == '(':
			// An index, or a call's arguments, nests the collection or
			// the callee one level deeper in the tree.
			if c == '[' && top.lastValue && !op(i) {
				return r
			}
			m := modeBracket
			if c == '(' {
				m = modeParen
			}
			if !tok(i) || !push(m, i) {
				return r
			}
			i++
		case c == '}':
			if !tok(i) {
				return r
			}
			// As the lexer does, only braces decide where an
			// interpolation ends; unclosed [ and ( inside it end with it.
			for len(stack) > 1 {
				f := stack[len(stack)-1]
				pop()
				if f.mode == modeInterp {
					lineStart = false // back mid-line in the template
				}
				if f.mode == modeBrace || f.mode == modeInterp {
					break
				}
				// An unclosed [ or ( still counts: the parser may still be
				// inside it (only a broken file gets here).
				depth += 1 + int(f.ops)
			}
			i++
		case c == ']' || c == ')':
			if !tok(i) {
				return r
			}
			want := modeBracket
			if c == ')' {
				want = modeParen
			}
			if len(stack) > 1 && top.mode == want {
				pop()
			}
			i++
		case c == ',' || c == '=' && !(i+1 < len(src) && (src[i+1] == '=' || src[i+1] == '>')):
			if !tok(i) {
				return r
			}
			reset()
			i++
		case isIdentStart(c) || c >= utf8.RuneSelf:
			if !tok(i) {
				return r
			}
			for i < len(src) && isIdentByte(src[i]) {
				i++
			}
			if i < len(src) && src[i] >= utf8.RuneSelf {
				// Non-ASCII: letters continue the name; broken UTF-8 is a
				// token per byte, like any other stray byte.
				_, n := utf8.DecodeRune(src[i:])
				i += n
			}
			stack[len(stack)-1].lastValue = true
		case c >= '0' && c <= '9':
			if !tok(i) {
				return r
			}
			// digits, then .digits, then e[+-]digits, as the lexer reads a number
			digits := func() {
				for i < len(src) && src[i] >= '0' && src[i] <= '9' {
					i++
				}
			}
			digits()
			if i+1 < len(src) && src[i] == '.' && src[i+1] >= '0' && src[i+1] <= '9' {
				i++
				digits()
			}
			if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
				j := i + 1
				if j < len(src) && (src[j] == '+' || src[j] == '-') {
					j++
				}
				if j < len(src) && src[j] >= '0' && src[j] <= '9' {
					i = j
					digits()
				}
			}
			top.lastValue = true
		case c == '.':
			// Traversals (a.b.c) are flat; ... and .* are tokens.
			if !tok(i) {
				return r
			}
			i++
		default:
			// Operators, and any other byte: one token each; two-character
			// operators count once.
			if !tok(i) {
				return r
			}
			if i+1 < len(src) && isTwoCharOp(c, src[i+1]) {
				i++
			}
			if isOperator(c) && !op(i) {
				return r
			}
			i++
		}
	}
	return r
}

// directive is the keyword a template directive starts with, after %{.
func directive(s []byte) string {
	i := 0
	for i < len(s) && (s[i] == '~' || s[i] == ' ' || s[i] == '\t') {
		i++
	}
	j := i
	for j < len(s) && isIdentStart(s[j]) {
		j++
	}
	return string(s[i:j])
}

// maxMeld bounds the bytes the parser copies melding the literal parts of
// templates: a heredoc's lines times its length, roughly. 30,000 lines of
// 100 characters would be 45 GB.
const maxMeld = 128 << 20

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isOperator(c byte) bool {
	switch c {
	case '+', '-', '*', '/', '%', '!', '?', ':', '<', '>', '&', '|', '=':
		return true
	}
	return false
}

func isTwoCharOp(a, b byte) bool {
	switch string([]byte{a, b}) {
	case "&&", "||", "==", "!=", "<=", ">=", "=>":
		return true
	}
	return false
}

// heredocIntro matches <<EOT or <<-EOT followed by a newline, as the lexer
// does, returning the marker and the introducer's length with the newline.
func heredocIntro(s []byte) ([]byte, int) {
	i := 2
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	// ASCII names only: taking a name the lexer rejects for a heredoc
	// would hide code from the count, while missing a non-ASCII one only
	// counts text as code.
	if i >= len(s) || !isIdentStart(s[i]) {
		return nil, 0
	}
	for i < len(s) && (isIdentStart(s[i]) || s[i] >= '0' && s[i] <= '9' || s[i] == '-') {
		i++
	}
	marker := s[start:i]
	if i < len(s) && s[i] == '\r' {
		i++
	}
	if i >= len(s) || s[i] != '\n' {
		return nil, 0
	}
	return marker, i + 1
}

// limitDiagnostic turns a failed prescan into the error Parse returns.
func limitDiagnostic(src []byte, filename string, start hcl.Pos, r prescanResult, limits Limits) *hcl.Diagnostic {
	rng := byteRange(src, filename, start, r.at)
	if r.tooLong {
		return TextTooLong(maxMeld>>20, rng)
	}
	if r.tooMany {
		return LimitExceeded("tokens", limits.MaxTokens,
			fmt.Sprintf("%s has more than %d tokens (names, numbers, operators, strings...); split it into several files with include.", filename, limits.MaxTokens), rng)
	}
	return NestingTooDeep(limits.MaxNesting, rng)
}

// byteRange is the one-character range at byte offset off of src, which
// starts at start, with HCL's line and column (grapheme clusters) numbering.
func byteRange(src []byte, filename string, start hcl.Pos, off int) hcl.Range {
	off = min(max(off, 0), len(src))
	lineStart := bytes.LastIndexByte(src[:off], '\n') + 1
	line := start.Line + bytes.Count(src[:off], []byte("\n"))
	col := 1
	if lineStart == 0 {
		col = start.Column
	}
	// Count grapheme clusters, as HCL does, up to a bounded width: a
	// position a million columns into a line is not worth a million steps.
	prefix := src[lineStart:off]
	if len(prefix) > 1<<16 {
		col += len(prefix)
	} else {
		for len(prefix) > 0 {
			adv, _, err := textseg.ScanGraphemeClusters(prefix, true)
			if err != nil || adv == 0 {
				adv = 1
			}
			prefix = prefix[adv:]
			col++
		}
	}
	end := off
	if end < len(src) {
		_, n := utf8.DecodeRune(src[end:])
		end += n
	}
	p := hcl.Pos{Line: line, Column: col, Byte: start.Byte + off}
	q := hcl.Pos{Line: line, Column: col + 1, Byte: start.Byte + end}
	if end == off {
		q = p
	}
	return hcl.Range{Filename: filename, Start: p, End: q}
}
