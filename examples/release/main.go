// Command hello prints a greeting and the version it was released as.
package main

import (
	"flag"
	"fmt"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}
	fmt.Printf("hello (version %s)\n", version)
}
