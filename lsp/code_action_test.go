package lsp

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lsp/internal/protocol"
)

// Quick fixes come from the diagnostics' structured data, not their text:
// with every Summary and Detail reworded, the same fixes are offered.
func TestQuickFixesIgnoreWording(t *testing.T) {
	src := "variable \"VERSION\" {\n  default = \"1\"\n}\n\ntarget \"app\" {\n  from    = \"alpine:${var.VERSON}\"\n  network = \"hots\"\n  tags    = [var.REGISTRY]\n  run {\n    command = \"echo ${GIT_SHA}\"\n  }\n}\n"
	fixes := func(reword bool) string {
		_, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, lang.Options{})
		file, _ := lang.Parse([]byte(src), "build.hcl")
		f := &fileInfo{path: "/build.hcl", name: "build.hcl", file: file, m: newMapper([]byte(src))}
		var out strings.Builder
		for _, d := range diags {
			if reword {
				d.Summary, d.Detail = "Something is wrong", "Reworded: did you mean \"nothing\"? named \"x\""
			}
			for _, a := range quickFixes(f, "file:///build.hcl", d, protocol.Diagnostic{}) {
				fmt.Fprintf(&out, "%s: %s\n", a.Title, a.Edit.Changes["file:///build.hcl"][0].NewText)
			}
		}
		return out.String()
	}
	want := fixes(false)
	for _, title := range []string{`Change "VERSON" to "VERSION"`, `Change "hots" to "host"`, `Declare variable "REGISTRY"`, `Change "${GIT_SHA}" to "$${GIT_SHA}"`, `Change "${GIT_SHA}" to "${var.GIT_SHA}"`} {
		if !strings.Contains(want, title) {
			t.Errorf("no fix %s in:\n%s", title, want)
		}
	}
	if got := fixes(true); got != want {
		t.Errorf("reworded diagnostics give other fixes:\n%s\nwant:\n%s", got, want)
	}
}
