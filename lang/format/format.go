// Package format lays out buildlang source canonically, as `buildlang fmt`
// does.
//
// The layout is hclwrite.Format's (two-space indentation, one space around
// operators, aligned "=" in runs of attributes, aligned trailing comments),
// plus a few rules of its own for blank lines:
//
//   - no blank lines at the start or the end of the file;
//   - at most one blank line in a row;
//   - no blank line just after an opening "{" or just before a closing "}";
//   - the file ends with exactly one newline.
//
// Formatting changes only whitespace: the tokens of the result are the
// tokens of the input, and lines are never joined or split, so a formatted
// file always means what it meant before. Source checks this itself: in
// the rare input where hclwrite's spacing would change the tokens (such as
// "0 .0", which it would run together into the number "0.0"), only the
// blank-line rules are applied.
package format

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/org/buildlang/lang"
)

// maxPasses bounds how often Source re-formats its own output to reach a
// fixed point; one pass almost always suffices.
const maxPasses = 3

// Source returns src formatted canonically. A file with syntax errors is not
// formatted: Source returns the parser's diagnostics and nil. The result is
// stable: formatting it again gives it back unchanged.
func Source(src []byte, filename string) (out []byte, diags hcl.Diagnostics) {
	// A file over lang's token or nesting limits could take gigabytes, or
	// overflow the stack, to parse: it is refused with lang's error.
	if diags := lang.CheckSize(src, filename); diags != nil {
		return nil, diags
	}
	// Script heredocs are text, not templates: format them masked.
	src, masked := lang.MaskScripts(src)
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, diags
	}
	if masked {
		defer func() { out = lang.UnmaskScripts(out) }()
	}
	defer func() {
		// hclwrite is robust on parsable input, but a panic in it must
		// not take the CLI or the language server down with it.
		if r := recover(); r != nil {
			out, diags = nil, internalError(filename, fmt.Sprint(r))
		}
	}()
	out = src
	for range maxPasses {
		next := layout(hclwrite.Format(out))
		if bytes.Equal(next, out) {
			break
		}
		out = next
	}
	if !SameTokens(src, out) {
		out = layout(src)
	}
	if !SameTokens(src, out) {
		return nil, internalError(filename, "the result would differ from the input in more than whitespace")
	}
	return out, nil
}

func internalError(filename, what string) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Cannot format file",
		Detail:   fmt.Sprintf("The formatter failed on %s: %s. The file is left as it is; please report this as a bug.", filename, what),
		Subject:  &hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos},
	}}
}

// SameTokens says whether a and b are the same HCL tokens on the same
// lines: whether they differ only in spaces, blank lines and the newline at
// the end of the file.
func SameTokens(a, b []byte) bool {
	ta, tb := Tokens(a), Tokens(b)
	if len(ta) != len(tb) {
		return false
	}
	for i := range ta {
		if ta[i] != tb[i] {
			return false
		}
	}
	return true
}

// Tokens lists the tokens of src as "Type:bytes" strings, as
// hclsyntax.LexConfig lexes them, with line breaks normalized: a line
// comment's newline is a token of its own, a run of newlines is one
// newline token, and newlines at the start and end of the file and the end
// of file token are left out.
func Tokens(src []byte) []string {
	toks, _ := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	const newline = "TokenNewline"
	var out []string
	nl := func() {
		if len(out) > 0 && out[len(out)-1] != newline {
			out = append(out, newline)
		}
	}
	for _, t := range toks {
		switch t.Type {
		case hclsyntax.TokenEOF:
		case hclsyntax.TokenNewline:
			nl()
		case hclsyntax.TokenComment:
			out = append(out, fmt.Sprintf("%s:%s", t.Type, bytes.TrimRight(t.Bytes, "\r\n")))
			if bytes.HasSuffix(t.Bytes, []byte("\n")) {
				nl()
			}
		default:
			out = append(out, fmt.Sprintf("%s:%s", t.Type, t.Bytes))
		}
	}
	if len(out) > 0 && out[len(out)-1] == newline {
		out = out[:len(out)-1]
	}
	return out
}

// line is one line of source: its tokens up to and including the newline
// (or line comment) that ends it. Heredoc content is part of the line
// that opens the heredoc.
type line struct {
	start, end int // byte offsets in the source
	toks       hclsyntax.Tokens
}

func (l line) blank() bool {
	return len(l.toks) == 1 && l.toks[0].Type == hclsyntax.TokenNewline
}

func (l line) first() hclsyntax.TokenType { return l.toks[0].Type }

// last is the type of the last token before the line's end.
func (l line) last() hclsyntax.TokenType {
	for i := len(l.toks) - 1; i >= 0; i-- {
		if t := l.toks[i].Type; t != hclsyntax.TokenNewline {
			return t
		}
	}
	return hclsyntax.TokenNewline
}

// layout applies the blank-line rules to formatted source.
func layout(src []byte) []byte {
	toks, diags := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	if diags.HasErrors() {
		return src
	}
	var lines []line
	cur := line{}
	for _, t := range toks {
		if t.Type == hclsyntax.TokenEOF {
			// A last line without a line ending; spaces after the
			// last token of the file are dropped with it.
			if len(cur.toks) > 0 {
				cur.end = cur.toks[len(cur.toks)-1].Range.End.Byte
				lines = append(lines, cur)
			}
			break
		}
		cur.toks = append(cur.toks, t)
		if t.Type == hclsyntax.TokenNewline || t.Type == hclsyntax.TokenComment && bytes.HasSuffix(t.Bytes, []byte("\n")) {
			cur.end = t.Range.End.Byte
			lines = append(lines, cur)
			cur = line{start: cur.end}
		}
	}

	var out bytes.Buffer
	out.Grow(len(src))
	var prev *line // the last line written
	for i := range lines {
		l := &lines[i]
		if l.blank() {
			next := nextNonBlank(lines, i)
			switch {
			case prev == nil || prev.blank(): // start of file, or a second blank line
				continue
			case next == nil: // end of file
				continue
			case prev.last() == hclsyntax.TokenOBrace || next.first() == hclsyntax.TokenCBrace:
				continue
			}
		}
		out.Write(src[l.start:l.end])
		prev = l
	}
	if b := out.Bytes(); len(b) > 0 && b[len(b)-1] != '\n' {
		out.WriteByte('\n')
	}
	return out.Bytes()
}

func nextNonBlank(lines []line, i int) *line {
	for j := i + 1; j < len(lines); j++ {
		if !lines[j].blank() {
			return &lines[j]
		}
	}
	return nil
}
