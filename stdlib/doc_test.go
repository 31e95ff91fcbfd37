package stdlib

import (
	"bytes"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// spec/stdlib.md is generated from the function Specs; this keeps it from
// drifting when a function or description changes.
func TestSpecStdlibMarkdownIsUpToDate(t *testing.T) {
	const path = "../spec/stdlib.md"
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v\nregenerate it with: go run ./internal/gendocs", err)
	}
	want := RenderMarkdown()
	if !bytes.Equal(got, want) {
		t.Fatalf("spec/stdlib.md is out of date; regenerate it from the repository root with:\n\tgo run ./internal/gendocs\n(-file +generated):\n%s",
			cmp.Diff(string(got), string(want)))
	}
}
