// Package bake converts a docker-bake.hcl file, and the Dockerfiles its
// targets build, into one build file. It reads the bake file with
// hashicorp/hcl/v2 following bake's documented schema (buildx's own bake
// package pulls in the docker CLI), rewrites its expressions into
// buildlang's (VAR → var.VAR, a matrix key → matrix.KEY) and converts each
// target's Dockerfile with convert/dockerfile, the bake target's
// settings on the stage it builds.
package bake

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/org/buildlang/convert/dockerfile"
	"github.com/org/buildlang/convert/hclgen"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/stdlib"
	"github.com/zclconf/go-cty/cty"
)

// Warning is something of the bake file (or a Dockerfile) the conversion
// does not express faithfully.
type Warning = dockerfile.Warning

// ReadFile reads a file named relative to the bake file's directory.
type ReadFile func(name string) ([]byte, error)

// Convert converts a bake file into f. The default group (or, without
// one, every target) is what a build with no target builds.
func Convert(f *hclgen.File, src []byte, filename string, read ReadFile) ([]Warning, error) {
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	c := &conv{f: f, src: src, filename: filename, read: read, targets: map[string]*hclsyntax.Block{}, vars: map[string]bool{}, funcs: map[string]bool{}, renamed: map[string]string{}, used: map[string]bool{}}
	body := file.Body.(*hclsyntax.Body)
	for _, b := range body.Blocks {
		if len(b.Labels) != 1 {
			return nil, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Block needs one name",
				Detail:   fmt.Sprintf("A %s block is written %s \"NAME\" { ... } in a bake file.", b.Type, b.Type),
				Subject:  b.DefRange().Ptr(),
			}}
		}
	}
	for _, a := range body.Attributes {
		c.vars[a.Name] = true
	}
	names := make([]string, 0, len(body.Attributes))
	for n := range body.Attributes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		// bake reads a top-level attribute as a variable with that default
		a := body.Attributes[n]
		out := hclwrite.NewBlock("variable", []string{n})
		if len(hclsyntax.Variables(a.Expr)) > 0 {
			c.note(out.Body(), a.SrcRange, "%s refers to other variables; a buildlang default is a constant, so it is the value they give by default", n)
			v, _ := c.value(a.Expr)
			if v == cty.NilVal {
				v = cty.StringVal("")
			}
			out.Body().SetAttributeValue("default", v)
		} else {
			out.Body().SetAttributeRaw("default", hclgen.Raw(c.text(a.Expr)))
		}
		out.Body().SetAttributeValue("env", cty.StringVal(n))
		c.f.DeclareBlock("variable "+n, out)
	}
	for _, b := range body.Blocks {
		switch b.Type {
		case "variable":
			c.vars[b.Labels[0]] = true
		case "function":
			c.funcs[b.Labels[0]] = true
			if reserved(b.Labels[0]) {
				c.renamed[b.Labels[0]] = b.Labels[0] + "_fn"
				c.warn(b.DefRange(), "function %s is named like a buildlang built-in; it is %s_fn here", b.Labels[0], b.Labels[0])
			}
		case "target":
			c.targets[b.Labels[0]] = b
			c.order = append(c.order, b.Labels[0])
		case "group":
			c.groups = append(c.groups, b)
		}
	}
	for _, b := range body.Blocks {
		switch b.Type {
		case "variable":
			c.inVariable = true
			c.variable(b)
			c.inVariable = false
		case "function":
			c.function(b)
		case "target", "group":
		default:
			c.warn(b.DefRange(), "%s blocks are not part of bake's schema; left out", b.Type)
		}
	}
	inherited := map[string]bool{}
	for _, name := range c.order {
		for _, p := range c.stringList(c.targets[name], "inherits") {
			inherited[p] = true
		}
	}
	grouped := map[string]bool{}
	for _, g := range c.groups {
		for _, t := range c.stringList(g, "targets") {
			grouped[t] = true
		}
	}
	for _, name := range c.order {
		// A target only inherited from (and in no group) is a set of
		// defaults, as docker/metadata-action's; its attributes are merged
		// into the targets that inherit it.
		if inherited[name] && !grouped[name] {
			continue
		}
		c.target(name)
	}
	// Variables nothing reads any more (bake's were read only by other
	// variables' defaults, now constants) are left out, with a note.
	decls := c.f.Decls[:0]
	for _, b := range c.f.Decls {
		if b.Type() == "variable" && c.vars[b.Labels()[0]] && !c.used[b.Labels()[0]] {
			c.f.Header = append(c.f.Header, fmt.Sprintf("bake variable %s is not used by any target, so it is not a variable here.", b.Labels()[0]))
			continue
		}
		decls = append(decls, b)
	}
	c.f.Decls = decls
	hasDefault := false
	for _, g := range c.groups {
		c.group(g)
		hasDefault = hasDefault || g.Labels[0] == "default"
	}
	if !hasDefault && c.targets["default"] != nil {
		// bake builds a target named default when there is no such group
		g := hclwrite.NewBlock("group", []string{"default"})
		g.Body().SetAttributeRaw("targets", hclgen.RawList([]string{"target.default"}))
		c.f.Groups = append(c.f.Groups, g)
	}
	return c.warnings, nil
}

