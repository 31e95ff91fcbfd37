// Command app looks up the size of the geo database it ships with.
package main

import (
	"fmt"
	"log"
	"os"
)

func main() {
	fi, err := os.Stat("geo.db")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("geo.db: %d bytes\n", fi.Size())
}
