package builder

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/solver/pb"
	"github.com/org/buildlang/compiler"
)

// Each form of --build-context NAME=VALUE gives contexts.NAME as buildx
// reads it: docker-image://REF an image to resolve as a base is; a git URL
// a git source at the ref and subdirectory after #; an HTTP(S) URL a
// download; oci-layout:// a layout (refused when the directory is none);
// anything else a directory, sent as the local NAME without what its
// .dockerignore excludes. The plan lists each where its kind belongs.
func TestNamedContextForms(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("*.tmp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &Plan{opts: &Options{}, Layouts: map[string]*ociLayout{}, Locals: map[string]string{}, Images: map[string]string{}, Remotes: map[string]string{}}
	source := func(nc *compiler.NamedContext) *pb.SourceOp {
		def, err := nc.State.Marshal(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var src *pb.SourceOp
		for _, dt := range def.Def {
			var op pb.Op
			if err := op.UnmarshalVT(dt); err == nil && op.GetSource() != nil {
				src = op.GetSource()
			}
		}
		return src
	}
	for _, c := range []struct{ name, src, want, attr string }{
		{"git", "https://github.com/moby/buildkit.git#v0.16.0", "git://github.com/moby/buildkit.git#v0.16.0", ""},
		{"ssh", "git@github.com:moby/buildkit.git", "git://github.com/moby/buildkit.git", ""},
		{"notes", "https://example.com/notes.txt", "https://example.com/notes.txt", ""},
		{"assets", dir, "local://assets", "local.excludepatterns"},
	} {
		p.opts.BuildContexts = map[string]string{c.name: c.src}
		nc, err := p.namedContexts(context.Background(), c.name, platforms.DefaultSpec())
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		src := source(nc)
		if src == nil || !strings.HasPrefix(src.Identifier, c.want) {
			t.Errorf("%s: source %v, want %q", c.src, src, c.want)
		} else if c.attr != "" && !strings.Contains(src.Attrs[c.attr], "*.tmp") {
			t.Errorf("%s: %s = %q, want the .dockerignore's pattern", c.src, c.attr, src.Attrs[c.attr])
		}
	}
	p.opts.BuildContexts = map[string]string{"base": "docker-image://alpine:3.20"}
	if nc, err := p.namedContexts(context.Background(), "base", platforms.DefaultSpec()); err != nil || nc.Ref != "alpine:3.20" {
		t.Errorf("docker-image: %+v, %v; want the image alpine:3.20 to resolve", nc, err)
	}
	p.opts.BuildContexts = map[string]string{"img": "oci-layout://" + dir}
	if _, err := p.namedContexts(context.Background(), "img", platforms.DefaultSpec()); err == nil || !strings.Contains(err.Error(), "is not an OCI image layout") {
		t.Errorf("oci-layout of a plain directory: %v", err)
	}

	p.opts.BuildContexts = map[string]string{"base": "docker-image://alpine:3.20", "git": "git@github.com:moby/buildkit.git", "assets": dir, "img": "oci-layout://" + dir}
	p.Locals = map[string]string{"base": "", "git": "", "assets": "", "img": ""}
	p.resolveLocals()
	if p.Images["base"] != "alpine:3.20" || p.Remotes["git"] == "" || p.Locals["assets"] != dir || len(p.Locals) != 1 {
		t.Errorf("images %v, remotes %v, locals %v", p.Images, p.Remotes, p.Locals)
	}
}
