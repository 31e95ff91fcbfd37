package lang

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang/internal/par"
)

// Parsing in chunks. A build file is a sequence of top-level blocks, and
// HCL's parser spends most of Load's time on a large file; its token slice
// also grows by copying, so one large parse allocates several times what
// many small ones do. Large files are therefore cut into chunks at the lines
// that close a top-level block ("}" alone on a line), each chunk is parsed
// at its position in the file, on every core, and the chunks' bodies are
// joined into one: the same body a whole parse gives (a test checks it).
// When any chunk has a diagnostic, or two chunks set the same top-level
// attribute, the file is parsed whole, so errors are exactly the parser's.
// The language server reuses the same cut to reparse only changed chunks.

// chunkedParseMin is the size above which Load parses a file in chunks.
const chunkedParseMin = 32 << 10

// Chunk is a piece of a build file that starts at a top-level boundary.
type Chunk struct {
	Pos  hcl.Pos // where Text starts in the file
	Text []byte
}

// SplitChunks cuts src after every line that is "}" alone (trailing
// spaces allowed). The chunks cover src exactly, in order.
func SplitChunks(src []byte) []Chunk {
	var chunks []Chunk
	start, line, lineStart := 0, 1, 0
	startLine := 1
	for i, c := range src {
		if c != '\n' {
			continue
		}
		text := bytes.TrimRight(src[lineStart:i], " \t\r")
		line++
		lineStart = i + 1
		if len(text) == 1 && text[0] == '}' && i+1 < len(src) {
			chunks = append(chunks, Chunk{Pos: hcl.Pos{Line: startLine, Column: 1, Byte: start}, Text: src[start : i+1]})
			start, startLine = i+1, line
		}
	}
	return append(chunks, Chunk{Pos: hcl.Pos{Line: startLine, Column: 1, Byte: start}, Text: src[start:]})
}

// JoinChunks joins the bodies of a file's chunks, in order, into one file.
// It reports false when they cannot stand for a whole parse: a chunk
// failed to parse cleanly or two chunks set the same top-level attribute.
func JoinChunks(src []byte, bodies []*hclsyntax.Body, diags []hcl.Diagnostics) (*hcl.File, bool) {
	merged := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}}
	for i, body := range bodies {
		if body == nil || len(diags[i]) > 0 {
			return nil, false
		}
		for n, a := range body.Attributes {
			if merged.Attributes[n] != nil {
				return nil, false
			}
			merged.Attributes[n] = a
		}
		merged.Blocks = append(merged.Blocks, body.Blocks...)
		if i == 0 {
			merged.SrcRange = body.SrcRange
		}
		merged.SrcRange.End = body.SrcRange.End
		merged.EndRange = body.EndRange
	}
	return &hcl.File{Body: merged, Bytes: src, Nav: navigation{merged}}, true
}

// navigation is what hclsyntax gives a parsed file as its Nav (its own
// type is unexported), for a joined body: HCL's diagnostic writer names
// the top-level block a diagnostic is in ("on build.hcl line 3, in target
// "app"") through it. Blocks are found by binary search, since a joined
// file is a large one.
type navigation struct{ body *hclsyntax.Body }

// block is the top-level block whose range contains offset, or nil.
func (n navigation) block(offset int) *hclsyntax.Block {
	blocks := n.body.Blocks
	i := sort.Search(len(blocks), func(i int) bool { return blocks[i].Range().End.Byte > offset })
	if i < len(blocks) && blocks[i].Range().ContainsOffset(offset) {
		return blocks[i]
	}
	return nil
}

// ContextString is the header of the top-level block at offset, as
// hclsyntax writes it: its type and quoted labels.
func (n navigation) ContextString(offset int) string {
	b := n.block(offset)
	if b == nil {
		return ""
	}
	s := b.Type
	for _, l := range b.Labels {
		s += fmt.Sprintf(" %q", l)
	}
	return s
}

// ContextDefRange is the definition range of the top-level block at
// offset.
func (n navigation) ContextDefRange(offset int) hcl.Range {
	if b := n.block(offset); b != nil {
		return b.DefRange()
	}
	return hcl.Range{}
}

// parseChunked parses a large, size-checked file in chunks on every core,
// or whole when the chunks cannot stand for it, and instruments the
// syntax for the evaluation budget (instrument), adding the functions the
// file calls to calls. Each chunk is instrumented by the goroutine that
// parsed it: the nodes are the joined body's, so that is the whole body
// instrumented.
func parseChunked(src []byte, filename string, start hcl.Pos, calls map[string]bool) (*hcl.File, hcl.Diagnostics) {
	chunks := SplitChunks(src)
	if start != hcl.InitialPos || len(chunks) < 4 {
		return parseWhole(src, filename, start, calls)
	}
	bodies := make([]*hclsyntax.Body, len(chunks))
	diags := make([]hcl.Diagnostics, len(chunks))
	called := make([]map[string]bool, len(chunks))
	// A chunk whose parse panics has no body: the file is parsed whole,
	// on this goroutine, as it would be without chunks.
	_ = par.Each(len(chunks), func(i int) {
		f, d := hclsyntax.ParseConfig(chunks[i].Text, filename, chunks[i].Pos)
		body, _ := f.Body.(*hclsyntax.Body)
		if body != nil && len(d) == 0 {
			called[i] = map[string]bool{}
			instrument(body, called[i])
		}
		bodies[i], diags[i] = body, d
	})
	f, ok := JoinChunks(src, bodies, diags)
	if !ok {
		return parseWhole(src, filename, start, calls)
	}
	for _, c := range called {
		for name := range c {
			calls[name] = true
		}
	}
	return f, nil
}

// parseWhole is hclsyntax.ParseConfig, instrumented as parseChunked is.
func parseWhole(src []byte, filename string, start hcl.Pos, calls map[string]bool) (*hcl.File, hcl.Diagnostics) {
	f, diags := hclsyntax.ParseConfig(src, filename, start)
	if body, ok := f.Body.(*hclsyntax.Body); ok {
		instrument(body, calls)
	}
	return f, diags
}
