package lsp

import (
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/org/buildlang/lang"
)

// TestParseIncremental checks the joined chunk parses equal a parse of
// the whole document, after edits at the start, middle and end, and that a
// document with errors gets the parser's own diagnostics.
func TestParseIncremental(t *testing.T) {
	src := benchFile()
	cache := &chunkCache{}
	check := func(what string, src []byte) {
		t.Helper()
		got, gdiags := parseIncremental(src, "build.hcl", cache)
		want, wdiags := hclParse(src)
		got.Nav, want.Nav = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the incremental parse differs from a whole parse", what)
		}
		if len(gdiags) != len(wdiags) || gdiags.Error() != wdiags.Error() {
			t.Fatalf("%s: diagnostics %v, want %v", what, gdiags, wdiags)
		}
	}
	check("first parse", src)
	check("same text", src)
	mid := len(src) / 2
	for _, edit := range []struct {
		what string
		at   int
		text string
	}{
		{"insert at start", 0, "# é😀\n"},
		{"insert in the middle", mid, "\n"},
		{"insert at end", len(src), "target \"z\" {\n}\n"},
		{"break the middle", mid, "{{{ \""},
	} {
		at := min(edit.at, len(src))
		src = append(append(append([]byte{}, src[:at]...), edit.text...), src[at:]...)
		check(edit.what, src)
	}
	if len(cache.chunks) == 0 {
		t.Fatal("no chunks cached")
	}
}

func hclParse(src []byte) (*hcl.File, hcl.Diagnostics) { return lang.Parse(src, "build.hcl") }
