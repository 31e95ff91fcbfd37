package lsp

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lsp/internal/protocol"
	"github.com/zclconf/go-cty/cty"
)

// cursorCtx is what surrounds the cursor, read from tokens.
type cursorCtx struct {
	blocks      []frame // enclosing blocks, outermost first
	body        bool    // directly in a body, where attributes and blocks go
	lineEmpty   bool    // at body level, nothing precedes the prefix on its line
	attr        string  // the attribute whose expression holds the cursor
	prefix      string  // identifier characters before the cursor
	prefixStart int
	trav        []string // names of the traversal before the prefix: var.x.| gives [var x]
	inString    bool     // in a string literal, outside any interpolation
	stringText  string   // the literal's text before the cursor
	label       string   // in a block header's quoted label: the block's type
	inComment   bool
	call        *frame // the innermost function call around the cursor
}

// cursorAt analyses the tokens of f up to byte offset off.
func cursorAt(f *fileInfo, off int) *cursorCtx {
	src := f.m.content
	start, end := chunkAround(src, off)
	w := &walker{src: src, toks: lex(src, start, end, f.m)}
	c := &cursorCtx{prefixStart: off}
	i, lastEnd := 0, start
	for ; i < len(w.toks); i++ {
		t := w.toks[i]
		if t.Type == hclsyntax.TokenEOF || t.Range.End.Byte > off {
			break
		}
		if t.Range.End.Byte == off && (t.Type == hclsyntax.TokenIdent || t.Type == hclsyntax.TokenQuotedLit) {
			break
		}
		w.step(i)
		lastEnd = t.Range.End.Byte
	}
	if i < len(w.toks) {
		t := w.toks[i]
		if t.Range.Start.Byte < off {
			switch t.Type {
			case hclsyntax.TokenIdent:
				c.prefix, c.prefixStart = string(src[t.Range.Start.Byte:off]), t.Range.Start.Byte
			case hclsyntax.TokenComment:
				c.inComment = true
			}
		}
	}
	c.blocks = w.blockPath()
	c.body = w.atBody()
	c.attr = w.exprAttr()
	if c.body {
		c.lineEmpty = len(w.line) == 0
	}
	if top := w.top(); top != nil && top.kind == frameQuote {
		c.inString = true
		if lastEnd <= off {
			c.stringText = string(src[lastEnd:off])
		}
		if w.inHeaderQuote() {
			c.label = string(w.toks[w.line[0]].Bytes)
		}
	}
	if top := w.top(); top != nil && top.kind == frameHeredoc {
		c.inString = true
	}
	for j := len(w.stack) - 1; j >= 0; j-- {
		if w.stack[j].kind == frameParen && w.stack[j].fn != "" {
			f := w.stack[j]
			c.call = &f
			break
		}
		if w.stack[j].kind == frameBlock {
			break
		}
	}
	// The traversal before the prefix: ident . ident . prefix
	for j := i - 1; j >= 1 && w.toks[j].Type == hclsyntax.TokenDot && w.toks[j-1].Type == hclsyntax.TokenIdent; j -= 2 {
		c.trav = append([]string{string(w.toks[j-1].Bytes)}, c.trav...)
		if j-2 < 0 || w.toks[j-2].Type != hclsyntax.TokenDot {
			break
		}
	}
	return c
}

// typeNames are offered in a variable's type.
var typeNames = []string{"string", "number", "bool", "any", "list", "map", "set", "object", "tuple"}

// Platforms offered for platform strings.
var commonPlatforms = []string{
	"linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386",
	"linux/ppc64le", "linux/s390x", "linux/riscv64", "windows/amd64", "windows/arm64",
}

func completion(ctx context.Context, s *Server, snap *snapshot, p *protocol.CompletionParams) (*protocol.CompletionList, error) {
	b, f, off, err := locateTyping(snap, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return &protocol.CompletionList{Items: []protocol.CompletionItem{}}, err
	}
	s.mu.Lock()
	snippets := s.snippets
	s.mu.Unlock()
	c := cursorAt(f, off)
	cb := &completer{b: b, f: f, c: c, off: off, snippets: snippets, snap: snap}
	cb.complete()
	items := cb.items[:0]
	for _, it := range cb.items {
		text := it.FilterText
		if text == "" {
			text = it.Label
		}
		if strings.HasPrefix(strings.ToLower(text), strings.ToLower(cb.filter)) {
			items = append(items, it)
		}
	}
	for i := range items {
		items[i].SortText = fmt.Sprintf("%05d", i)
	}
	return &protocol.CompletionList{Items: items}, nil
}

