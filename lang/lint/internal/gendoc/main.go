// Command gendoc writes spec/lint.md, the documentation of the lint rules,
// to standard output: go run ./lang/lint/internal/gendoc > spec/lint.md
package main

import (
	"os"

	"github.com/org/buildlang/lang/lint"
)

func main() {
	if _, err := os.Stdout.Write(lint.Markdown()); err != nil {
		os.Exit(1)
	}
}
