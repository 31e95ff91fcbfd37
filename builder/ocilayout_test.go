package builder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/ociindex"
	"github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// oci-layout://PATH[:TAG][@DIGEST] picks the digest given, else the image
// tagged TAG (default latest), else the layout's only image; a colon in a
// directory name is no tag.
func TestParseOCILayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a:b", "layout")
	put := func(content, tag string) digest.Digest {
		d := digest.FromString(content)
		p := filepath.Join(dir, "blobs", "sha256", d.Encoded())
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		desc := ocispecs.Descriptor{MediaType: ocispecs.MediaTypeImageManifest, Digest: d, Size: int64(len(content))}
		if err := ociindex.NewStoreIndex(dir).Put(desc, ociindex.Tag(tag)); err != nil {
			t.Fatal(err)
		}
		return d
	}
	v1 := put(`{"v":1}`, "v1")
	if l, err := parseOCILayout("x", "oci-layout://"+dir); err != nil || l.digest != v1 || l.path != dir {
		t.Errorf("the only image: %+v, %v; want %s in %s", l, err, v1, dir)
	}
	latest := put(`{"v":2}`, "latest")
	for src, want := range map[string]digest.Digest{
		"oci-layout://" + dir:                     latest,
		"oci-layout://" + dir + ":v1":             v1,
		"oci-layout://" + dir + "@" + v1.String(): v1,
	} {
		l, err := parseOCILayout("x", src)
		if err != nil || l.digest != want {
			t.Errorf("%s: %+v, %v; want %s", src, l, err, want)
		}
	}
	for src, msg := range map[string]string{
		"oci-layout://" + dir + ":v3":                                    `no image tagged "v3" and more than one image`,
		"oci-layout://" + dir + "@sha256:00":                             "is not a digest",
		"oci-layout://" + dir + "@" + digest.FromString("gone").String(): "the layout has no blob",
		"oci-layout://" + filepath.Dir(dir):                              "is not an OCI image layout (no index.json)",
	} {
		if _, err := parseOCILayout("x", src); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v, want an error saying %q", src, err, msg)
		}
	}
}
