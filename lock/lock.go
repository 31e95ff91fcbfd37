package lock

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/distribution/reference"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	digest "github.com/opencontainers/go-digest"
	"github.com/zclconf/go-cty/cty"
)

// Filename is the lock file's name, next to the entry build file.
const Filename = "build.lock"

// File is a parsed or to-be-written lock file.
type File struct {
	// Filename is where the file was read from; "" for one being made.
	Filename string
	// Images are sorted by Ref, each Ref once.
	Images []*Image
}

// Image pins one tagged image reference.
type Image struct {
	// Ref is the normalized, tagged reference the build spells, e.g.
	// "docker.io/library/alpine:3.20" for "alpine:3.20": the tag it came from.
	Ref string
	// Digest is what the tag pointed to: the index (or manifest) digest.
	Digest digest.Digest
	// Platforms are the platforms the build pulls the image for, sorted.
	Platforms []string
	// Range is the entry's block header in the lock file, when read.
	Range hcl.Range
}

// HasPlatform says whether the entry was locked for a platform.
func (i *Image) HasPlatform(p string) bool { return slices.Contains(i.Platforms, p) }

// Pinned returns the reference pinned to the locked digest, name:tag@digest.
func (i *Image) Pinned() string { return i.Ref + "@" + i.Digest.String() }

// Key normalizes an image reference to the form lock entries are keyed by:
// the familiar name expanded and the default tag made explicit. ok is false
// for references that cannot be locked: invalid ones, and ones that already
// carry a digest (they are pinned by the build file itself).
func Key(ref string) (key string, ok bool) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", false
	}
	if _, pinned := named.(reference.Digested); pinned {
		return "", false
	}
	return reference.TagNameOnly(named).String(), true
}

// Lookup returns the entry for an image reference as a build spells it, or nil.
func (f *File) Lookup(ref string) *Image {
	if f == nil {
		return nil
	}
	key, ok := Key(ref)
	if !ok {
		return nil
	}
	i, found := slices.BinarySearchFunc(f.Images, key, func(img *Image, k string) int { return strings.Compare(img.Ref, k) })
	if !found {
		return nil
	}
	return f.Images[i]
}

// Set adds or replaces the entry for ref (any spelling), keeping Images
// sorted; platforms are sorted and deduplicated.
func (f *File) Set(ref string, dgst digest.Digest, platforms []string) error {
	key, ok := Key(ref)
	if !ok {
		return fmt.Errorf("%q cannot be locked: it is not a tagged image reference", ref)
	}
	ps := slices.Clone(platforms)
	slices.Sort(ps)
	ps = slices.Compact(ps)
	img := &Image{Ref: key, Digest: dgst, Platforms: ps}
	i, found := slices.BinarySearchFunc(f.Images, key, func(img *Image, k string) int { return strings.Compare(img.Ref, k) })
	if found {
		f.Images[i] = img
	} else {
		f.Images = slices.Insert(f.Images, i, img)
	}
	return nil
}

const header = `# build.lock: the digest every image of the build was pinned to, and the tag
# it came from. Written by ` + "`buildlang lock`" + `; refresh entries with
# ` + "`buildlang lock --update [IMAGE]`" + ` rather than by hand.
`

// Format renders the file: a header comment, then one block per image in
// Ref order. The same entries always give the same bytes.
func (f *File) Format() []byte {
	var b bytes.Buffer
	b.WriteString(header)
	for _, img := range f.Images {
		fmt.Fprintf(&b, "\nimage %s {\n", quote(img.Ref))
		fmt.Fprintf(&b, "  digest    = %s\n", quote(img.Digest.String()))
		quoted := make([]string, len(img.Platforms))
		for i, p := range img.Platforms {
			quoted[i] = quote(p)
		}
		fmt.Fprintf(&b, "  platforms = [%s]\n}\n", strings.Join(quoted, ", "))
	}
	return b.Bytes()
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

var (
	fileSchema  = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "image", LabelNames: []string{"ref"}}}}
	imageSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "digest", Required: true}, {Name: "platforms"}}}
)

// Parse reads a lock file. Every problem is a diagnostic at its line; the
// entries that are valid are returned even when others are not.
func Parse(src []byte, filename string) (*File, hcl.Diagnostics) {
	f := &File{Filename: filename}
	hf, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return f, diags
	}
	content, cdiags := hf.Body.Content(fileSchema)
	diags = append(diags, cdiags...)
	seen := map[string]hcl.Range{}
	for _, blk := range content.Blocks {
		img, idiags := parseImage(blk)
		diags = append(diags, idiags...)
		if img == nil {
			continue
		}
		if first, dup := seen[img.Ref]; dup {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate lock entry",
				Detail:  fmt.Sprintf("%s is already locked at %s:%d. Remove one of the entries, or run `buildlang lock` to rewrite the file.", img.Ref, first.Filename, first.Start.Line),
				Subject: img.Range.Ptr()})
			continue
		}
		seen[img.Ref] = img.Range
		f.Images = append(f.Images, img)
	}
	slices.SortFunc(f.Images, func(a, b *Image) int { return strings.Compare(a.Ref, b.Ref) })
	return f, diags
}

func parseImage(blk *hcl.Block) (*Image, hcl.Diagnostics) {
	rng := hcl.RangeBetween(blk.TypeRange, blk.LabelRanges[0])
	invalid := func(subject hcl.Range, summary, detail string) hcl.Diagnostics {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: subject.Ptr()}}
	}
	ref := blk.Labels[0]
	key, ok := Key(ref)
	if !ok || key != ref {
		want := "a tagged reference without a digest"
		if ok {
			want = fmt.Sprintf("the normalized form %q", key)
		}
		return nil, invalid(blk.LabelRanges[0], "Invalid lock entry", fmt.Sprintf("%q is not an image reference as build.lock writes them: use %s, or run `buildlang lock` to rewrite the file.", ref, want))
	}
	content, diags := blk.Body.Content(imageSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	img := &Image{Ref: key, Range: rng}
	a := content.Attributes["digest"]
	v, vdiags := a.Expr.Value(nil)
	if vdiags.HasErrors() || v.Type() != cty.String || v.IsNull() {
		return nil, append(diags, invalid(a.Expr.Range(), "Invalid digest", "The digest must be a string like \"sha256:<64 hex digits>\".")...)
	}
	d, err := digest.Parse(v.AsString())
	if err != nil {
		return nil, append(diags, invalid(a.Expr.Range(), "Invalid digest", fmt.Sprintf("%q is not a digest: %s. Run `buildlang lock --update %s` to lock it again.", v.AsString(), err, ref))...)
	}
	img.Digest = d
	if a := content.Attributes["platforms"]; a != nil {
		v, vdiags := a.Expr.Value(nil)
		if vdiags.HasErrors() || !(v.Type().IsTupleType() || v.Type().IsListType()) || v.IsNull() {
			return nil, append(diags, invalid(a.Expr.Range(), "Invalid platforms", "platforms must be a list of strings like [\"linux/amd64\"].")...)
		}
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			if ev.Type() != cty.String || ev.IsNull() {
				return nil, append(diags, invalid(a.Expr.Range(), "Invalid platforms", "platforms must be a list of strings like [\"linux/amd64\"].")...)
			}
			img.Platforms = append(img.Platforms, ev.AsString())
		}
		slices.Sort(img.Platforms)
		img.Platforms = slices.Compact(img.Platforms)
	}
	return img, diags
}