type conv struct {
	f        *hclgen.File
	src      []byte
	filename string
	read     ReadFile
	targets  map[string]*hclsyntax.Block
	order    []string
	groups   []*hclsyntax.Block
	vars     map[string]bool
	funcs    map[string]bool
	renamed  map[string]string // functions named like built-ins → new name
	used     map[string]bool   // variables read outside variable blocks
	// inVariable is set while a variable block is converted: its own
	// validation does not make it used.
	inVariable bool
	made       map[string]bool // bake target → built
	warnings   []Warning
}

func (c *conv) warn(r hcl.Range, format string, args ...any) string {
	msg := fmt.Sprintf(format, args...)
	c.warnings = append(c.warnings, Warning{File: c.filename, Line: r.Start.Line, Message: msg})
	return fmt.Sprintf("%s line %d: %s", c.filename, r.Start.Line, msg)
}

func (c *conv) note(body *hclwrite.Body, r hcl.Range, format string, args ...any) {
	hclgen.Comment(body, "convert: "+c.warn(r, format, args...))
}

// expr rewrites a bake expression into buildlang: variables become
// var.NAME, keys of the target's matrix matrix.KEY; params are a
// function's parameters, left as they are.
func (c *conv) expr(e hclsyntax.Expression, matrix, params map[string]bool) hclwrite.Tokens {
	r := e.Range()
	text := string(c.src[r.Start.Byte:r.End.Byte])
	type edit struct {
		at   int
		name string
		to   string
	}
	var edits []edit
	for _, tr := range hclsyntax.Variables(e) {
		root := tr.RootName()
		at := tr.SourceRange().Start.Byte - r.Start.Byte
		switch {
		case params[root]:
		case matrix[root]:
			edits = append(edits, edit{at, root, "matrix." + root})
		case c.vars[root]:
			edits = append(edits, edit{at, root, "var." + root})
			if !c.inVariable {
				c.used[root] = true
			}
		case root == "target":
			c.warn(tr.SourceRange(), "target.NAME.ATTR reads another bake target's attribute; buildlang has no such reference, so it is left as written and will not check")
		default:
			c.warn(tr.SourceRange(), "%s is not a variable of this bake file; left as written", root)
		}
	}
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if call, ok := n.(*hclsyntax.FunctionCallExpr); ok {
			if to, ok := c.renamed[call.Name]; ok {
				edits = append(edits, edit{call.NameRange.Start.Byte - r.Start.Byte, call.Name, to})
			}
		}
		return nil
	})
	sort.Slice(edits, func(i, j int) bool { return edits[i].at > edits[j].at })
	for _, ed := range edits {
		if strings.HasPrefix(text[ed.at:], ed.name) {
			text = text[:ed.at] + ed.to + text[ed.at+len(ed.name):]
		}
	}
	return hclgen.Raw(text)
}

