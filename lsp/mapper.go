package lsp

import (
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/apparentlymart/go-textseg/v15/textseg"
	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// mapper converts between the three ways positions are written for one
// file's content: byte offsets, HCL positions (1-based line, 1-based column
// counting grapheme clusters, byte offset) and LSP positions (0-based line,
// 0-based character counting UTF-16 code units). It is the only place that
// knows about UTF-16: every handler works in byte offsets and converts at
// the edge. Lines end at "\n"; a "\r" before it belongs to the line.
type mapper struct {
	content []byte
	lines   []int // byte offset of the start of each line
}

func newMapper(content []byte) *mapper {
	m := &mapper{content: content, lines: []int{0}}
	for i, c := range content {
		if c == '\n' {
			m.lines = append(m.lines, i+1)
		}
	}
	return m
}

// lineOf returns the 0-based line holding byte offset off.
func (m *mapper) lineOf(off int) int {
	return sort.Search(len(m.lines), func(i int) bool { return m.lines[i] > off }) - 1
}

// lineStart is the offset of the start of line l, or the end of the
// content when there is no line l.
func (m *mapper) lineStart(l int) int {
	if l < len(m.lines) {
		return m.lines[l]
	}
	return len(m.content)
}

// lineEnd is the offset of the end of line l, before its newline.
func (m *mapper) lineEnd(l int) int {
	if l+1 < len(m.lines) {
		return m.lines[l+1] - 1
	}
	return len(m.content)
}

// clamp keeps off inside the content and off the middle of a UTF-8 sequence.
func (m *mapper) clamp(off int) int {
	if off < 0 {
		return 0
	}
	if off > len(m.content) {
		return len(m.content)
	}
	for off > 0 && off < len(m.content) && !utf8.RuneStart(m.content[off]) {
		off--
	}
	return off
}

// position converts a byte offset to an LSP position.
func (m *mapper) position(off int) protocol.Position {
	off = m.clamp(off)
	l := m.lineOf(off)
	return protocol.Position{Line: uint32(l), Character: uint32(utf16Len(m.content[m.lines[l]:off]))}
}

// offset converts an LSP position to a byte offset. A character past the
// end of its line means the end of the line, as the specification says; a
// line past the end of the content is an error.
func (m *mapper) offset(p protocol.Position) (int, error) {
	l := int(p.Line)
	if l >= len(m.lines) {
		if l == len(m.lines) && p.Character == 0 {
			return len(m.content), nil
		}
		return 0, fmt.Errorf("line %d is past the end of the document (%d lines)", p.Line+1, len(m.lines))
	}
	off, end := m.lines[l], m.lineEnd(l)
	for units := uint32(0); off < end && units < p.Character; {
		r, size := utf8.DecodeRune(m.content[off:end])
		n := uint32(1)
		if r >= 0x10000 {
			n = 2
		}
		if units+n > p.Character {
			break // inside a surrogate pair: stay before the character
		}
		units += n
		off += size
	}
	return off, nil
}

// lspRange converts an HCL range by its byte offsets.
func (m *mapper) lspRange(r hcl.Range) protocol.Range {
	return protocol.Range{Start: m.position(r.Start.Byte), End: m.position(r.End.Byte)}
}

// offsetRange converts a byte range.
func (m *mapper) offsetRange(start, end int) protocol.Range {
	return protocol.Range{Start: m.position(start), End: m.position(end)}
}

// hclPos converts a byte offset to an HCL position, columns counted in
// grapheme clusters as hclsyntax counts them.
func (m *mapper) hclPos(off int) hcl.Pos {
	off = m.clamp(off)
	l := m.lineOf(off)
	col := 1
	for b := m.content[m.lines[l]:off]; len(b) > 0; col++ {
		adv, _, err := textseg.ScanGraphemeClusters(b, true)
		if err != nil || adv <= 0 {
			adv = 1
		}
		b = b[adv:]
	}
	return hcl.Pos{Line: l + 1, Column: col, Byte: off}
}

// utf16Len counts the UTF-16 code units of b; an invalid byte counts as one.
func utf16Len(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		b = b[size:]
	}
	return n
}

// utf16String counts the UTF-16 code units of s.
func utf16String(s string) int { return utf16Len([]byte(s)) }
