// Command mkimage builds small multi-platform OCI images offline and pushes
// them to a registry. It exists because the e2e environment (hack/e2e-env)
// has no access to Docker Hub: every base image the tests need is made here
// from local files.
//
// Subcommands:
//
//	mkimage busybox --binary linux/amd64=PATH --binary linux/arm64=PATH --ref REF
//	    One layer per platform with the static busybox at /bin/busybox and a
//	    symlink to it for every applet (like `busybox --install -s`). The
//	    applet list comes from running the binary for the host platform with
//	    --list-full, or from --applets FILE.
//
//	mkimage binary --binary linux/amd64=PATH [--binary linux/arm64=PATH ...]
//	    --path /bin/frontend [--entrypoint /bin/frontend] [--label k=v ...] --ref REF
//	    A FROM-scratch image per platform holding only the given binary.
//
// Both push an OCI image index to REF. Output is reproducible: fixed
// timestamps, sorted entries, so re-pushing identical inputs is a no-op with
// identical digests. Registries on localhost are spoken to over plain HTTP.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// epoch is used for every timestamp so that builds are reproducible.
var epoch = time.Unix(0, 0).UTC()

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  mkimage busybox --binary linux/amd64=PATH --binary linux/arm64=PATH --ref REF [--applets FILE] [--oci-layout DIR]
  mkimage binary  --binary OS/ARCH=PATH ... --path /bin/NAME [--entrypoint PATH] [--label k=v ...] --ref REF [--oci-layout DIR]