// value evaluates an expression with the variables' defaults, for what
// the conversion itself needs to know (a target's Dockerfile).
func (c *conv) value(e hclsyntax.Expression) (cty.Value, bool) {
	vars := map[string]cty.Value{}
	for _, b := range c.varBlocks() {
		if a := b.Body.Attributes["default"]; a != nil {
			if v, d := a.Expr.Value(nil); !d.HasErrors() {
				vars[b.Labels[0]] = v
			}
		} else {
			vars[b.Labels[0]] = cty.StringVal("")
		}
	}
	v, d := e.Value(&hcl.EvalContext{Variables: vars})
	if d.HasErrors() || !v.IsWhollyKnown() {
		return cty.NilVal, false
	}
	return v, true
}

func (c *conv) varBlocks() []*hclsyntax.Block {
	var out []*hclsyntax.Block
	file, _ := hclsyntax.ParseConfig(c.src, c.filename, hcl.InitialPos)
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "variable" {
			out = append(out, b)
		}
	}
	return out
}

// variable converts a bake variable: bake also reads it from the host
// environment variable of the same name, which buildlang's env does.
func (c *conv) variable(b *hclsyntax.Block) {
	name := b.Labels[0]
	out := hclwrite.NewBlock("variable", []string{name})
	ob := out.Body()
	for _, k := range []string{"description", "type"} {
		if a := b.Body.Attributes[k]; a != nil {
			ob.SetAttributeRaw(k, hclgen.Raw(c.text(a.Expr)))
		}
	}
	if a := b.Body.Attributes["default"]; a != nil {
		if len(hclsyntax.Variables(a.Expr)) > 0 {
			if v, ok := c.value(a.Expr); ok {
				ob.SetAttributeValue("default", v)
				c.note(ob, a.SrcRange, "variable %s's default refers to other variables; a buildlang default is a constant, so it is the value they give by default", name)
			} else {
				c.note(ob, a.SrcRange, "variable %s's default cannot be computed; left empty", name)
				ob.SetAttributeValue("default", cty.StringVal(""))
			}
		} else {
			ob.SetAttributeRaw("default", hclgen.Raw(c.text(a.Expr)))
		}
	} else if b.Body.Attributes["type"] == nil {
		ob.SetAttributeValue("default", cty.StringVal(""))
	}
	ob.SetAttributeValue("env", cty.StringVal(name))
	for _, vb := range b.Body.Blocks {
		if vb.Type != "validation" {
			continue
		}
		v := ob.AppendNewBlock("validation", nil).Body()
		for _, k := range []string{"condition", "error_message"} {
			if a := vb.Body.Attributes[k]; a != nil {
				v.SetAttributeRaw(k, c.expr(a.Expr, nil, nil))
			}
		}
	}
	for k, a := range b.Body.Attributes {
		if k != "description" && k != "type" && k != "default" {
			c.note(ob, a.SrcRange, "variable attribute %s has no buildlang counterpart; left out", k)
		}
	}
	c.f.DeclareBlock("variable "+name, out)
}

func (c *conv) text(e hclsyntax.Expression) string {
	r := e.Range()
	return string(c.src[r.Start.Byte:r.End.Byte])
}