type completer struct {
	snap     *snapshot
	b        *buildInfo
	f        *fileInfo
	c        *cursorCtx
	off      int
	snippets bool
	filter   string
	items    []protocol.CompletionItem
}

func (cb *completer) add(label string, kind protocol.CompletionItemKind, detail, doc string) *protocol.CompletionItem {
	it := protocol.CompletionItem{Label: label, Kind: kind, Detail: detail}
	if doc != "" {
		it.Documentation = &protocol.MarkupContent{Kind: "markdown", Value: doc}
	}
	cb.items = append(cb.items, it)
	return &cb.items[len(cb.items)-1]
}

func (cb *completer) complete() {
	c := cb.c
	cb.filter = c.prefix
	switch {
	case c.inComment:
	case c.inString:
		cb.filter = c.stringText
		if c.label != "" {
			cb.labels()
			return
		}
		if cb.contextPaths() {
			return
		}
		cb.enumValues(false)
	case c.body && c.lineEmpty:
		cb.bodyItems()
	case c.body && c.attr == "":
		// After a block type: labels are typed in quotes.
	case len(c.trav) > 0:
		cb.names()
	case c.attr == "type" && len(c.blocks) == 1 && c.blocks[0].block == "variable":
		for _, t := range typeNames {
			cb.add(t, protocol.KindKeyword, "type", "")
		}
	default:
		cb.enumValues(true)
		cb.mountCalls()
		cb.expressionStarts()
	}
}

// mountCalls offers the mount calls in a run step's mounts list.
func (cb *completer) mountCalls() {
	blocks := cb.c.blocks
	if cb.c.attr != "mounts" || len(blocks) == 0 || blocks[len(blocks)-1].block != "run" {
		return
	}
	for _, kind := range lang.MountCallKinds {
		label := lang.RunSchema.Block(kind).Labels[0]
		it := cb.add(kind+"(…)", protocol.KindFunction, "mount", lang.MountCallDoc(kind))
		it.FilterText = kind
		if cb.snippets {
			it.InsertText, it.InsertTextFormat = fmt.Sprintf("%s(\"${1:%s}\")$0", kind, label), protocol.SnippetFormat
		} else {
			it.InsertText, it.InsertTextFormat = kind+`("")`, protocol.PlainTextFormat
		}
	}
}

// labels completes a block label: the declared secrets and ssh agents in
// a run step's mounts.
func (cb *completer) labels() {
	blocks := cb.c.blocks
	if len(blocks) == 0 || blocks[len(blocks)-1].block != "run" || cb.b.build == nil {
		return
	}
	switch cb.c.label {
	case "secret":
		for _, s := range cb.b.build.Secrets {
			cb.add(s.Name, protocol.KindValue, "secret", s.Description)
		}
	case "ssh":
		for _, s := range cb.b.build.SSH {
			cb.add(s.Name, protocol.KindValue, "ssh", s.Description)
		}
	}
}

// attrSpec is the schema of the attribute the cursor is in, or nil.
func (cb *completer) attrSpec() *lang.AttrSpec {
	if s := schemaFor(cb.c.blocks); s != nil && cb.c.attr != "" {
		return s.Attr(cb.c.attr)
	}
	return nil
}

// enumValues offers the values of an enumeration or platform strings,
// quoted when the cursor is not in a string yet.
func (cb *completer) enumValues(quote bool) {
	a := cb.attrSpec()
	if a == nil {
		return
	}
	values, detail := a.Enum, a.Name
	if a.Name == "platforms" || a.Name == "platform" {
		values, detail = commonPlatforms, "platform"
	}
	for _, v := range values {
		label := v
		if quote {
			label = `"` + v + `"`
		}
		it := cb.add(label, protocol.KindEnumMember, detail, "")
		if quote {
			it.FilterText = v
		}
	}
}

