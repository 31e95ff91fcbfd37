// Command genref writes spec/reference.md from lang.TopSchema. Run it from
// the repository root:
//
//	go run ./spec/internal/genref > spec/reference.md
//
// or, as go generate ./spec does, with -o:
//
//	go run ./spec/internal/genref -o spec/reference.md
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/org/buildlang/spec"
)

func main() {
	out := flag.String("o", "", "write to this file instead of standard output")
	flag.Parse()
	md := spec.RenderReference()
	var err error
	if *out == "" {
		_, err = os.Stdout.Write(md)
	} else {
		err = os.WriteFile(*out, md, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genref:", err)
		os.Exit(1)
	}
}
