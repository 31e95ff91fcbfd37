package imgdiff

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

// Entry is one path of an image's flattened file tree. Times are left
// out: they say when something was built, not what.
type Entry struct {
	Path   string // absolute, cleaned
	Type   string // file, dir, symlink, hardlink, char, block, fifo
	Mode   int64  // permission and setuid/setgid/sticky bits
	UID    int
	GID    int
	Size   int64
	Digest string // sha256 of a file's content
	Link   string // a link's target
	Xattrs map[string]string
}

func (e Entry) String() string {
	s := fmt.Sprintf("%s %04o %d:%d", e.Type, e.Mode, e.UID, e.GID)
	switch e.Type {
	case "file":
		s += fmt.Sprintf(" %dB %s", e.Size, short(e.Digest))
	case "symlink", "hardlink":
		s += " -> " + e.Link
	}
	return s
}

// Image is what is compared of an image: its config and its file tree.
type Image struct {
	Config dockerspec.DockerOCIImage
	Files  map[string]Entry
}

// Open reads one platform's image from an OCI layout ("oci-layout://DIR",
// or a directory holding index.json) or from a registry reference
// (plain HTTP for localhost registries). platform is like "linux/amd64";
// "" takes the only image.
func Open(src, platform string) (*Image, error) {
	dir, isLayout := strings.CutPrefix(src, "oci-layout://")
	if !isLayout {
		if _, err := os.Stat(filepath.Join(src, "index.json")); err == nil {
			dir, isLayout = src, true
		}
	}
	var img v1.Image
	var err error
	if isLayout {
		img, err = fromLayout(dir, platform)
	} else {
		img, err = fromRegistry(src, platform)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	out, err := Read(img)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	return out, nil
}

func fromRegistry(ref, platform string) (v1.Image, error) {
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		return nil, err
	}
	var opts []remote.Option
	if platform != "" {
		p, err := v1.ParsePlatform(platform)
		if err != nil {
			return nil, err
		}
		opts = append(opts, remote.WithPlatform(*p))
	}
	return remote.Image(r, opts...)
}

func fromLayout(dir, platform string) (v1.Image, error) {
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, err
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return nil, err
	}
	return pick(idx, platform)
}

// pick finds the image for platform in an index and the indexes it
// holds, skipping attestation manifests (platform unknown/unknown).
func pick(idx v1.ImageIndex, platform string) (v1.Image, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var found []v1.Image
	for _, d := range im.Manifests {
		if d.MediaType.IsIndex() {
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, err
			}
			if img, err := pick(child, platform); err == nil {
				found = append(found, img)
			}
			continue
		}
		if !d.MediaType.IsImage() {
			continue
		}
		if d.Platform != nil && d.Platform.OS == "unknown" {
			continue
		}
		if platform != "" && d.Platform != nil && d.Platform.String() != platform {
			continue
		}
		img, err := idx.Image(d.Digest)
		if err != nil {
			return nil, err
		}
		found = append(found, img)
	}
	// The same image listed twice (an OCI layout names it once per tag) is
	// one image.
	seen := map[v1.Hash]bool{}
	found = slices.DeleteFunc(found, func(img v1.Image) bool {
		d, err := img.Digest()
		if err != nil {
			return false
		}
		dup := seen[d]
		seen[d] = true
		return dup
	})
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no image for platform %q", platform)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("%d images match platform %q; name one", len(found), platform)
}

// Read reads an image's config and flattens its layers into one tree,
// applying whiteouts, opaque directories included.
func Read(img v1.Image) (*Image, error) {
	raw, err := img.RawConfigFile()
	if err != nil {
		return nil, err
	}
	out := &Image{Files: map[string]Entry{}}
	if err := json.Unmarshal(raw, &out.Config); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	for i, l := range layers {
		if err := apply(out.Files, l); err != nil {
			return nil, fmt.Errorf("layer %d: %w", i+1, err)
		}
	}
	return out, nil
}

const whiteout = ".wh."

// apply lays one layer over the tree, bottom layer first.
func apply(tree map[string]Entry, l v1.Layer) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		p := path.Clean("/" + h.Name)
		dir, base := path.Split(p)
		dir = path.Clean(dir)
		switch {
		case base == whiteout+whiteout+".opq":
			removeBelow(tree, dir, false)
			continue
		case strings.HasPrefix(base, whiteout):
			removeBelow(tree, path.Join(dir, strings.TrimPrefix(base, whiteout)), true)
			continue
		}
		e, err := entry(p, h, tr)
		if err != nil {
			return err
		}
		if e.Type != "dir" {
			removeBelow(tree, p, true) // a file replaces a directory with everything in it
		}
		tree[p] = e
	}
}

// removeBelow removes everything under p, and p itself when self is set.
func removeBelow(tree map[string]Entry, p string, self bool) {
	if self {
		delete(tree, p)
	}
	prefix := strings.TrimSuffix(p, "/") + "/"
	for k := range tree {
		if strings.HasPrefix(k, prefix) {
			delete(tree, k)
		}
	}
}

