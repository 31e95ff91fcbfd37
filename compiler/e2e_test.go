package compiler_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/secrets/secretsprovider"
	"github.com/moby/buildkit/solver/errdefs"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/internal/e2eenv"
	"github.com/tonistiigi/fsutil"
)

const e2eBuild = `
secret "token" {}

target "gen" {
  from     = "busybox"
  platform = build_platform
  run {
    command = "mkdir -p /out && uname -m > /out/gen-arch"
  }
}

target "app" {
  from    = "busybox"
  workdir = "/work"
  env     = { GREETING = "hello" }
  args    = { VERSION = "1.0" }
  copy {
    src  = ["message.txt"]
    dest = "./"
  }
  copy {
    from = target.gen
    src  = ["/out/gen-arch"]
    dest = "/out/"
    link = true
  }
  file {
    path    = "/out/file.txt"
    content = "from a file step"
  }
  run {
    command = "cp message.txt /out/ && pwd > /out/pwd && echo \"$GREETING $VERSION\" > /out/env && uname -m > /out/arch && cat /run/secrets/token | wc -c > /out/token-length && echo $PATH > /out/path"
    secret "token" {}
    cache "/cache" {}
  }
}

target "fails" {
  from = "busybox"
  run {
    command = "echo ok"
  }
  run {
    command = "exit 3"
  }
}
`

func solveTarget(t *testing.T, c *client.Client, target string, p ocispecs.Platform, dir, out string) error {
	t.Helper()
	ctx := context.Background()
	b := load(t, []byte(e2eBuild))
	res, diags := compiler.Compile(ctx, b, compiler.Request{Targets: []string{target}, Platforms: []ocispecs.Platform{p}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	def, err := res.Outputs[0].Marshal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := fsutil.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Solve(ctx, def, client.SolveOpt{
		LocalMounts: map[string]fsutil.FS{"context": fs},
		Session:     []session.Attachable{secretsprovider.FromMap(map[string][]byte{"token": []byte("s3cret")})},
		Exports:     []client.ExportEntry{{Type: client.ExporterLocal, OutputDir: out}},
	}, nil)
	return err
}

// TestE2EBuild builds compiled LLB on a real BuildKit: context copies,
// a linked copy from a build_platform target, a file step, env, args,
// workdir, a secret and a cache mount, for the native and, when the
// daemon has it, an emulated platform.
func TestE2EBuild(t *testing.T) {
	e := e2eenv.Require(t)
	c := e.Client(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "message.txt"), []byte("a message\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ps := range []string{"linux/amd64", "linux/arm64"} {
		if !e.HasPlatform(ps) {
			continue
		}
		t.Run(ps, func(t *testing.T) {
			out := t.TempDir()
			if err := solveTarget(t, c, "app", platforms.MustParse(ps), dir, out); err != nil {
				t.Fatal(err)
			}
			arch := map[string]string{"linux/amd64": "x86_64", "linux/arm64": "aarch64"}[ps]
			want := map[string]string{
				"message.txt":  "a message",
				"pwd":          "/work",
				"env":          "hello 1.0",
				"arch":         arch,
				"gen-arch":     "x86_64",
				"token-length": "6",
				"file.txt":     "from a file step",
				"path":         "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			}
			for f, w := range want {
				got, err := os.ReadFile(filepath.Join(out, "out", f))
				if err != nil {
					t.Errorf("%s: %v", f, err)
					continue
				}
				if strings.TrimSpace(string(got)) != w {
					t.Errorf("%s = %q, want %q", f, strings.TrimSpace(string(got)), w)
				}
			}
		})
	}
}

// TestE2EErrorLocation checks that BuildKit reports a failing step at the
// build file's lines, through the compiler's source maps.
func TestE2EErrorLocation(t *testing.T) {
	e := e2eenv.Require(t)
	c := e.Client(t)
	err := solveTarget(t, c, "fails", platforms.MustParse("linux/amd64"), t.TempDir(), t.TempDir())
	if err == nil {
		t.Fatal("the failing target built")
	}
	srcs := errdefs.Sources(err)
	if len(srcs) == 0 {
		t.Fatalf("error has no source location: %v", err)
	}
	s := srcs[0]
	if s.Info.Filename != "build.hcl" || s.Info.Language != "buildlang" || len(s.Ranges) == 0 {
		t.Fatalf("source = %s %s %v", s.Info.Filename, s.Info.Language, s.Ranges)
	}
	// The failing run block spans the lines around its command.
	line := int32(1)
	for _, l := range strings.Split(e2eBuild, "\n") {
		if strings.Contains(l, "exit 3") {
			break
		}
		line++
	}
	if r := s.Ranges[0]; r.Start.Line != line-1 || r.End.Line != line+1 {
		t.Errorf("failing step at lines %d-%d, want %d-%d", r.Start.Line, r.End.Line, line-1, line+1)
	}
}