// function converts a bake function: its variadic_params is buildlang's
// variadic_param.
func (c *conv) function(b *hclsyntax.Block) {
	name := b.Labels[0]
	if to, ok := c.renamed[name]; ok {
		name = to
	}
	out := hclwrite.NewBlock("function", []string{name})
	ob := out.Body()
	params := map[string]bool{}
	if a := b.Body.Attributes["params"]; a != nil {
		ob.SetAttributeRaw("params", hclgen.Raw(c.text(a.Expr)))
		for _, tr := range hclsyntax.Variables(a.Expr) {
			params[tr.RootName()] = true
		}
	}
	if a := b.Body.Attributes["variadic_params"]; a != nil {
		ob.SetAttributeRaw("variadic_param", hclgen.Raw(c.text(a.Expr)))
		for _, tr := range hclsyntax.Variables(a.Expr) {
			params[tr.RootName()] = true
		}
	}
	if a := b.Body.Attributes["result"]; a != nil {
		for _, tr := range hclsyntax.Variables(a.Expr) {
			if !params[tr.RootName()] {
				c.note(ob, a.SrcRange, "function %s reads %s, which is not a parameter; buildlang functions see only their parameters", b.Labels[0], tr.RootName())
			}
		}
		ob.SetAttributeRaw("result", c.expr(a.Expr, nil, params))
	}
	c.f.DeclareBlock("function "+name, out)
}

func (c *conv) stringList(b *hclsyntax.Block, attr string) []string {
	a := b.Body.Attributes[attr]
	if a == nil {
		return nil
	}
	v, ok := c.value(a.Expr)
	if !ok || !(v.Type().IsListType() || v.Type().IsTupleType()) {
		return nil
	}
	var out []string
	for _, e := range v.AsValueSlice() {
		if e.Type() == cty.String && e.IsKnown() && !e.IsNull() {
			out = append(out, e.AsString())
		}
	}
	return out
}

func (c *conv) group(g *hclsyntax.Block) {
	var refs []string
	for _, t := range c.stringList(g, "targets") {
		switch {
		case c.targets[t] != nil:
			refs = append(refs, "target."+hclgen.Ident(t))
		case c.isGroup(t):
			refs = append(refs, "group."+hclgen.Ident(t))
		default:
			c.warn(g.DefRange(), "group %s names %q, which is no target or group of this file; left out", g.Labels[0], t)
		}
	}
	out := hclwrite.NewBlock("group", []string{hclgen.Ident(g.Labels[0])})
	if a := g.Body.Attributes["description"]; a != nil {
		out.Body().SetAttributeRaw("description", c.expr(a.Expr, nil, nil))
	}
	out.Body().SetAttributeRaw("targets", hclgen.RawList(refs))
	c.f.Groups = append(c.f.Groups, out)
}

func (c *conv) isGroup(name string) bool {
	for _, g := range c.groups {
		if g.Labels[0] == name {
			return true
		}
	}
	return false
}

// attrs are a bake target's attributes after inheritance: the parents'
// first (in order), its own over them; maps (args, labels, contexts) merge.
type attrs struct {
	list   map[string]*hclsyntax.Attribute
	args   []mapEntry
	labels []mapEntry
	ctxs   []mapEntry
}

type mapEntry struct {
	key  string
	expr hclsyntax.Expression
}

func (c *conv) resolve(name string, seen map[string]bool) *attrs {
	out := &attrs{list: map[string]*hclsyntax.Attribute{}}
	b := c.targets[name]
	if b == nil || seen[name] {
		return out
	}
	seen[name] = true
	for _, p := range c.stringList(b, "inherits") {
		if c.targets[p] == nil {
			c.warn(b.DefRange(), "target %s inherits %q, which is not a target of this file", name, p)
			continue
		}
		pa := c.resolve(p, seen)
		for k, v := range pa.list {
			out.list[k] = v
		}
		out.args = mergeEntries(out.args, pa.args)
		out.labels = mergeEntries(out.labels, pa.labels)
		out.ctxs = mergeEntries(out.ctxs, pa.ctxs)
	}
	for k, a := range b.Body.Attributes {
		switch k {
		case "args":
			out.args = mergeEntries(out.args, c.entries(a))
		case "labels":
			out.labels = mergeEntries(out.labels, c.entries(a))
		case "contexts":
			out.ctxs = mergeEntries(out.ctxs, c.entries(a))
		case "inherits":
		default:
			out.list[k] = a
		}
	}
	return out
}

