package lang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// lexDepth is the deepest nesting of brackets, braces, parentheses,
// strings, heredocs and interpolations in the tokens HCL's own lexer
// makes of src, and the number of tokens.
func lexDepth(src []byte) (depth, tokens int) {
	toks, _ := hclsyntax.LexConfig(src, "x.hcl", hcl.InitialPos)
	d := 0
	for _, t := range toks {
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenOQuote,
			hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			d++
			depth = max(depth, d)
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenCQuote,
			hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			d = max(d-1, 0)
		}
	}
	return depth, len(toks)
}

// prescan must never see less nesting than HCL's lexer: where its modes
// (code, strings, heredocs, comments, interpolations) differed from the
// lexer's, code could hide from the count as text and be parsed, and
// evaluated, as deep as it likes. Tokens are an estimate, checked loosely.
func checkPrescan(t *testing.T, src []byte) {
	t.Helper()
	r := prescan(src, 1<<30, 1<<30)
	want, toks := lexDepth(src)
	if r.maxDepth < want {
		t.Fatalf("prescan saw depth %d, HCL's lexer %d:\n%q", r.maxDepth, want, src)
	}
	if toks > 16 && r.tokens < toks/3 {
		t.Fatalf("prescan counted %d tokens, HCL's lexer %d:\n%q", r.tokens, toks, src)
	}
}

func TestPrescanAgainstLexer(t *testing.T) {
	for _, s := range []string{
		`a = [[[1]]]`, `a = "${"${"${1}"}"}"`, "a = <<EOT\n${[[[1]]]}\nEOT\n", "a = <<-X\n  ${\"(\"}\n  X\nb = [[1]]",
		`a = "\"[[[" + [[1]]`, "# [[[[\na = [1]", "/* [[[[ */ a = [[1]]", "/* unterminated [[[", `a = "$${[[[" `,
		`a = "%%{[[[" `, "a = {b = {c = [(1)]}}", `x = "%{if a}${[1]}%{endif}"`, "a = <<EOT\nEOT\n[[[", "a = <<\xffX\n[[[\n",
		"a = \"\\\n[[[", "a = \"${ { } }\" [[", "a = \"${ ] }\" [[[", "a = <<EOT\n x ${1} EOT\nEOT\n[[[[",
	} {
		checkPrescan(t, []byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) < 256<<10 && utf8.Valid(data) {
			checkPrescan(t, data)
		}
	}
}

// FuzzPrescan compares prescan with HCL's lexer on arbitrary input.
func FuzzPrescan(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) < 16<<10 {
			f.Add(data)
		}
	}
	for _, s := range []string{"a = <<EOT\n${[\nEOT\n]}", `"${"%{for x in y}${[}%{endfor}"}"`, "<<-A\n<<B\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// Parse rejects broken UTF-8 before prescan runs (the lexer reads
		// a broken byte and the next one as one character).
		if len(src) > 1<<16 || strings.Count(string(src), "<<") > 64 || !utf8.Valid(src) {
			return
		}
		checkPrescan(t, src)
	})
}
