package lang

import (
	"math/rand/v2"
	"testing"
)

// validRefFast must never accept a reference ParseImageRef refuses: it is
// only a shortcut past the reference package's regular expressions.
func TestValidRefFast(t *testing.T) {
	known := []string{
		"alpine", "alpine:3.20", "golang:1.23-alpine", "registry.example.com/acme/svc-1:latest",
		"localhost:5000/app:1", "a__b/c--d/e.f_g:x", "ghcr.io/org/app", "127.0.0.1:5000/x",
		"Alpine:3.20", "alpine::3", "a/", "/a", "a//b", "a..b", "a._b", "-a", "a-", "localhost",
		"localhost/app", "my-host:5000/a", "host-:1/a", "a:-x", "a:_x", "x/y:" + string(make([]byte, 130)),
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	}
	accepted := 0
	check := func(s string) {
		if validRefFast(s) {
			accepted++
			if _, err := ParseImageRef(s); err != nil {
				t.Errorf("validRefFast accepts %q, ParseImageRef refuses it: %v", s, err)
			}
		}
	}
	for _, s := range known {
		check(s)
	}
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "ab0.-_:/"
	for range 200_000 {
		b := make([]byte, 1+r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		check(string(b))
	}
	if accepted < 1000 {
		t.Errorf("validRefFast accepted only %d strings; the comparison proves little", accepted)
	}
}
