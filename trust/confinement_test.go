package trust_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/session"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/internal/e2eenv"
	"github.com/org/buildlang/lang"
	"github.com/tonistiigi/fsutil"
)

// TestSymlinkEscape builds, on the real BuildKit, copies from a build
// context holding symbolic links that point out of it: an absolute link
// to /etc/passwd, a relative one climbing above the context, and a
// directory link to /etc. BuildKit sends links as links and resolves them
// inside the context's root when it copies, so each copy gets the
// context's own etc/passwd (or fails), never the host's; with
// follow_symlinks = false the link itself is copied.
func TestSymlinkEscape(t *testing.T) {
	e := e2eenv.Require(t)
	host, err := os.ReadFile("/etc/passwd")
	if err != nil {
		t.Skip("no /etc/passwd on this host")
	}
	ctxDir := t.TempDir()
	const inside = "context's own passwd\n"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(ctxDir, "etc"), 0o755))
	must(os.WriteFile(filepath.Join(ctxDir, "etc", "passwd"), []byte(inside), 0o644))
	must(os.Symlink("/etc/passwd", filepath.Join(ctxDir, "abs")))
	must(os.Symlink("../../../../../../../../etc/passwd", filepath.Join(ctxDir, "rel")))
	must(os.Symlink("/etc", filepath.Join(ctxDir, "etcdir")))
	src := `
target "copies" {
  copy {
    src  = ["abs"]
    dest = "/out/abs"
  }
  copy {
    src  = ["rel"]
    dest = "/out/rel"
  }
  copy {
    src  = ["etcdir/passwd"]
    dest = "/out/through-dir"
  }
  copy {
    src             = ["abs"]
    dest            = "/out/link"
    follow_symlinks = false
  }
}
`
	b, diags := lang.Load(lang.FS(fstest.MapFS{"build.hcl": {Data: []byte(src)}}), []string{"build.hcl"}, lang.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	ctx := context.Background()
	res, cdiags := compiler.Compile(ctx, b, compiler.Request{Platforms: []ocispecs.Platform{{OS: "linux", Architecture: "amd64"}}})
	if cdiags.HasErrors() {
		t.Fatal(cdiags.Error())
	}
	def, err := res.Outputs[0].Marshal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := fsutil.NewFS(ctxDir)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	_, err = e.Client(t).Solve(ctx, def, client.SolveOpt{
		LocalMounts: map[string]fsutil.FS{"context": fs},
		Session:     []session.Attachable{},
		Exports:     []client.ExportEntry{{Type: client.ExporterLocal, OutputDir: out}},
	}, nil)
	if err != nil {
		// Failing to copy is confinement too; say what BuildKit said.
		if strings.Contains(err.Error(), string(host[:min(len(host), 20)])) {
			t.Fatalf("the error shows the host's file: %v", err)
		}
		t.Logf("the copy failed (confined): %v", err)
		return
	}
	for _, f := range []string{"abs", "rel", "through-dir"} {
		got, err := os.ReadFile(filepath.Join(out, "out", f))
		if err != nil {
			t.Logf("%s: not copied: %v", f, err)
			continue
		}
		if string(got) == string(host) {
			t.Errorf("%s: the copy holds the host's /etc/passwd", f)
		} else if string(got) != inside {
			t.Errorf("%s = %q, want the context's etc/passwd", f, got)
		}
	}
	if l, err := os.Readlink(filepath.Join(out, "out", "link")); err != nil || l != "/etc/passwd" {
		t.Errorf("follow_symlinks = false: link = %q, %v; want the link itself", l, err)
	}
}
