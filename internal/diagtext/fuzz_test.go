package diagtext_test

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// FuzzSameAsHCL: for any file and any subject and context offsets, our
// writer prints what HCL's does.
func FuzzSameAsHCL(f *testing.F) {
	f.Add([]byte("target \"a\" {\n  from = \"alpine\"\n}\n"), 15, 5, 0, 40)
	f.Add([]byte("a = 1\r\nb = \"\r\"\r\n\r"), 8, 3, -1, 2)
	f.Add([]byte("x = \"\xff\n\xc3\n日本\te\u0301\"\n"), 2, 12, 3, 0)
	f.Fuzz(func(t *testing.T, src []byte, start, n, ctxStart, ctxN int) {
		if len(src) > 1<<12 {
			return
		}
		file, _ := hclsyntax.ParseConfig(src, "f.hcl", hcl.InitialPos)
		if file == nil || file.Bytes == nil {
			file = &hcl.File{Bytes: src}
		}
		span := func(i, n int) *hcl.Range {
			i, n = i%(len(src)+3), n%(len(src)+3) // near the file, maybe past it, maybe inverted
			return &hcl.Range{Filename: "f.hcl", Start: at(src, i), End: at(src, i+n)}
		}
		d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "S", Detail: "D", Subject: span(start, n)}
		if ctxN != 0 {
			d.Context = span(ctxStart, ctxN)
		}
		sameAsHCL(t, source{name: "fuzz", files: map[string]*hcl.File{"f.hcl": file}, diags: hcl.Diagnostics{d}})
	})
}