// bodyItems offers the attributes and blocks of the enclosing block.
func (cb *completer) bodyItems() {
	spec := schemaFor(cb.c.blocks)
	if spec == nil || spec.Open {
		return
	}
	present := map[string]bool{}
	if path := pathAt(cb.f.file, cb.off); cb.f.file != nil && len(path.blocks) == len(cb.c.blocks) {
		body := cb.f.file.Body.(*hclsyntax.Body)
		if n := len(path.blocks); n > 0 {
			body = path.blocks[n-1].Body
			// A short-form step's labels give these already.
			if blk := path.blocks[n-1]; spec.Short != nil && len(blk.Labels) > len(spec.Labels) {
				for _, name := range append(spec.Short.Attrs, spec.Short.Conflicts...) {
					present[name] = true
				}
			}
		}
		for name := range body.Attributes {
			present[name] = true
		}
	}
	for _, a := range spec.Attrs {
		if present[a.Name] {
			continue
		}
		it := cb.add(a.Name, protocol.KindProperty, a.Type, attrDoc(a))
		it.InsertText, it.InsertTextFormat = cb.attrSnippet(a)
	}
	for _, bs := range spec.Blocks {
		it := cb.add(bs.Type, protocol.KindClass, "block", bs.Doc)
		it.InsertText, it.InsertTextFormat = cb.blockSnippet(bs)
		if f := bs.Short; f != nil {
			it := cb.add(f.Example, protocol.KindClass, "short form", shortFormDoc(bs))
			it.FilterText = bs.Type
			it.InsertText, it.InsertTextFormat = cb.shortFormSnippet(bs)
		}
	}
}

// shortFormDoc documents a block's short form, for completion and hover.
func shortFormDoc(bs *lang.BlockSpec) string {
	f := bs.Short
	which := "The labels stand"
	if len(bs.Labels) > 0 {
		which = "The labels after the " + strings.Join(bs.Labels, " and ") + " stand"
	}
	return fmt.Sprintf("**%s** short form: `%s`\n\n%s\n\n%s for %s; the body takes the block's other attributes.",
		bs.Type, f.Example, f.Doc, which, "`"+strings.Join(f.Attrs, "` and `")+"`")
}

// shortFormSnippet writes a block's short form with a placeholder per
// label, e.g. copy "src" "dest" {}; a declaration's (a target's) body is
// opened for its steps.
func (cb *completer) shortFormSnippet(bs *lang.BlockSpec) (string, protocol.InsertTextFormat) {
	var sb strings.Builder
	sb.WriteString(bs.Type)
	for i, name := range append(slices.Clone(bs.Labels), bs.Short.Attrs...) {
		if cb.snippets {
			fmt.Fprintf(&sb, " \"${%d:%s}\"", i+1, name)
		} else {
			sb.WriteString(` ""`)
		}
	}
	switch {
	case !cb.snippets && len(bs.Labels) > 0:
		return sb.String() + " {\n}", protocol.PlainTextFormat
	case !cb.snippets:
		return sb.String() + " {}", protocol.PlainTextFormat
	case len(bs.Labels) > 0:
		return sb.String() + " {\n\t$0\n}", protocol.SnippetFormat
	}
	return sb.String() + " {}$0", protocol.SnippetFormat
}

func attrDoc(a *lang.AttrSpec) string {
	doc := fmt.Sprintf("`%s` (%s", a.Name, a.Type)
	if a.Required {
		doc += ", required"
	}
	doc += ")\n\n" + a.Doc
	if len(a.Enum) > 0 {
		doc += "\n\nOne of " + quoteJoin(a.Enum) + "."
	}
	return doc
}

func quoteJoin(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = `"` + x + `"`
	}
	return strings.Join(q, ", ")
}

