package lsp

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/internal/gen"
	"github.com/org/buildlang/lang"
)

// TestParseIncremental checks the joined chunk parses equal a parse of
// the whole document, after edits at the start, middle and end, and that a
// document with errors gets the parser's own diagnostics.
func TestParseIncremental(t *testing.T) {
	src := benchFile()
	cache := &chunkCache{}
	check := func(what string, src []byte, maxParsed int) {
		t.Helper()
		got, gdiags, _ := parseIncremental(src, "build.hcl", cache)
		want, wdiags := hclParse(src)
		got.Nav, want.Nav = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the incremental parse differs from a whole parse", what)
		}
		if len(gdiags) != len(wdiags) || gdiags.Error() != wdiags.Error() {
			t.Fatalf("%s: diagnostics %v, want %v", what, gdiags, wdiags)
		}
		if cache.parsed > maxParsed {
			t.Fatalf("%s: %d chunks parsed again, want at most %d", what, cache.parsed, maxParsed)
		}
	}
	all := len(lang.SplitChunks(src)) + 2
	check("first parse", src, all)
	check("same text", src, 0)
	const mid = -1 // the start of the middle line: edits there keep the file valid
	for _, edit := range []struct {
		what      string
		at        int
		text      string
		maxParsed int
	}{
		// The chunks after an edit are moved, not parsed again.
		{"insert at start", 0, "# é😀\n", 1},
		{"insert in the middle", mid, "\n", 1},
		{"insert at end", 1 << 30, "target \"z\" {\n}\n", 2}, // the last chunk and the new one
		{"insert a block at start", 0, shiftCases, 1},
		{"insert in the middle again", mid, "\n\n", 1},
		{"break the middle", mid, "{{{ \"", all},
	} {
		at := min(edit.at, len(src))
		if edit.at == mid {
			at = bytes.LastIndexByte(src[:len(src)/2], '\n') + 1
		}
		src = append(append(append([]byte{}, src[:at]...), edit.text...), src[at:]...)
		check(edit.what, src, edit.maxParsed)
	}
	if len(cache.chunks) == 0 {
		t.Fatal("no chunks cached")
	}
}

// TestParseIncrementalErrors checks that a document broken in the middle
// (from one chunk on it is parsed in one piece) still parses as a whole
// parse does, errors included, before and after typing after the break,
// and that it is parsed again from the break only.
func TestParseIncrementalErrors(t *testing.T) {
	clean := benchFile()
	mid := bytes.LastIndexByte(clean[:len(clean)/2], '\n') + 1
	inBlock := mid + bytes.Index(clean[mid:], []byte("  description")) // a line inside a target
	for _, c := range []struct {
		what string
		at   int
		text string
	}{
		{"attribute without a value", inBlock, "  broken =\n"},
		{"unclosed block", mid, "target \"open\" {\n"},
		{"unclosed string", inBlock, "  description = \"open\n"},
		{"unclosed comment", mid, "/*\n"},
		{"unclosed heredoc", inBlock, "  description = <<EOT\n"},
		{"stray brace", mid, "}\n"},
		{"stray brace at start", 0, "}\n"},
		{"attribute set twice", mid, "description = 1\ndescription = 2\n"},
		{"top-level attribute set again", mid, "x = 1\n}\nx = 2\n"},
		{"top-level attribute set in two chunks", 0, "x = 1\ntarget \"t\" {\n}\nx = 2\n"},
	} {
		t.Run(c.what, func(t *testing.T) {
			cache := &chunkCache{}
			parseIncremental(clean, "build.hcl", cache)
			src := append(append(append([]byte{}, clean[:c.at]...), c.text...), clean[c.at:]...)
			for _, step := range []string{"break", "type after the break"} {
				got, gdiags, _ := parseIncremental(src, "build.hcl", cache)
				want, wdiags := hclParse(src)
				got.Nav, want.Nav = nil, nil
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: the incremental parse differs from a whole parse", step)
				}
				if !wdiags.HasErrors() || gdiags.Error() != wdiags.Error() {
					t.Fatalf("%s: diagnostics %v, want %v", step, gdiags, wdiags)
				}
				after := 0 // chunks from the one the break is in
				for _, ch := range lang.SplitChunks(src) {
					if ch.Pos.Byte+len(ch.Text) > c.at {
						after++
					}
				}
				if cache.parsed > after+2 { // and the chunks the edit made, parsed alone first
					t.Fatalf("%s: %d chunks parsed again, want at most the %d from the break on, and it", step, cache.parsed, after)
				}
				at := c.at + len(c.text) + bytes.IndexByte(src[c.at+len(c.text):], '"') + 1
				src = append(append(append([]byte{}, src[:at]...), 'x'), src[at:]...)
			}
		})
	}
}

