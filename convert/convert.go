package convert

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/org/buildlang/convert/bake"
	"github.com/org/buildlang/convert/dockerfile"
	"github.com/org/buildlang/convert/hclgen"
)

// Input is one file to convert.
type Input struct {
	Name string
	Data []byte
}

// Output is a converted build file and what could not be said faithfully.
type Output struct {
	BuildFile []byte
	Warnings  []string
}

// Dockerfiles converts one or more Dockerfiles into one build file. One
// Dockerfile keeps its stage names and builds its last stage by default;
// several are told apart by a prefix made from their names
// (Dockerfile.api and api/Dockerfile both give "api"), and the default
// group builds each one's last stage.
func Dockerfiles(inputs []Input) (*Output, error) {
	f := &hclgen.File{}
	out := &Output{}
	var defaults []string
	for _, in := range inputs {
		opts := dockerfile.Options{Filename: in.Name}
		if len(inputs) > 1 {
			name := hclgen.Ident(nameOf(in.Name))
			opts.Prefix, opts.Name = name+"-", name
		}
		res, err := dockerfile.Convert(f, in.Data, opts)
		if err != nil {
			return nil, err
		}
		for _, w := range res.Warnings {
			out.Warnings = append(out.Warnings, w.String())
		}
		defaults = append(defaults, "target."+res.Default)
	}
	if len(inputs) > 1 {
		g := hclwrite.NewBlock("group", []string{"default"})
		g.Body().SetAttributeRaw("targets", hclgen.RawList(defaults))
		f.Groups = append(f.Groups, g)
	}
	src, err := f.Bytes()
	if err != nil {
		return nil, err
	}
	out.BuildFile = src
	return out, nil
}

// nameOf names a Dockerfile's image: Dockerfile.api, api.Dockerfile and
// api/Dockerfile are "api".
func nameOf(path string) string {
	base := filepath.Base(path)
	if n, ok := strings.CutPrefix(base, "Dockerfile."); ok && n != "" {
		return n
	}
	if n, ok := strings.CutSuffix(base, ".Dockerfile"); ok && n != "" {
		return n
	}
	if dir := filepath.Base(filepath.Dir(path)); dir != "." && dir != "/" {
		return dir
	}
	return fmt.Sprint("app")
}

// Bake converts a bake file, and the Dockerfiles its targets build (read
// by read, relative to the bake file's directory), into one build file.
func Bake(name string, data []byte, read func(string) ([]byte, error)) (*Output, error) {
	if strings.HasSuffix(name, ".json") {
		return nil, fmt.Errorf("%s: JSON bake files are not supported; convert its HCL form", name)
	}
	f := &hclgen.File{}
	warns, err := bake.Convert(f, data, name, read)
	if err != nil {
		return nil, err
	}
	out := &Output{}
	for _, w := range warns {
		out.Warnings = append(out.Warnings, w.String())
	}
	if out.BuildFile, err = f.Bytes(); err != nil {
		return nil, err
	}
	return out, nil
}
