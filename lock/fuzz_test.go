package lock

import (
	"bytes"
	"testing"
)

// FuzzParse: build.lock comes from the client (the frontend reads it from
// the dockerfile local), so any bytes must parse without a panic, and the
// entries that parse must format to a file that parses to the same bytes.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`image "docker.io/library/alpine:3.20" {
  digest    = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
  platforms = ["linux/amd64", "linux/arm64"]
}
`))
	f.Add([]byte("image \"x\" {\n digest = 1\n}\n"))
	f.Add([]byte("image {"))
	f.Fuzz(func(t *testing.T, src []byte) {
		lf, _ := Parse(src, Filename)
		out := lf.Format()
		again, diags := Parse(out, Filename)
		if diags.HasErrors() {
			t.Fatalf("the formatted entries do not parse: %s\n%s", diags.Error(), out)
		}
		if !bytes.Equal(again.Format(), out) {
			t.Fatalf("format is not stable:\n%s\n---\n%s", out, again.Format())
		}
	})
}
