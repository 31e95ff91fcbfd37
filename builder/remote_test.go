package builder

import (
	"context"
	"strings"
	"testing"

	"github.com/moby/buildkit/solver/pb"
)

// A git URL named context is a git source at the ref and subdirectory
// after #, as buildx's --build-context reads it; an HTTP(S) URL is a
// download; a path is a directory.
func TestRemoteContexts(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"https://github.com/moby/buildkit.git#v0.16.0", "git://github.com/moby/buildkit.git#v0.16.0"},
		{"git@github.com:moby/buildkit.git", "git://github.com/moby/buildkit.git"},
		{"https://example.com/notes.txt", "https://example.com/notes.txt"},
	} {
		if !isRemoteContext(c.src) {
			t.Errorf("%s is not taken as remote", c.src)
			continue
		}
		nc, err := remoteContext("x", c.src)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		def, err := nc.State.Marshal(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var id string
		for _, dt := range def.Def {
			var op pb.Op
			if err := op.UnmarshalVT(dt); err == nil && op.GetSource() != nil {
				id = op.GetSource().Identifier
			}
		}
		if !strings.HasPrefix(id, c.want) {
			t.Errorf("%s: source %q, want %q", c.src, id, c.want)
		}
	}
	for _, dir := range []string{"../assets", "/abs/dir", "assets"} {
		if isRemoteContext(dir) {
			t.Errorf("the directory %s is taken as remote", dir)
		}
	}
}
