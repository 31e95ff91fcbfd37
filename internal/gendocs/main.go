// Command gendocs writes the generated parts of spec/ from the code that
// they document, so the docs cannot drift:
//
//	spec/stdlib.md     from the stdlib functions' Specs
//	spec/reference.md  from lang.TopSchema
//	spec/lint.md       from the lint rules
//
// Run it from the repository root: go run ./internal/gendocs
// (or go generate ./spec). Tests fail when a file is stale.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/org/buildlang/lang/lint"
	"github.com/org/buildlang/spec"
	"github.com/org/buildlang/stdlib"
)

func main() {
	dir := flag.String("dir", "spec", "directory to write the documents into")
	flag.Parse()
	docs := map[string][]byte{
		"stdlib.md":    stdlib.RenderMarkdown(),
		"reference.md": spec.RenderReference(),
		"lint.md":      lint.Markdown(),
	}
	for name, md := range docs {
		if err := os.WriteFile(filepath.Join(*dir, name), md, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gendocs:", err)
			os.Exit(1)
		}
	}
}
