// Command parsefloor is the floor under `buildlang check` that
// hack/bench-check prints beside it: it reads a build file, parses it with
// hclsyntax exactly as lang does for a large file (cut into chunks at the
// ends of top-level blocks, lang.SplitChunks, each chunk parsed on one of
// GOMAXPROCS goroutines, the collector off as check has it) and exits,
// doing nothing else. No check of that file can take less time than this
// parse in a process this small: what check takes beyond it is lang's
// checking and the start and exit of a larger binary.
//
//	go run ./internal/gen/cmd/parsefloor FILE
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: parsefloor FILE")
		os.Exit(2)
	}
	debug.SetGCPercent(-1)
	src, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	chunks := lang.SplitChunks(src)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(chunks); i = int(next.Add(1) - 1) {
				if _, diags := hclsyntax.ParseConfig(chunks[i].Text, os.Args[1], chunks[i].Pos); diags.HasErrors() {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		fmt.Fprintln(os.Stderr, "parsefloor: the file does not parse")
		os.Exit(1)
	}
}
