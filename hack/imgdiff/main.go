// Command imgdiff compares two images (file tree and config) and prints
// what differs, one line each; it exits 1 when they differ.
//
//	go run ./hack/imgdiff [--platform linux/amd64] A B
//
// A and B are OCI layout directories (oci-layout://DIR or DIR, as
// `buildctl build --output type=oci,tar=false,dest=DIR` writes them) or
// registry references (localhost registries are reached over plain HTTP).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/org/buildlang/internal/imgdiff"
)

func main() {
	platform := flag.String("platform", "", "the platform to compare, e.g. linux/amd64 (default: the only image)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: imgdiff [--platform OS/ARCH] IMAGE_A IMAGE_B")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	var imgs [2]*imgdiff.Image
	for i, src := range flag.Args() {
		img, err := imgdiff.Open(src, *platform)
		if err != nil {
			fmt.Fprintln(os.Stderr, "imgdiff:", err)
			os.Exit(2)
		}
		imgs[i] = img
	}
	diff := imgdiff.Diff(imgs[0], imgs[1])
	for _, line := range diff {
		fmt.Println(line)
	}
	if len(diff) > 0 {
		fmt.Fprintf(os.Stderr, "imgdiff: %d differences\n", len(diff))
		os.Exit(1)
	}
}
