// Command genfiles writes the generated benchmark files of package gen into
// a directory: build.hcl (gen.Targets) and docker-bake.hcl (gen.Bake), for
// hack/bench-check.
//
//	go run ./internal/gen/cmd/genfiles -n 1000 DIR
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/org/buildlang/internal/gen"
)

func main() {
	n := flag.Int("n", 1000, "number of targets, matrix instances counted")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: genfiles [-n N] DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	for name, data := range map[string][]byte{"build.hcl": gen.Targets(*n), "docker-bake.hcl": gen.Bake(*n)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
