package imgdiff

import (
	"archive/tar"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

type file struct {
	name, body, link string
	typ              byte
	mode             int64
	uid              int
	xattr            string
}

func layer(t *testing.T, files ...file) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Typeflag: f.typ, Mode: f.mode, Uid: f.uid, Linkname: f.link, Size: int64(len(f.body)), ModTime: time.Unix(int64(len(f.name)), 0)}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if f.xattr != "" {
			h.PAXRecords = map[string]string{"SCHILY.xattr.security.capability": f.xattr}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			if _, err := tw.Write([]byte(f.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func image(t *testing.T, cfg v1.Config, layers ...v1.Layer) *Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	if img, err = mutate.Config(img, cfg); err != nil {
		t.Fatal(err)
	}
	out, err := Read(img)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFlattenWhiteouts(t *testing.T) {
	img := image(t, v1.Config{},
		layer(t, file{name: "etc/", typ: tar.TypeDir, mode: 0o755}, file{name: "etc/a", body: "a", mode: 0o644},
			file{name: "opt/", typ: tar.TypeDir, mode: 0o755}, file{name: "opt/x/y", body: "y", mode: 0o644}, file{name: "gone", body: "g", mode: 0o644}),
		layer(t, file{name: ".wh.gone", mode: 0o644}, file{name: "opt/.wh..wh..opq", mode: 0o644}, file{name: "opt/z", body: "z", mode: 0o600},
			file{name: "etc/a", link: "/etc/b", typ: tar.TypeSymlink, mode: 0o777}))
	var got []string
	for _, p := range []string{"/etc", "/etc/a", "/gone", "/opt", "/opt/x/y", "/opt/z"} {
		if e, ok := img.Files[p]; ok {
			got = append(got, p+" "+e.String())
		}
	}
	want := []string{
		"/etc dir 0755 0:0",
		"/etc/a symlink 0777 0:0 -> /etc/b",
		"/opt dir 0755 0:0",
		"/opt/z file 0600 0:0 1B sha256:594e519ae499",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("flattened tree (-want +got):\n%s", d)
	}
}

func TestDiff(t *testing.T) {
	base := []file{{name: "bin/", typ: tar.TypeDir, mode: 0o755}, {name: "bin/app", body: "v1", mode: 0o755}}
	a := image(t, v1.Config{User: "app", Env: []string{"A=1", "B=2"}, Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "true"}, Interval: time.Second}},
		layer(t, base...), layer(t, file{name: "only-a", body: "x", mode: 0o644}))
	same := image(t, v1.Config{User: "app", Env: []string{"B=2", "A=1"}, Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "true"}, Interval: time.Second}},
		layer(t, append(base, file{name: "only-a", body: "x", mode: 0o644})...))
	if d := Diff(a, same); d != nil {
		t.Errorf("the same image in other layers, env in another order, differs:\n%s", strings.Join(d, "\n"))
	}
	b := image(t, v1.Config{User: "root", Env: []string{"A=1", "B=2"}, Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "true"}}},
		layer(t, file{name: "bin/", typ: tar.TypeDir, mode: 0o755}, file{name: "bin/app", body: "v2", mode: 0o700, uid: 1000, xattr: "cap"}),
		layer(t, file{name: "only-b", body: "y", mode: 0o644}))
	want := []string{
		`config User: "app" ≠ "root"`,
		`config Healthcheck: test=["CMD","true"] interval=1s timeout=0s start_period=0s start_interval=0s retries=0 ≠ test=["CMD","true"] interval=0s timeout=0s start_period=0s start_interval=0s retries=0`,
		`~ /bin/app  mode 0755 ≠ 0700, owner 0:0 ≠ 1000:0, content sha256:3bfc269594ef ≠ sha256:fb04dcb6970e, xattrs [] ≠ [security.capability=cap]`,
		`- /only-a  file 0644 0:0 1B sha256:2d711642b726 (only in the first)`,
		`+ /only-b  file 0644 0:0 1B sha256:a1fce4363854 (only in the second)`,
	}
	if d := cmp.Diff(want, Diff(a, b)); d != "" {
		t.Errorf("diff (-want +got):\n%s", d)
	}
}

// StartInterval is not in go-containerregistry's config type; Read takes
// the config as Docker's spec has it, so it is compared.
func TestStartInterval(t *testing.T) {
	var a, b Image
	a.Config.Config.Healthcheck = &dockerspec.HealthcheckConfig{Test: []string{"NONE"}, StartInterval: time.Second}
	b.Config.Config.Healthcheck = &dockerspec.HealthcheckConfig{Test: []string{"NONE"}}
	if d := Diff(&a, &b); len(d) != 1 || !strings.Contains(d[0], "start_interval=1s") {
		t.Errorf("a StartInterval difference: got %q", d)
	}
}