func entry(p string, h *tar.Header, r io.Reader) (Entry, error) {
	e := Entry{Path: p, Mode: h.Mode & 0o7777, UID: h.Uid, GID: h.Gid}
	switch h.Typeflag {
	case tar.TypeReg:
		e.Type, e.Size = "file", h.Size
		sum := sha256.New()
		if _, err := io.Copy(sum, r); err != nil {
			return e, err
		}
		e.Digest = "sha256:" + hex.EncodeToString(sum.Sum(nil))
	case tar.TypeDir:
		e.Type = "dir"
	case tar.TypeSymlink:
		e.Type, e.Link = "symlink", h.Linkname
	case tar.TypeLink:
		e.Type, e.Link = "hardlink", path.Clean("/"+h.Linkname)
	case tar.TypeChar:
		e.Type = fmt.Sprintf("char %d,%d", h.Devmajor, h.Devminor)
	case tar.TypeBlock:
		e.Type = fmt.Sprintf("block %d,%d", h.Devmajor, h.Devminor)
	case tar.TypeFifo:
		e.Type = "fifo"
	default:
		e.Type = fmt.Sprintf("type %q", h.Typeflag)
	}
	for k, v := range h.PAXRecords {
		if x, ok := strings.CutPrefix(k, "SCHILY.xattr."); ok {
			if e.Xattrs == nil {
				e.Xattrs = map[string]string{}
			}
			e.Xattrs[x] = v
		}
	}
	return e, nil
}

// Diff lists what differs between a and b, one readable line each, config
// first, then paths in order; nil when they are equal. Env is compared as
// a set of NAME=VALUE (its order means nothing to a container); nil and
// empty lists and maps are equal.
func Diff(a, b *Image) []string {
	var out []string
	ca, cb := view(&a.Config), view(&b.Config)
	for _, f := range configFields {
		if ca[f] != cb[f] {
			out = append(out, fmt.Sprintf("config %s: %s ≠ %s", f, ca[f], cb[f]))
		}
	}
	paths := slices.Sorted(maps.Keys(a.Files))
	for p := range b.Files {
		if _, ok := a.Files[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	for _, p := range paths {
		ea, ina := a.Files[p]
		eb, inb := b.Files[p]
		switch {
		case !inb:
			out = append(out, fmt.Sprintf("- %s  %s (only in the first)", p, ea))
		case !ina:
			out = append(out, fmt.Sprintf("+ %s  %s (only in the second)", p, eb))
		default:
			if d := entryDiff(ea, eb); d != "" {
				out = append(out, fmt.Sprintf("~ %s  %s", p, d))
			}
		}
	}
	return out
}

func entryDiff(a, b Entry) string {
	var d []string
	add := func(what string, x, y any) {
		if fmt.Sprint(x) != fmt.Sprint(y) {
			d = append(d, fmt.Sprintf("%s %v ≠ %v", what, x, y))
		}
	}
	add("type", a.Type, b.Type)
	add("mode", fmt.Sprintf("%04o", a.Mode), fmt.Sprintf("%04o", b.Mode))
	add("owner", fmt.Sprintf("%d:%d", a.UID, a.GID), fmt.Sprintf("%d:%d", b.UID, b.GID))
	add("size", a.Size, b.Size)
	add("content", short(a.Digest), short(b.Digest))
	add("link", a.Link, b.Link)
	add("xattrs", sortedPairs(a.Xattrs), sortedPairs(b.Xattrs))
	return strings.Join(d, ", ")
}

// configView is the compared part of a config, each field rendered as
// text so that a difference prints as it reads.
type configView map[string]string

// configFields are the compared config fields, in the order diffs show them.
var configFields = []string{"Env", "Entrypoint", "Cmd", "User", "WorkingDir", "ExposedPorts", "Volumes", "Labels", "Healthcheck", "StopSignal", "Shell", "OnBuild", "Author"}

func view(img *dockerspec.DockerOCIImage) configView {
	c := &img.Config
	env := slices.Clone(c.Env)
	slices.Sort(env)
	v := configView{
		"Env":          list(env),
		"Entrypoint":   list(c.Entrypoint),
		"Cmd":          list(c.Cmd),
		"User":         fmt.Sprintf("%q", c.User),
		"WorkingDir":   fmt.Sprintf("%q", c.WorkingDir),
		"ExposedPorts": list(slices.Sorted(maps.Keys(c.ExposedPorts))),
		"Volumes":      list(slices.Sorted(maps.Keys(c.Volumes))),
		"Labels":       list(sortedPairs(c.Labels)),
		"StopSignal":   fmt.Sprintf("%q", c.StopSignal),
		"Shell":        list(c.Shell),
		"OnBuild":      list(c.OnBuild),
		"Author":       fmt.Sprintf("%q", img.Author),
		"Healthcheck":  "none",
	}
	if h := c.Healthcheck; h != nil {
		v["Healthcheck"] = fmt.Sprintf("test=%s interval=%s timeout=%s start_period=%s start_interval=%s retries=%d",
			list(h.Test), h.Interval, h.Timeout, h.StartPeriod, h.StartInterval, h.Retries)
	}
	return v
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(xs)
	return string(b)
}

func sortedPairs(m map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return out
}

func short(d string) string {
	if len(d) > 19 {
		return d[:19]
	}
	return d
}