// attrValueSnippet is a placeholder value for an attribute, as a snippet.
func attrValueSnippet(a *lang.AttrSpec, n int) string {
	switch {
	case len(a.Enum) > 0:
		return fmt.Sprintf("\"${%d|%s|}\"", n, strings.Join(a.Enum, ","))
	case a.Type == "string":
		return fmt.Sprintf("\"$%d\"", n)
	case a.Type == "bool":
		return fmt.Sprintf("${%d|true,false|}", n)
	case strings.HasPrefix(a.Type, "list"):
		return fmt.Sprintf("[$%d]", n)
	case strings.HasPrefix(a.Type, "map"):
		return fmt.Sprintf("{\n\t$%d\n}", n)
	}
	return fmt.Sprintf("$%d", n)
}

func (cb *completer) attrSnippet(a *lang.AttrSpec) (string, protocol.InsertTextFormat) {
	if !cb.snippets {
		return a.Name + " = ", protocol.PlainTextFormat
	}
	return a.Name + " = " + attrValueSnippet(a, 1), protocol.SnippetFormat
}

func (cb *completer) blockSnippet(bs *lang.BlockSpec) (string, protocol.InsertTextFormat) {
	if !cb.snippets {
		head := bs.Type
		for range bs.Labels {
			head += ` ""`
		}
		return head + " {\n}", protocol.PlainTextFormat
	}
	var sb strings.Builder
	sb.WriteString(bs.Type)
	n := 1
	for _, l := range bs.Labels {
		fmt.Fprintf(&sb, " \"${%d:%s}\"", n, l)
		n++
	}
	sb.WriteString(" {\n")
	for _, a := range bs.Attrs {
		if a.Required {
			fmt.Fprintf(&sb, "\t%s = %s\n", a.Name, attrValueSnippet(a, n))
			n++
		}
	}
	sb.WriteString("\t$0\n}")
	return sb.String(), protocol.SnippetFormat
}

// rootDocs say what each reference root is.
var rootDocs = map[string]string{
	"var":             "Variables: `var.NAME`.",
	"local":           "Local values: `local.NAME`.",
	"env":             "The selected environment: `env.name`, `env.platforms`, `env.cache`, `env.vars`, `env.network`.",
	"environment":     "Declared environments: `environment.NAME.platforms`, ...",
	"target":          "Targets: `target.NAME`, or `target[\"NAME\"]` for a matrix instance.",
	"group":           "Groups of targets: `group.NAME`.",
	"secret":          "Secrets: `secret.NAME`.",
	"ssh":             "SSH agents: `ssh.NAME`.",
	"cache":           "Cache policies: `cache.NAME`.",
	"mounts":          "Mount sets, for a run step's mounts: `mounts.NAME`.",
	"matrix":          "The values of this matrix instance: `matrix.KEY`.",
	"scratch":         "The empty filesystem, as a source.",
	"context":         "The main build context, as a source.",
	"contexts":        "Named build contexts: `contexts.NAME`.",
	"build_platform":  "The platform of the builder: `.os`, `.arch`, `.variant`, `.string`.",
	"target_platform": "The platform being built: `.os`, `.arch`, `.variant`, `.string`.",
}

// expressionStarts offers what an expression can start with: reference
// roots, functions and literals.
func (cb *completer) expressionStarts() {
	for _, r := range lang.Roots {
		cb.add(r, protocol.KindModule, "reference", rootDocs[r])
	}
	for _, d := range functions(cb.b) {
		it := cb.add(d.name, protocol.KindFunction, d.signature, d.markdown())
		if cb.snippets {
			it.InsertText, it.InsertTextFormat = d.name+"($1)", protocol.SnippetFormat
		}
	}
	for _, k := range []string{"true", "false", "null"} {
		cb.add(k, protocol.KindKeyword, "", "")
	}
}

var platformAttrs = []string{"os", "arch", "variant", "string"}