func (c *conv) entries(a *hclsyntax.Attribute) []mapEntry {
	obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		c.warn(a.SrcRange, "%s is not written as a map literal; left out", a.Name)
		return nil
	}
	var out []mapEntry
	for _, it := range obj.Items {
		k, d := it.KeyExpr.Value(nil)
		if d.HasErrors() || k.Type() != cty.String {
			c.warn(it.KeyExpr.Range(), "a %s key is not a plain name; left out", a.Name)
			continue
		}
		out = append(out, mapEntry{k.AsString(), it.ValueExpr})
	}
	return out
}

func mergeEntries(base, over []mapEntry) []mapEntry {
	out := append([]mapEntry{}, base...)
	for _, e := range over {
		replaced := false
		for i := range out {
			if out[i].key == e.key {
				out[i], replaced = e, true
			}
		}
		if !replaced {
			out = append(out, e)
		}
	}
	return out
}

// target converts one bake target: its Dockerfile's stages, the built
// one named after the bake target and carrying its settings.
func (c *conv) target(name string) {
	b := c.targets[name]
	a := c.resolve(name, map[string]bool{})
	matrix := map[string]bool{}
	if m := a.list["matrix"]; m != nil {
		if obj, ok := m.Expr.(*hclsyntax.ObjectConsExpr); ok {
			for _, it := range obj.Items {
				if k, d := it.KeyExpr.Value(nil); !d.HasErrors() && k.Type() == cty.String {
					matrix[k.AsString()] = true
				}
			}
		}
	}
	str := func(attr, def string) string {
		if at := a.list[attr]; at != nil {
			if v, ok := c.value(at.Expr); ok && v.Type() == cty.String {
				return v.AsString()
			}
			c.warn(at.SrcRange, "target %s: %s could not be computed from the variables' defaults; %q is used", name, attr, def)
		}
		return def
	}
	ctxDir := str("context", ".")
	dfName := str("dockerfile", "Dockerfile")
	var src []byte
	dfLabel := path.Join(ctxDir, dfName)
	if at := a.list["dockerfile-inline"]; at != nil {
		v, ok := c.value(at.Expr)
		if !ok || v.Type() != cty.String {
			c.warn(at.SrcRange, "target %s: dockerfile-inline could not be computed; the target is left out", name)
			return
		}
		src, dfLabel = []byte(v.AsString()), c.filename+" ("+name+" dockerfile-inline)"
	} else {
		var err error
		if src, err = c.read(dfLabel); err != nil {
			c.warn(b.DefRange(), "target %s: cannot read its Dockerfile: %v; the target is left out", name, err)
			return
		}
	}
	id := hclgen.Ident(name)
	opts := dockerfile.Options{
		Filename: dfLabel,
		Prefix:   id + "-",
		Name:     id,
		Target:   str("target", ""),
		Args:     map[string]hclgen.Str{},
		Contexts: map[string]hclwrite.Tokens{},
	}
	if path.Clean(ctxDir) != "." {
		opts.Context = hclgen.Raw("contexts." + id)
		c.warn(b.DefRange(), "target %s builds the context %q: here it is the named context contexts.%s; pass it with --build-context %s=%s (or build from that directory)", name, ctxDir, id, id, ctxDir)
	}
	opts.FinalArgs = map[string]hclgen.Str{}
	for _, e := range a.args {
		usesMatrix := false
		for _, tr := range hclsyntax.Variables(e.expr) {
			usesMatrix = usesMatrix || matrix[tr.RootName()]
		}
		v := hclgen.Str{{Expr: string(c.expr(e.expr, matrix, nil).Bytes())}}
		if len(hclsyntax.Variables(e.expr)) == 0 {
			if lit, ok := c.value(e.expr); ok && lit.Type() == cty.String {
				v = hclgen.Lit(lit.AsString())
			}
		}
		if usesMatrix {
			opts.FinalArgs[e.key] = v
		} else {
			opts.Args[e.key] = v
		}
	}
	for _, e := range a.labels {
		opts.Labels = append(opts.Labels, hclgen.KV{Key: e.key, Value: c.expr(e.expr, matrix, nil)})
	}
	for _, e := range a.ctxs {
		v, ok := c.value(e.expr)
		if !ok || v.Type() != cty.String {
			c.warn(e.expr.Range(), "context %s could not be computed; left out", e.key)
			continue
		}
		s := v.AsString()
		switch {
		case strings.HasPrefix(s, "target:"):
			opts.Contexts[e.key] = hclgen.Raw("target." + hclgen.Ident(strings.TrimPrefix(s, "target:")))
		case strings.HasPrefix(s, "docker-image://"):
			opts.Contexts[e.key] = hclwrite.TokensForFunctionCall("image", hclgen.Lit(strings.TrimPrefix(s, "docker-image://")).Tokens())
		default:
			opts.Contexts[e.key] = hclgen.Raw("contexts." + hclgen.Ident(e.key))
			c.warn(e.expr.Range(), "context %s = %q is the named context contexts.%s; pass it with --build-context %s=%s", e.key, s, hclgen.Ident(e.key), e.key, s)
		}
	}
	opts.Config = func(body *hclwrite.Body) { c.config(body, name, a, matrix) }
	res, err := dockerfile.Convert(c.f, src, opts)
	if err != nil {
		c.warn(b.DefRange(), "target %s: %v; the target is left out", name, err)
		return
	}
	c.warnings = append(c.warnings, res.Warnings...)
}