`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "busybox":
		err = runBusybox(os.Args[2:])
	case "binary":
		err = runBinary(os.Args[2:])
	case "-h", "--help", "help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "mkimage: unknown subcommand %q\n", os.Args[1])
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "mkimage %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

// platformBinary is one --binary os/arch[/variant]=path argument.
type platformBinary struct {
	platform v1.Platform
	path     string
}

func parseBinaries(args []string) ([]platformBinary, error) {
	if len(args) == 0 {
		return nil, errors.New("at least one --binary OS/ARCH=PATH is required")
	}
	var out []platformBinary
	for _, a := range args {
		plat, file, ok := strings.Cut(a, "=")
		if !ok || file == "" {
			return nil, fmt.Errorf("--binary %q: want OS/ARCH[/VARIANT]=PATH", a)
		}
		parts := strings.Split(plat, "/")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return nil, fmt.Errorf("--binary %q: bad platform %q", a, plat)
		}
		p := v1.Platform{OS: parts[0], Architecture: parts[1]}
		if len(parts) == 3 {
			p.Variant = parts[2]
		}
		if _, err := os.Stat(file); err != nil {
			return nil, err
		}
		out = append(out, platformBinary{platform: p, path: file})
	}
	return out, nil
}

type commonFlags struct {
	fs        *flag.FlagSet
	binaries  multiFlag
	ref       string
	ociLayout string
	insecure  bool
}

func newCommon(name string) *commonFlags {
	c := &commonFlags{fs: flag.NewFlagSet(name, flag.ExitOnError)}
	c.fs.Var(&c.binaries, "binary", "OS/ARCH[/VARIANT]=PATH (repeatable)")
	c.fs.StringVar(&c.ref, "ref", "", "image reference to push the index to")
	c.fs.StringVar(&c.ociLayout, "oci-layout", "", "also write the index into this OCI layout directory")
	c.fs.BoolVar(&c.insecure, "insecure", false, "use plain HTTP (automatic for localhost and 127.0.0.1)")
	return c
}

func runBusybox(args []string) error {
	c := newCommon("busybox")
	applets := c.fs.String("applets", "", "file with `busybox --list-full` output (default: run the host-platform binary)")
	c.fs.Parse(args)
	if c.ref == "" && c.ociLayout == "" {
		return errors.New("--ref or --oci-layout is required")
	}
	bins, err := parseBinaries(c.binaries)
	if err != nil {
		return err
	}
	list, err := appletList(*applets, bins)
	if err != nil {
		return err
	}
	var adds []mutate.IndexAddendum
	for _, b := range bins {
		bb, err := os.ReadFile(b.path)
		if err != nil {
			return err
		}
		files := []tarEntry{
			{name: "etc/passwd", mode: 0o644, data: []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")},
			{name: "etc/group", mode: 0o644, data: []byte("root:x:0:\nnogroup:x:65534:\n")},
			{name: "bin/busybox", mode: 0o755, data: bb},
		}
		for _, d := range []string{"dev", "proc", "sys", "root", "var", "tmp"} {
			files = append(files, tarEntry{name: d, dir: true, mode: 0o755})
		}
		for _, a := range list {
			if a == "bin/busybox" {
				continue
			}
			files = append(files, tarEntry{name: a, link: "/bin/busybox", mode: 0o777})
		}
		img, err := buildImage(b.platform, files, v1.Config{
			Env: []string{"PATH=" + defaultPath},
			Cmd: []string{"sh"},
		}, "mkimage busybox")
		if err != nil {
			return err
		}
		adds = append(adds, addendum(img, b.platform))
	}
	return publish(c, adds)
}

func appletList(file string, bins []platformBinary) ([]string, error) {
	var out []byte
	var err error
	if file != "" {
		out, err = os.ReadFile(file)
	} else {
		host := ""
		for _, b := range bins {
			if b.platform.OS == runtime.GOOS && b.platform.Architecture == runtime.GOARCH {
				host = b.path
			}
		}
		if host == "" {
			return nil, errors.New("no --binary for the host platform to list applets with; pass --applets")
		}
		out, err = exec.Command(host, "--list-full").Output()
	}
	if err != nil {
		return nil, fmt.Errorf("listing applets: %w", err)
	}
	var list []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		l := strings.Trim(strings.TrimSpace(sc.Text()), "/")
		if l == "" {
			continue
		}
		if path.Clean(l) != l || strings.HasPrefix(l, "..") {
			return nil, fmt.Errorf("bad applet path %q", l)
		}
		list = append(list, l)
	}
	if len(list) < 10 {
		return nil, fmt.Errorf("only %d applets listed; is this busybox?", len(list))
	}
	return list, sc.Err()
}

func runBinary(args []string) error {
	c := newCommon("binary")
	dest := c.fs.String("path", "", "where to put the binary in the image, e.g. /bin/frontend (required)")
	entrypoint := c.fs.String("entrypoint", "", "entrypoint (default: --path)")
	var labels multiFlag
	c.fs.Var(&labels, "label", "k=v image config label (repeatable)")
	c.fs.Parse(args)
	if c.ref == "" && c.ociLayout == "" {
		return errors.New("--ref or --oci-layout is required")
	}
	if !strings.HasPrefix(*dest, "/") {
		return errors.New("--path must be an absolute path")
	}
	if *entrypoint == "" {
		*entrypoint = *dest
	}
	bins, err := parseBinaries(c.binaries)
	if err != nil {
		return err
	}
	lbl := map[string]string{}
	for _, l := range labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return fmt.Errorf("--label %q: want k=v", l)
		}
		lbl[k] = v
	}
	var adds []mutate.IndexAddendum
	for _, b := range bins {
		data, err := os.ReadFile(b.path)
		if err != nil {
			return err
		}
		cfg := v1.Config{
			Env:        []string{"PATH=" + defaultPath},
			Entrypoint: []string{*entrypoint},
		}
		if len(lbl) > 0 {
			cfg.Labels = lbl
		}
		img, err := buildImage(b.platform,
			[]tarEntry{{name: strings.TrimPrefix(*dest, "/"), mode: 0o755, data: data}},
			cfg, "mkimage binary "+path.Base(*dest))
		if err != nil {
			return err
		}
		adds = append(adds, addendum(img, b.platform))
	}
	return publish(c, adds)
}

type tarEntry struct {
	name string
	dir  bool
	link string // symlink target
	mode int64
	data []byte
}

// layerTar writes a tar with all needed parent directories, sorted by name.
func layerTar(entries []tarEntry) ([]byte, error) {
	all := map[string]tarEntry{}
	for _, e := range entries {
		for d := path.Dir(e.name); d != "." && d != "/"; d = path.Dir(d) {
			if _, ok := all[d]; !ok {
				all[d] = tarEntry{name: d, dir: true, mode: 0o755}
			}
		}
		all[e.name] = e
	}
	if e, ok := all["tmp"]; ok && e.dir {
		e.mode = 0o1777
		all["tmp"] = e
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range names {
		e := all[n]
		h := &tar.Header{Name: n, Mode: e.mode, ModTime: epoch, Format: tar.FormatPAX}
		switch {
		case e.dir:
			h.Typeflag, h.Name = tar.TypeDir, n+"/"
		case e.link != "":
			h.Typeflag, h.Linkname = tar.TypeSymlink, e.link
		default:
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(e.data); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func buildImage(p v1.Platform, entries []tarEntry, cfg v1.Config, createdBy string) (v1.Image, error) {
	tb, err := layerTar(entries)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(tb)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: epoch},
			CreatedBy: createdBy,
			Comment:   "buildlang hack/tools/cmd/mkimage",
		},
	})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	cf.Created = v1.Time{Time: epoch}
	cf.Config = cfg
	return mutate.ConfigFile(img, cf)
}

func addendum(img v1.Image, p v1.Platform) mutate.IndexAddendum {
	pp := p
	return mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
		MediaType: types.OCIManifestSchema1,
		Platform:  &pp,
	}}
}

func publish(c *commonFlags, adds []mutate.IndexAddendum) error {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	idx = mutate.AppendManifests(idx, adds...)
	dig, err := idx.Digest()
	if err != nil {
		return err
	}
	if c.ociLayout != "" {
		p, err := layout.FromPath(c.ociLayout)
		if err != nil {
			if p, err = layout.Write(c.ociLayout, empty.Index); err != nil {
				return err
			}
		}
		if err := p.AppendIndex(idx); err != nil {
			return err
		}
		fmt.Printf("wrote %s@%s\n", c.ociLayout, dig)
	}
	if c.ref != "" {
		var opts []name.Option
		if c.insecure {
			opts = append(opts, name.Insecure)
		}
		ref, err := name.ParseReference(c.ref, opts...)
		if err != nil {
			return err
		}
		if err := remote.WriteIndex(ref, idx); err != nil {
			return fmt.Errorf("pushing %s: %w", ref, err)
		}
		fmt.Printf("pushed %s (%s)\n", ref, dig)
	}
	return nil
}
