package lang

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/internal/gen"
)

// contextNav is what HCL's diagnostic writer and hcled read from a file's
// Nav.
type contextNav interface {
	ContextString(offset int) string
	ContextDefRange(offset int) hcl.Range
}

// TestParseChunkedIsWholeParse holds chunked parsing to its promise: the
// same file, body and diagnostics as one hclsyntax parse, for generated
// files, every example, and files whose chunks cannot parse alone.
func TestParseChunkedIsWholeParse(t *testing.T) {
	inputs := map[string][]byte{
		"generated":       gen.Targets(200),
		"brace in string": []byte("locals {\n  a = <<EOT\n}\nEOT\n}\n" + string(gen.Targets(20))),
		"broken middle":   append(gen.Targets(20), []byte("target \"x\" {\n  run {\n}\n"+string(gen.Targets(10)))...),
		"attribute twice": []byte("include = []\ntarget \"a\" {\n}\ninclude = []\ntarget \"b\" {\n}\ntarget \"c\" {\n}\n"),
		"broken first":    append([]byte("target \"x\" {\n  from = \"a\" +\n}\n"), gen.Targets(20)...),
		"broken last":     append(gen.Targets(20), []byte("target \"x\" {\n  tags = [\"a\",\n}\n")...),
		"unclosed string": append(gen.Targets(20), []byte("target \"x\" {\n  from = \"a\n}\n")...),
		"stray brace":     append(gen.Targets(20), []byte("}\n"+string(gen.Targets(5)))...),
		"unclosed block":  append(gen.Targets(20), []byte("target \"x\" {\n")...),
		"bad character":   append(gen.Targets(20), []byte("target \"x\" {\n  from = 'a'\n}\n"+string(gen.Targets(5)))...),
	}
	examples, _ := filepath.Glob("../examples/*/build.hcl")
	for _, ex := range examples {
		src, err := os.ReadFile(ex)
		if err != nil {
			t.Fatal(err)
		}
		inputs[ex] = src
	}
	for name, src := range inputs {
		gcalls, wcalls := map[string]bool{}, map[string]bool{}
		got, gdiags := parseChunked(src, "build.hcl", hcl.InitialPos, gcalls)
		want, wdiags := parseWhole(src, "build.hcl", hcl.InitialPos, wcalls)
		// Nav is hclsyntax's unexported type in a whole parse; what it
		// says about every offset must be the same.
		gnav, wnav := got.Nav.(contextNav), want.Nav.(contextNav)
		for off := 0; off <= len(src); off += 7 {
			if g, w := gnav.ContextString(off), wnav.ContextString(off); g != w {
				t.Fatalf("%s: context at byte %d is %q, want %q", name, off, g, w)
			}
			if g, w := gnav.ContextDefRange(off), wnav.ContextDefRange(off); g != w {
				t.Fatalf("%s: context range at byte %d is %v, want %v", name, off, g, w)
			}
		}
		got.Nav, want.Nav = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the chunked parse differs from a whole parse", name)
		}
		if !reflect.DeepEqual(gdiags, wdiags) {
			t.Errorf("%s: diagnostics %v, want %v", name, gdiags, wdiags)
		}
		if broken := name != "generated" && name != "brace in string" && !strings.HasPrefix(name, "../"); broken != wdiags.HasErrors() {
			t.Errorf("%s: syntax errors %v, want %v", name, wdiags.HasErrors(), broken)
		}
		if !reflect.DeepEqual(gcalls, wcalls) {
			t.Errorf("%s: calls %v, want %v", name, gcalls, wcalls)
		}
	}
	// The generated file must take the chunked path, not the fallback.
	src := gen.Targets(200)
	chunks := SplitChunks(src)
	if len(chunks) < 100 {
		t.Fatalf("a generated file of 200 targets splits into %d chunks; the split is not finding block ends", len(chunks))
	}
	bodies := make([]*hclsyntax.Body, len(chunks))
	diags := make([]hcl.Diagnostics, len(chunks))
	for i, c := range chunks {
		f, d := hclsyntax.ParseConfig(c.Text, "build.hcl", c.Pos)
		bodies[i], diags[i] = f.Body.(*hclsyntax.Body), d
	}
	if _, ok := JoinChunks(src, bodies, diags); !ok {
		t.Error("the generated file's chunks do not join; Load would parse it whole")
	}
}