// names offers what may follow a traversal: the declared names after a
// root, or attributes.
func (cb *completer) names() {
	t := cb.c.trav
	build := cb.b.build
	if len(t) == 2 && t[0] == "environment" || len(t) == 1 && t[0] == "env" {
		for _, a := range lang.EnvAttributes {
			cb.add(a, protocol.KindField, "environment attribute", "")
		}
		return
	}
	if len(t) == 1 && (t[0] == "build_platform" || t[0] == "target_platform") {
		for _, a := range platformAttrs {
			cb.add(a, protocol.KindField, "string", "")
		}
		return
	}
	if len(t) != 1 || build == nil {
		return
	}
	switch t[0] {
	case "var":
		for _, v := range build.Variables {
			cb.add(v.Name, protocol.KindVariable, typeexpr.TypeString(v.Type), variableDoc(v))
		}
	case "local":
		for _, l := range build.Locals {
			cb.add(l.Name, protocol.KindVariable, "local", "`"+showValue(l.Value)+"`")
		}
	case "target":
		seen := map[string]bool{}
		for _, tg := range build.Targets {
			if !seen[tg.Block] {
				seen[tg.Block] = true
				cb.add(tg.Block, protocol.KindClass, "target", tg.Description)
			}
		}
		for _, tg := range build.Targets {
			if !seen[tg.Name] && hclsyntax.ValidIdentifier(tg.Name) {
				seen[tg.Name] = true
				cb.add(tg.Name, protocol.KindClass, "matrix instance of "+tg.Block, tg.Description)
			}
		}
	case "group":
		for _, g := range build.Groups {
			cb.add(g.Name, protocol.KindModule, "group", g.Description)
		}
	case "secret":
		for _, s := range build.Secrets {
			cb.add(s.Name, protocol.KindConstant, "secret", s.Description)
		}
	case "ssh":
		for _, s := range build.SSH {
			cb.add(s.Name, protocol.KindConstant, "ssh", s.Description)
		}
	case "cache":
		for _, c := range build.Caches {
			cb.add(c.Name, protocol.KindStruct, "cache", c.Description)
		}
	case "mounts":
		for _, m := range build.MountSets {
			cb.add(m.Name, protocol.KindStruct, "mount set", m.Description)
		}
	case "environment":
		for _, e := range build.Environments {
			cb.add(e.Name, protocol.KindModule, "environment", e.Description)
		}
	case "matrix":
		for _, k := range cb.matrixKeys() {
			cb.add(k, protocol.KindField, "matrix key", "")
		}
	}
}

// matrixKeys lists the keys of the matrix of the target around the cursor.
func (cb *completer) matrixKeys() []string {
	if len(cb.c.blocks) == 0 || cb.c.blocks[0].block != "target" || len(cb.c.blocks[0].labels) == 0 {
		return nil
	}
	name := cb.c.blocks[0].labels[0]
	for _, t := range cb.b.build.Targets {
		if t.Block == name && t.Matrix != nil {
			keys := make([]string, 0, len(t.Matrix))
			for k := range t.Matrix {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return keys
		}
	}
	// The matrix does not evaluate: read its keys from the source.
	path := pathAt(cb.f.file, cb.off)
	if len(path.blocks) == 0 {
		return nil
	}
	a := path.blocks[0].Body.Attributes["matrix"]
	if a == nil {
		return nil
	}
	obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	var keys []string
	for _, item := range obj.Items {
		if k := hcl.ExprAsKeyword(item.KeyExpr); k != "" && k != "include" && k != "exclude" {
			keys = append(keys, k)
		}
	}
	return keys
}

func variableDoc(v *lang.Variable) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "```hcl\nvariable %q { type = %s }\n```\n", v.Name, typeexpr.TypeString(v.Type))
	if v.Description != "" {
		sb.WriteString("\n" + v.Description + "\n")
	}
	if v.Default != cty.NilVal {
		def := showValue(v.Default)
		if v.Sensitive {
			def = "(sensitive)"
		}
		fmt.Fprintf(&sb, "\nDefault: `%s`\n", def)
	}
	if v.Source != "" {
		fmt.Fprintf(&sb, "\nValue: `%s` (from %s)\n", showValue(v.Value), v.Source)
	} else {
		sb.WriteString("\nValue: not set\n")
	}
	if v.HostEnv != "" {
		fmt.Fprintf(&sb, "\nRead from the host environment variable `%s`, when set and granted (`--allow env=%s`).\n", v.HostEnv, v.HostEnv)
	}
	return strings.TrimSuffix(sb.String(), "\n")
}