// shiftCases is a chunk holding every kind of expression the parser makes.
const shiftCases = `locals {
  a = [for k, v in var.m : "${k}=${v}" if v != ""]
  b = { for x in var.l : x => x... }
  c = var.l[*].name
  d = var.o.*.id
  e = (1 + 2) * -3 > 4 ? !true : false
  f = var.m["k"][0]
  g = "%{ for x in var.l }${x}%{ endfor }"
  h = "%{ if var.b }yes%{ else }no%{ endif }"
  i = <<EOT
  line ${upper("x")}
EOT
  j = concat(var.l, var.l2...)
  k = { "quoted" = 1, (var.key) = 2, bare = 3 }
  l = var.l[0].name[*].x
  m = upper(var.s).x
}
`

// TestShiftBody checks that moving a chunk's syntax gives what parsing it
// at the new position gives, for every kind of expression, and that a
// splat and the expression reading its symbol still share it.
func TestShiftBody(t *testing.T) {
	src := []byte(shiftCases)
	from := hcl.Pos{Line: 3, Column: 1, Byte: 40}
	to := hcl.Pos{Line: 12, Column: 1, Byte: 301}
	f0, diags := lang.ParseAt(src, "build.hcl", from)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want, _ := lang.ParseAt(src, "build.hcl", to)
	got, ok := shiftBody(f0.Body.(*hclsyntax.Body), from, to)
	if !ok {
		t.Fatal("shiftBody gave up")
	}
	if !reflect.DeepEqual(got, want.Body) {
		t.Fatal("the moved syntax differs from a parse at the new position")
	}
	splats := 0
	hclsyntax.VisitAll(got, func(n hclsyntax.Node) hcl.Diagnostics {
		if s, ok := n.(*hclsyntax.SplatExpr); ok {
			splats++
			found := false
			hclsyntax.VisitAll(s.Each, func(n hclsyntax.Node) hcl.Diagnostics {
				found = found || n == hclsyntax.Node(s.Item)
				return nil
			})
			if !found {
				t.Errorf("splat at %v: its expression does not read its own symbol", s.SrcRange)
			}
		}
		return nil
	})
	if splats < 3 {
		t.Fatalf("%d splats, want 3", splats)
	}
}

// TestParseIncrementalRandomEdits applies random edits (the fuzzer's
// pieces, at random places) to a generated file, one after another, and
// checks each version's incremental parse against a whole parse, and its
// tokens (tokens.go) against lexing the whole text.
func TestParseIncrementalRandomEdits(t *testing.T) {
	src := gen.Targets(60)
	cache := &chunkCache{}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 60 {
		at := rng.IntN(len(src) + 1)
		for at > 0 && at < len(src) && !utf8.RuneStart(src[at]) {
			at--
		}
		end := min(at+rng.IntN(4), len(src))
		for end < len(src) && !utf8.RuneStart(src[end]) {
			end++
		}
		piece := fuzzPieces[rng.IntN(len(fuzzPieces))]
		src = append(append(append([]byte{}, src[:at]...), piece...), src[end:]...)
		got, gdiags, cut := parseIncremental(src, "build.hcl", cache)
		want, wdiags := hclParse(src)
		got.Nav, want.Nav = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("edit %d (%q at %d): the incremental parse differs from a whole parse", i, piece, at)
		}
		// Tokens are asked for after most edits, not all: chunks not
		// lexed in a version keep the tokens of an earlier one.
		if cut != nil && i%3 != 1 {
			m := newMapper(src)
			if !reflect.DeepEqual(cut.tokens(src, m), lex(src, 0, len(src), m)) {
				t.Fatalf("edit %d (%q at %d): the incremental tokens differ from lexing the whole text", i, piece, at)
			}
		}
		if gdiags.Error() != wdiags.Error() {
			t.Fatalf("edit %d (%q at %d): diagnostics %v, want %v", i, piece, at, gdiags, wdiags)
		}
	}
}

func hclParse(src []byte) (*hcl.File, hcl.Diagnostics) { return lang.Parse(src, "build.hcl") }
