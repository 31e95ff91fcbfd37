// Package hclgen writes buildlang source for the converters: values whose
// strings may hold references to variables or platforms (a Value is a
// list of literal and expression parts), and a File that collects
// declarations, targets and groups and prints them formatted.
package hclgen

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lang/format"
	"github.com/zclconf/go-cty/cty"
)

// Part is a piece of a string value: literal text, or (Expr != "") an
// expression like var.VERSION or target_platform.arch.
type Part struct {
	Lit  string
	Expr string
}

// Str is a string value made of parts. A Str of one expression part is
// written as the bare expression; anything else as a quoted template.
type Str []Part

// Lit is a literal string.
func Lit(s string) Str { return Str{{Lit: s}} }

// Expr is a string expression.
func Expr(e string) Str { return Str{{Expr: e}} }

// IsLit reports whether s holds no expression, and its text.
func (s Str) IsLit() (string, bool) {
	var b strings.Builder
	for _, p := range s {
		if p.Expr != "" {
			return "", false
		}
		b.WriteString(p.Lit)
	}
	return b.String(), true
}

// String is s as a Dockerfile-ish text, expressions as ${...}: for
// messages and comments.
func (s Str) String() string {
	var b strings.Builder
	for _, p := range s {
		if p.Expr != "" {
			b.WriteString("${" + p.Expr + "}")
		} else {
			b.WriteString(p.Lit)
		}
	}
	return b.String()
}

// Tokens writes s as an expression.
func (s Str) Tokens() hclwrite.Tokens {
	var parts Str
	for _, p := range s { // merge adjacent literals, drop empty ones
		if p.Expr == "" && p.Lit == "" {
			continue
		}
		if p.Expr == "" && len(parts) > 0 && parts[len(parts)-1].Expr == "" {
			parts[len(parts)-1].Lit += p.Lit
			continue
		}
		parts = append(parts, p)
	}
	if len(parts) == 1 && parts[0].Expr != "" {
		return exprTokens(parts[0].Expr)
	}
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOQuote, Bytes: []byte(`"`)}}
	for _, p := range parts {
		if p.Expr != "" {
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")})
			toks = append(toks, exprTokens(p.Expr)...)
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte("}")})
			continue
		}
		lit := hclwrite.TokensForValue(cty.StringVal(p.Lit))
		// TokensForValue gives OQuote, QuotedLit (escaped), CQuote.
		toks = append(toks, lit[1:len(lit)-1]...)
	}
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCQuote, Bytes: []byte(`"`)})
}

func exprTokens(e string) hclwrite.Tokens {
	return hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(e)}}
}

// Raw is an expression written as it is, e.g. target.build or scratch.
func Raw(e string) hclwrite.Tokens { return exprTokens(e) }

// List writes a list of strings.
func List(items []Str) hclwrite.Tokens {
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrack, Bytes: []byte("[")}}
	for i, it := range items {
		if i > 0 {
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")})
		}
		toks = append(toks, it.Tokens()...)
	}
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte("]")})
}

// Lits is a list of literal strings.
func Lits(ss []string) hclwrite.Tokens {
	items := make([]Str, len(ss))
	for i, s := range ss {
		items[i] = Lit(s)
	}
	return List(items)
}

// RawList writes a list of expressions, e.g. [target.a, target.b].
func RawList(es []string) hclwrite.Tokens {
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrack, Bytes: []byte("[")}}
	for i, e := range es {
		if i > 0 {
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")})
		}
		toks = append(toks, exprTokens(e)...)
	}
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte("]")})
}

// KV is one entry of a map.
type KV struct {
	Key   string
	Value hclwrite.Tokens
}

// Map writes a map in the entries' order, one per line when there are
// more than two; keys that are not identifiers are quoted.
func Map(kvs []KV) hclwrite.Tokens { return mapTokens(kvs, len(kvs) > 2) }

// Line writes an object on one line, in the entries' order: a block's
// one-line form, like healthcheck = { test = [...], interval = "30s" }.
func Line(kvs []KV) hclwrite.Tokens { return mapTokens(kvs, false) }

func mapTokens(kvs []KV, multi bool) hclwrite.Tokens {
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrace, Bytes: []byte("{")}}
	for i, kv := range kvs {
		if multi {
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")})
		} else if i > 0 {
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")})
		}
		if hclsyntax.ValidIdentifier(kv.Key) {
			toks = append(toks, exprTokens(kv.Key)...)
		} else {
			toks = append(toks, hclwrite.TokensForValue(cty.StringVal(kv.Key))...)
		}
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenEqual, Bytes: []byte("=")})
		toks = append(toks, kv.Value...)
	}
	if multi {
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")})
	}
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrace, Bytes: []byte("}")})
}

// StrMap writes a map of strings, sorted by key.
func StrMap(m map[string]Str) hclwrite.Tokens {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	kvs := make([]KV, len(keys))
	for i, k := range keys {
		kvs[i] = KV{k, m[k].Tokens()}
	}
	return Map(kvs)
}

