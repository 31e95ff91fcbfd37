package stdlib

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Doc is one function's documentation, read from its function.Spec
// (Description, Params, VarParam and return type): the single source for
// spec/stdlib.md and the language server's hover and completion.
type Doc struct {
	Name string
	// Signature reads like `join(separator string, lists ...list(string)) string`;
	// an optional trailing parameter is shown as `[latest bool]`.
	Signature   string
	Description string
	Params      []ParamDoc
	Category    string
}

// ParamDoc documents one parameter. Type is in HCL type syntax ("string",
// "list(any)", "platform", ...); a variadic parameter's Type starts with
// "...", and an optional one's with "optional ".
type ParamDoc struct {
	Name, Type, Description string
}

// Docs returns the documentation of every function in Functions(), sorted by
// category (in the order strings, collections, numeric, encoding, conversion,
// errors, datetime, semver, platform, paths, hashing) then name.
func Docs() []Doc {
	docs := make([]Doc, 0, len(registry))
	for _, e := range registry {
		docs = append(docs, docFor(e))
	}
	rank := map[string]int{}
	for i, c := range categoryOrder {
		rank[c] = i
	}
	sort.SliceStable(docs, func(i, j int) bool {
		if ri, rj := rank[docs[i].Category], rank[docs[j].Category]; ri != rj {
			return ri < rj
		}
		return docs[i].Name < docs[j].Name
	})
	return docs
}

func docFor(e entry) Doc {
	d := Doc{Name: e.name, Description: e.fn.Description(), Category: e.category}
	var sig []string
	for _, p := range e.fn.Params() {
		ty := typeName(p.Type)
		d.Params = append(d.Params, ParamDoc{Name: p.Name, Type: ty, Description: p.Description})
		sig = append(sig, p.Name+" "+ty)
	}
	if vp := e.fn.VarParam(); vp != nil {
		ty := typeName(vp.Type)
		if e.optional {
			d.Params = append(d.Params, ParamDoc{Name: vp.Name, Type: "optional " + ty, Description: vp.Description})
			sig = append(sig, "["+vp.Name+" "+ty+"]")
		} else {
			d.Params = append(d.Params, ParamDoc{Name: vp.Name, Type: "..." + ty, Description: vp.Description})
			sig = append(sig, vp.Name+" ..."+ty)
		}
	}
	d.Signature = fmt.Sprintf("%s(%s) %s", e.name, strings.Join(sig, ", "), returnTypeName(e))
	return d
}

// returnTypeName asks the Spec's Type callback for the result type given the
// declared parameter types; that answers for every function whose result
// does not depend on its arguments' values. The others say what they return
// in entry.returns.
func returnTypeName(e entry) string {
	if e.returns != "" {
		return e.returns
	}
	ty, ok := staticReturnType(e.fn)
	if !ok {
		return "any"
	}
	return typeName(ty)
}

func staticReturnType(f function.Function) (ty cty.Type, ok bool) {
	defer func() {
		// A Type callback may assume values it never gets from real calls.
		if recover() != nil {
			ok = false
		}
	}()
	var args []cty.Type
	for _, p := range f.Params() {
		args = append(args, p.Type)
	}
	ty, err := f.ReturnType(args)
	if err != nil || ty == cty.NilType || ty == cty.DynamicPseudoType {
		return cty.NilType, false
	}
	return ty, true
}

// typeName renders a type in HCL type syntax, naming this package's object
// types rather than spelling them out.
func typeName(ty cty.Type) string {
	switch {
	case ty.Equals(PlatformType):
		return "platform"
	case ty.Equals(semverType):
		return "semver"
	case ty.Equals(customdecode.ExpressionClosureType):
		return "expression"
	case ty.IsCapsuleType():
		return ty.FriendlyName()
	}
	return typeexpr.TypeString(ty)
}

// categoryTitles and categoryIntros head each section of spec/stdlib.md.
var categoryTitles = map[string]string{
	catStrings:     "Strings",
	catCollections: "Collections",
	catNumeric:     "Numbers",
	catEncoding:    "Encoding",
	catConversion:  "Type conversion",
	catErrors:      "Error handling",
	catDatetime:    "Dates and times",
	catSemver:      "Semantic versions",
	catPlatform:    "Platforms",
	catPaths:       "Paths",
	catHashing:     "Hashing",
}

var categoryIntros = map[string]string{
	catStrings:     "Strings are Unicode; lengths and offsets count characters, not bytes. Regular expressions use RE2 syntax.",
	catCollections: "Functions over lists, tuples, sets, maps and objects. Indexes start at 0.",
	catNumeric:     "Numbers are arbitrary-precision decimals.",
	catEncoding:    "Conversions between values and JSON, CSV, base64 and URL text.",
	catConversion:  "Explicit conversions; most conversions also happen implicitly where a type is expected.",
	catErrors:      "`can` and `try` take expressions, not values: errors raised while evaluating their arguments are caught. They work only in build-file expressions.",
	catDatetime:    "Pure transformations of RFC 3339 timestamps that the build file is given (for instance from a variable set from SOURCE_DATE_EPOCH). There is no function that returns the current time.",
	catSemver: "Versions follow SemVer 2.0.0, with an optional leading `v`. A `semver` value is an object " +
		"`{major = number, minor = number, patch = number, prerelease = string, build = string, string = string}`.",
	catPlatform: "Platforms are parsed and normalized by containerd/platforms, without looking at the host. A `platform` value is an object " +
		"`{os = string, arch = string, variant = string, string = string}`; `variant` is `\"\"` when there is none.",
	catPaths:   "Paths are slash-separated on every host (Go's `path`, not `filepath`).",
	catHashing: "Digests of a string's UTF-8 bytes, as lowercase hex.",
}

// RenderMarkdown renders spec/stdlib.md from Docs. The generator command and
// the freshness test both call it, so the file cannot drift from the code.
func RenderMarkdown() []byte {
	var b bytes.Buffer
	docs := Docs()
	b.WriteString(`# buildlang standard library

<!-- Code generated by go run ./internal/gendocs; DO NOT EDIT. -->

These are the functions a build file can call in any expression. They combine
go-cty's generic functions (as Terraform and Docker Bake expose them), HCL's
` + "`can` and `try`" + `, and build helpers for versions, tags, platforms, paths and hashes.

Every function is pure and deterministic: the same arguments always give the
same result, on any machine. None reads the clock, the network, the host
environment or the file system, so there is no ` + "`timestamp()`, `file()` or `env()`" + `;
pass such inputs in as variables.

Signatures use HCL type syntax; ` + "`any`" + ` means the type depends on the arguments,
` + "`name ...type`" + ` takes any number of arguments, and ` + "`[name type]`" + ` may be left out.

`)
	for _, c := range categoryOrder {
		fmt.Fprintf(&b, "- [%s](#%s)\n", categoryTitles[c], anchor(categoryTitles[c]))
	}
	for _, c := range categoryOrder {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", categoryTitles[c], categoryIntros[c])
		for _, d := range docs {
			if d.Category != c {
				continue
			}
			fmt.Fprintf(&b, "\n### %s\n\n`%s`\n\n%s\n", d.Name, d.Signature, d.Description)
			if len(d.Params) > 0 {
				b.WriteString("\n")
			}
			for _, p := range d.Params {
				fmt.Fprintf(&b, "- `%s` (%s): %s\n", p.Name, p.Type, p.Description)
			}
		}
	}
	return b.Bytes()
}

// anchor is the GitHub-style heading anchor of a title.
func anchor(title string) string {
	return strings.ReplaceAll(strings.ToLower(title), " ", "-")
}