// config writes a bake target's settings on the target of the stage it
// builds.
func (c *conv) config(body *hclwrite.Body, name string, a *attrs, matrix map[string]bool) {
	x := func(e hclsyntax.Expression) hclwrite.Tokens { return c.expr(e, matrix, nil) }
	keys := make([]string, 0, len(a.list))
	for k := range a.list {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		at := a.list[k]
		switch k {
		case "context", "dockerfile", "dockerfile-inline", "target":
			// used to find and convert the Dockerfile
		case "description", "tags", "platforms", "output", "matrix", "name":
			body.SetAttributeRaw(k, x(at.Expr))
		case "no-cache":
			body.SetAttributeRaw("no_cache", x(at.Expr))
		case "network":
			body.SetAttributeRaw("network", x(at.Expr))
		case "annotations":
			c.annotations(body, at, matrix)
		case "cache-from", "cache-to":
			// both go into one cache block, below
		case "secret":
			c.secrets(at)
		case "ssh":
			c.ssh(at)
		case "attest":
			c.attest(body, at)
		case "entitlements":
			c.entitlements(body, at)
		default:
			c.note(body, at.SrcRange, "target %s: %s has no buildlang counterpart; left out", name, k)
		}
	}
	from, to := a.list["cache-from"], a.list["cache-to"]
	if from != nil || to != nil {
		cb := hclwrite.NewBlock("cache", []string{hclgen.Ident(name)})
		if from != nil {
			cb.Body().SetAttributeRaw("import", c.cacheEntries(from))
		}
		if to != nil {
			cb.Body().SetAttributeRaw("export", c.cacheEntries(to))
		}
		c.f.DeclareBlock("cache "+hclgen.Ident(name), cb)
		body.SetAttributeRaw("cache", hclgen.Raw("cache."+hclgen.Ident(name)))
	}
}

// cacheEntries turns bake's "type=registry,ref=..." strings (or objects)
// into buildlang's attribute maps.
func (c *conv) cacheEntries(at *hclsyntax.Attribute) hclwrite.Tokens {
	v, ok := c.value(at.Expr)
	if !ok || !(v.Type().IsListType() || v.Type().IsTupleType()) {
		c.warn(at.SrcRange, "%s could not be computed from the variables' defaults; it is empty here", at.Name)
		return hclgen.RawList(nil)
	}
	var items []hclwrite.Tokens
	for _, e := range v.AsValueSlice() {
		m := map[string]hclgen.Str{}
		switch {
		case e.Type() == cty.String:
			for _, kv := range strings.Split(e.AsString(), ",") {
				k, val, _ := strings.Cut(kv, "=")
				m[strings.TrimSpace(k)] = hclgen.Lit(val)
			}
		case e.Type().IsObjectType() || e.Type().IsMapType():
			for k, val := range e.AsValueMap() {
				if val.Type() == cty.String {
					m[k] = hclgen.Lit(val.AsString())
				}
			}
		}
		items = append(items, hclgen.StrMap(m))
	}
	return hclwrite.TokensForTuple(items)
}