// Comment appends comment lines ("# ...") to a body.
func Comment(b *hclwrite.Body, lines ...string) {
	for _, l := range lines {
		for _, l := range strings.Split(l, "\n") {
			b.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte(strings.TrimRight("# "+l, " ") + "\n")}})
		}
	}
}

// Ident turns a name into one usable as target.NAME: characters HCL
// identifiers do not allow become "_", and a leading digit gets a "_".
func Ident(name string) string {
	var b strings.Builder
	for i, r := range name {
		ok := r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			r = '_'
		}
		if i == 0 && (r == '-' || (r >= '0' && r <= '9')) {
			b.WriteRune('_')
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

var emptyBlock = regexp.MustCompile(`\{\n[ \t]*\}`)

// File collects the blocks of a build file in the order buildlang files
// are usually read: header comments, variables, secrets and ssh, targets,
// groups.
type File struct {
	Header  []string
	Decls   []*hclwrite.Block
	Targets []*hclwrite.Block
	Groups  []*hclwrite.Block

	// Locals are values the file repeats, named once (Local).
	Locals []KV

	declared map[string]bool
	blocks   map[string]*hclwrite.Block
	localOf  map[string]string // value → local name
}

// Local names a repeated string value as a local, once per value: the
// name is made from hint, numbered if taken. It returns the local's name.
func (f *File) Local(hint, value string) string {
	if n, ok := f.localOf[value]; ok {
		return n
	}
	if f.localOf == nil {
		f.localOf = map[string]string{}
	}
	base := strings.ReplaceAll(Ident(hint), "-", "_")
	name := base
	for n := 2; f.hasLocal(name); n++ {
		name = fmt.Sprintf("%s_%d", base, n)
	}
	f.localOf[value] = name
	f.Locals = append(f.Locals, KV{Key: name, Value: Lit(value).Tokens()})
	return name
}

func (f *File) hasLocal(name string) bool {
	for _, kv := range f.Locals {
		if kv.Key == name {
			return true
		}
	}
	return false
}

// Declared is the block recorded under key by DeclareBlock, or nil.
func (f *File) Declared(key string) *hclwrite.Block { return f.blocks[key] }

// DeclareBlock adds a declaration (variable, secret, ssh, cache) once per
// key and returns the block declared under it.
func (f *File) DeclareBlock(key string, b *hclwrite.Block) *hclwrite.Block {
	if old := f.blocks[key]; old != nil {
		return old
	}
	if f.blocks == nil {
		f.blocks = map[string]*hclwrite.Block{}
	}
	f.blocks[key] = b
	f.Decls = append(f.Decls, b)
	return b
}

// Declare records a declaration by key (e.g. "secret npm"); it reports
// whether the key is new, so each block is written once per file.
func (f *File) Declare(key string) bool {
	if f.declared == nil {
		f.declared = map[string]bool{}
	}
	if f.declared[key] {
		return false
	}
	f.declared[key] = true
	return true
}

// Bytes prints the file, formatted as `buildlang fmt` formats it.
func (f *File) Bytes() ([]byte, error) {
	out := hclwrite.NewEmptyFile()
	body := out.Body()
	// The syntax line lets `docker buildx build -f build.hcl` find the
	// frontend, as in every example.
	Comment(body, "syntax=org/buildlang")
	body.AppendNewline()
	if len(f.Header) > 0 {
		seen := map[string]bool{}
		for _, h := range f.Header {
			if !seen[h] {
				seen[h] = true
				Comment(body, h)
			}
		}
		body.AppendNewline()
	}
	decls := f.Decls
	if len(f.Locals) > 0 {
		lb := hclwrite.NewBlock("locals", nil)
		for _, kv := range f.Locals {
			lb.Body().SetAttributeRaw(kv.Key, kv.Value)
		}
		decls = append(slices.Clone(decls), lb)
	}
	for _, section := range [][]*hclwrite.Block{decls, f.Targets, f.Groups} {
		for _, b := range section {
			body.AppendBlock(b)
			body.AppendNewline()
		}
	}
	// Blocks with nothing in them are written {} as people write them,
	// a short run step's mounts as calls in its mounts list, and steps
	// and mounts with one attribute on one line.
	src := oneLineBlocks(mountCalls(emptyBlock.ReplaceAll(hclwrite.Format(out.Bytes()), []byte("{}"))))
	formatted, diags := format.Source(src, "build.hcl")
	if diags.HasErrors() {
		return nil, fmt.Errorf("convert: internal error, the generated file does not parse: %s\n%s", diags.Error(), src)
	}
	return formatted, nil
}

// oneLineBlocks writes each block inside a target (a step, a mount) whose
// body is one attribute on one line, with nothing else in it (no
// comment), on one line, as a Dockerfile's instruction is:
// copy "run.sh" "/bin/" { chmod = "0755" }, set { user = "app" }. src
// must parse; the result does too, since only the whitespace around the
// attribute changes.
func oneLineBlocks(src []byte) []byte {
	return rewriteTargets(src, func(target *hclsyntax.Block, replace func(start, end int, text []byte)) {
		oneLineBlocksOf(src, target, replace)
	})
}

// oneLineBlocksOf is oneLineBlocks for one target's blocks.
func oneLineBlocksOf(src []byte, target *hclsyntax.Block, replace func(start, end int, text []byte)) {
	var walk func(blocks hclsyntax.Blocks)
	walk = func(blocks hclsyntax.Blocks) {
		for _, blk := range blocks {
			b := blk.Body
			walk(b.Blocks)
			if len(b.Attributes) != 1 || len(b.Blocks) != 0 {
				continue
			}
			var a *hclsyntax.Attribute
			for _, x := range b.Attributes {
				a = x
			}
			open, close := blk.OpenBraceRange.End.Byte, blk.CloseBraceRange.Start.Byte
			attr := src[a.SrcRange.Start.Byte:a.SrcRange.End.Byte]
			if bytes.ContainsRune(attr, '\n') || len(bytes.TrimSpace(src[open:a.SrcRange.Start.Byte])) > 0 || len(bytes.TrimSpace(src[a.SrcRange.End.Byte:close])) > 0 {
				continue
			}
			replace(open, close, append(append([]byte(" "), attr...), ' '))
		}
	}
	walk(target.Body.Blocks)
}

// rewriteTargets parses src, lets rewrite name the byte ranges of each
// target block's text to replace (ranges that do not overlap), and
// returns src with them replaced; src unchanged when it does not parse.
func rewriteTargets(src []byte, rewrite func(target *hclsyntax.Block, replace func(start, end int, text []byte))) []byte {
	f, diags := hclsyntax.ParseConfig(src, "build.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		return src
	}
	type splice struct {
		start, end int
		text       []byte
	}
	var splices []splice
	for _, target := range f.Body.(*hclsyntax.Body).Blocks {
		if target.Type == "target" {
			rewrite(target, func(start, end int, text []byte) { splices = append(splices, splice{start, end, text}) })
		}
	}
	slices.SortFunc(splices, func(a, b splice) int { return a.start - b.start })
	for i := len(splices) - 1; i >= 0; i-- {
		sp := splices[i]
		src = slices.Concat(src[:sp.start], sp.text, src[sp.end:])
	}
	return src
}

// mountCalls writes the mounts of each short run step that has nothing
// but mount blocks of one line each (and no comment) as the mount calls
// of its mounts list, so the step is one line, as its RUN with --mount
// flags is: run "make" { mounts = [cache("/root/.cache"), tmpfs("/tmp")] }.
// src must parse; the result means the same (lang compiles the calls as
// the blocks).
func mountCalls(src []byte) []byte {
	return rewriteTargets(src, func(target *hclsyntax.Block, replace func(start, end int, text []byte)) {
		mountCallsOf(src, target, replace)
	})
}

// mountCallsOf is mountCalls for one target's steps.
func mountCallsOf(src []byte, target *hclsyntax.Block, replace func(start, end int, text []byte)) {
	text := func(r hcl.Range) string { return string(src[r.Start.Byte:r.End.Byte]) }
steps:
	for _, step := range target.Body.Blocks {
		b := step.Body
		if step.Type != "run" || len(step.Labels) == 0 || len(b.Attributes) != 0 || len(b.Blocks) == 0 {
			continue
		}
		open, close := step.OpenBraceRange.End.Byte, step.CloseBraceRange.Start.Byte
		toks, _ := hclsyntax.LexConfig(src[open:close], "", hcl.InitialPos)
		for _, t := range toks {
			if t.Type == hclsyntax.TokenComment {
				continue steps
			}
		}
		var calls []string
		for _, m := range b.Blocks {
			if !slices.Contains(lang.MountCallKinds, m.Type) || len(m.Labels) != 1 || len(m.Body.Blocks) != 0 {
				continue steps
			}
			call := m.Type + "(" + text(m.LabelRanges[0])
			attrs := make([]*hclsyntax.Attribute, 0, len(m.Body.Attributes))
			for _, a := range m.Body.Attributes {
				if strings.Contains(text(a.Expr.Range()), "\n") {
					continue steps
				}
				attrs = append(attrs, a)
			}
			slices.SortFunc(attrs, func(x, y *hclsyntax.Attribute) int { return x.SrcRange.Start.Byte - y.SrcRange.Start.Byte })
			for i, a := range attrs {
				sep := ", "
				if i == 0 {
					sep = ", { "
				}
				call += sep + a.Name + " = " + text(a.Expr.Range())
			}
			if len(attrs) > 0 {
				call += " }"
			}
			calls = append(calls, call+")")
		}
		replace(open, close, []byte(" mounts = ["+strings.Join(calls, ", ")+"] "))
	}
}
