package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/platforms"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// layout is an OCI image layout directory written by BuildKit's oci
// exporter (tar=false).
type layout struct {
	dir    string
	images []*image
	// attestations are the attestation manifests' layer blobs (in-toto
	// statements such as provenance), by blob path.
	attestations []string
}

// image is one platform's image in a layout.
type image struct {
	Platform string // e.g. linux/arm64
	Manifest ocispecs.Manifest
	Config   dockerspec.DockerOCIImage
	layers   []string // blob paths, base first
}

func openLayout(t *testing.T, dir string) *layout {
	t.Helper()
	l := &layout{dir: dir}
	var top ocispecs.Index
	l.readJSON(t, filepath.Join(dir, "index.json"), &top)
	if len(top.Manifests) != 1 {
		t.Fatalf("%s/index.json: want one descriptor, got %d", dir, len(top.Manifests))
	}
	l.add(t, top.Manifests[0])
	if len(l.images) == 0 {
		t.Fatalf("%s: no image manifests", dir)
	}
	return l
}

func (l *layout) add(t *testing.T, d ocispecs.Descriptor) {
	t.Helper()
	switch d.MediaType {
	case ocispecs.MediaTypeImageIndex, "application/vnd.docker.distribution.manifest.list.v2+json":
		var idx ocispecs.Index
		l.readJSON(t, l.blob(d.Digest.String()), &idx)
		for _, m := range idx.Manifests {
			l.add(t, m)
		}
	case ocispecs.MediaTypeImageManifest, "application/vnd.docker.distribution.manifest.v2+json":
		var m ocispecs.Manifest
		l.readJSON(t, l.blob(d.Digest.String()), &m)
		if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
			for _, layer := range m.Layers {
				l.attestations = append(l.attestations, l.blob(layer.Digest.String()))
			}
			return
		}
		img := &image{Manifest: m}
		l.readJSON(t, l.blob(m.Config.Digest.String()), &img.Config)
		img.Platform = platforms.Format(ocispecs.Platform{OS: img.Config.OS, Architecture: img.Config.Architecture, Variant: img.Config.Variant})
		if d.Platform != nil && platforms.Format(*d.Platform) != img.Platform {
			t.Errorf("manifest %s: index says platform %s, config says %s", d.Digest, platforms.Format(*d.Platform), img.Platform)
		}
		for _, layer := range m.Layers {
			img.layers = append(img.layers, l.blob(layer.Digest.String()))
		}
		l.images = append(l.images, img)
	default:
		t.Fatalf("unexpected media type %s in %s", d.MediaType, l.dir)
	}
}

func (l *layout) blob(digest string) string {
	alg, hex, _ := strings.Cut(digest, ":")
	return filepath.Join(l.dir, "blobs", alg, hex)
}

func (l *layout) readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// platforms lists the images' platforms in layout order.
func (l *layout) platforms() []string {
	var out []string
	for _, img := range l.images {
		out = append(out, img.Platform)
	}
	return out
}

// image returns the image for platform p.
func (l *layout) image(t *testing.T, p string) *image {
	t.Helper()
	for _, img := range l.images {
		if img.Platform == p {
			return img
		}
	}
	t.Fatalf("no %s image in the layout (platforms %v)", p, l.platforms())
	return nil
}

// allBlobs lists every file under blobs/.
func (l *layout) allBlobs(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(l.dir, "blobs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// file returns a regular file's content from the image's filesystem (the
// last layer holding it wins).
func (img *image) file(t *testing.T, name string) (string, bool) {
	t.Helper()
	name = strings.TrimPrefix(name, "/")
	content, found := "", false
	for _, layer := range img.layers {
		err := eachTarEntry(layer, func(h *tar.Header, r io.Reader) error {
			if strings.TrimPrefix(h.Name, "./") != name || h.Typeflag != tar.TypeReg {
				return nil
			}
			b, err := io.ReadAll(r)
			content, found = string(b), true
			return err
		})
		if err != nil {
			t.Fatalf("%s layer %s: %v", img.Platform, layer, err)
		}
	}
	return content, found
}

// mustFile is file, failing the test when the file is missing.
func (img *image) mustFile(t *testing.T, name string) string {
	t.Helper()
	c, ok := img.file(t, name)
	if !ok {
		t.Fatalf("%s image has no %s", img.Platform, name)
	}
	return strings.TrimSpace(c)
}

// eachTarEntry calls fn for every entry of a (possibly gzipped) tar blob.
func eachTarEntry(path string, fn func(*tar.Header, io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if zr, err := gzip.NewReader(f); err == nil {
		defer zr.Close()
		r = zr
	} else if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(h, tr); err != nil {
			return err
		}
	}
}

// blobContents returns a blob's bytes and, when it is gzipped, also its
// decompressed bytes: what a search for a leaked value must cover.
func blobContents(t *testing.T, path string) [][]byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := [][]byte{raw}
	if zr, err := gzip.NewReader(bytes.NewReader(raw)); err == nil {
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, plain)
	}
	return out
}
