// Command gendoc writes spec/stdlib.md from the stdlib package's function
// Specs. Run it from the repository root:
//
//	go run ./stdlib/internal/gendoc > spec/stdlib.md
//
// or, as go generate does, with -o:
//
//	go run ./stdlib/internal/gendoc -o spec/stdlib.md
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/org/buildlang/stdlib"
)

func main() {
	out := flag.String("o", "", "write to this file instead of standard output")
	flag.Parse()
	md := stdlib.RenderMarkdown()
	var err error
	if *out == "" {
		_, err = os.Stdout.Write(md)
	} else {
		err = os.WriteFile(*out, md, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
}