func (c *conv) annotations(body *hclwrite.Body, at *hclsyntax.Attribute, matrix map[string]bool) {
	tup, ok := at.Expr.(*hclsyntax.TupleConsExpr)
	if !ok {
		c.note(body, at.SrcRange, "annotations is not a list literal; left out")
		return
	}
	var kvs []hclgen.KV
	for _, e := range tup.Exprs {
		v, ok := c.value(e)
		if !ok || v.Type() != cty.String {
			c.note(body, e.Range(), "an annotation could not be computed; left out")
			continue
		}
		k, val, _ := strings.Cut(v.AsString(), "=")
		// buildx's "manifest:" and "index:" prefixes name where the
		// annotation goes; buildlang annotates the manifest.
		k = strings.TrimPrefix(k, "manifest:")
		kvs = append(kvs, hclgen.KV{Key: k, Value: hclgen.Lit(val).Tokens()})
	}
	body.SetAttributeRaw("annotations", hclgen.Map(kvs))
}

// secrets fills in where the CLI reads each secret (src or env), on the
// secret blocks the Dockerfile's mounts declared.
func (c *conv) secrets(at *hclsyntax.Attribute) {
	for _, s := range c.strings(at) {
		fields := map[string]string{}
		for _, kv := range strings.Split(s, ",") {
			k, v, _ := strings.Cut(kv, "=")
			fields[k] = v
		}
		id := fields["id"]
		if id == "" {
			c.warn(at.SrcRange, "secret %q has no id; left out", s)
			continue
		}
		name := hclgen.Ident(id)
		blk := c.f.Declared("secret " + name)
		if blk == nil {
			c.f.Header = append(c.f.Header, fmt.Sprintf("bake secret %s: no run step of the target's Dockerfile mounts it, so it is not declared.", id))
			continue
		}
		if src := fields["src"]; src != "" {
			blk.Body().SetAttributeValue("src", cty.StringVal(src))
		} else if env := fields["env"]; env != "" {
			blk.Body().SetAttributeValue("env", cty.StringVal(env))
		} else if fields["type"] == "env" {
			blk.Body().SetAttributeValue("env", cty.StringVal(id))
		}
	}
}

func (c *conv) ssh(at *hclsyntax.Attribute) {
	for _, s := range c.strings(at) {
		id, paths, _ := strings.Cut(s, "=")
		name := hclgen.Ident(id)
		blk := c.f.Declared("ssh " + name)
		if blk == nil {
			c.f.Header = append(c.f.Header, fmt.Sprintf("bake ssh %s: no run step of the target's Dockerfile mounts it, so it is not declared.", id))
			continue
		}
		if paths != "" {
			blk.Body().SetAttributeRaw("paths", hclgen.Lits(strings.Split(paths, ",")))
		}
	}
}

func (c *conv) strings(at *hclsyntax.Attribute) []string {
	v, ok := c.value(at.Expr)
	if !ok || !(v.Type().IsListType() || v.Type().IsTupleType()) {
		c.warn(at.SrcRange, "%s could not be computed from the variables' defaults; left out", at.Name)
		return nil
	}
	var out []string
	for _, e := range v.AsValueSlice() {
		if e.Type() == cty.String {
			out = append(out, e.AsString())
		}
	}
	return out
}

// reserved reports whether a function name is one of buildlang's own.
func reserved(name string) bool {
	if _, ok := stdlib.Functions()[name]; ok {
		return true
	}
	return slices.Contains(lang.SourceFunctionNames, name)
}
