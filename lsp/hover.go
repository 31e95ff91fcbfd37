package lsp

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/containerd/platforms"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/lang"
	"github.com/org/buildlang/lsp/internal/protocol"
)

func hover(ctx context.Context, s *Server, snap *snapshot, p *protocol.TextDocumentPositionParams) (*protocol.Hover, error) {
	b, f, off, err := locate(snap, p.TextDocument.URI, p.Position)
	if err != nil || f == nil {
		return nil, err
	}
	text, rng := hoverAt(b, f, off)
	if text == "" {
		return nil, nil
	}
	r := f.m.lspRange(rng)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: "markdown", Value: text}, Range: &r}, nil
}

// hoverAt documents what is at off: a declared name, a reference root, a
// function, a block type or an attribute.
func hoverAt(b *buildInfo, f *fileInfo, off int) (string, hcl.Range) {
	if o := b.index().at(f.path, off); o != nil {
		return symbolDoc(b, o.sym, o.instance), o.rng
	}
	if call := funcCallAt(f.file, off); call != nil {
		if d := lookupFunction(b, call.Name); d != nil {
			return d.markdown(), call.NameRange
		}
		if doc := lang.MountCallDoc(call.Name); doc != "" {
			return doc, call.NameRange
		}
	}
	if text, rng, ok := imageLockHover(b, f, off); ok {
		return text, rng
	}
	if t := traversalAt(f.file, off); t != nil {
		root := t.RootName()
		if contains(t[0].SourceRange(), off) {
			if doc := rootDocs[root]; doc != "" {
				return fmt.Sprintf("`%s`\n\n%s", root, doc), t[0].SourceRange()
			}
		}
		if root == "matrix" && len(t) > 1 {
			return matrixKeyDoc(b, f, off, t), hcl.RangeBetween(t[0].SourceRange(), t[1].SourceRange())
		}
	}
	path := pathAt(f.file, off)
	if n := len(path.blocks); n > 0 {
		blk := path.blocks[n-1]
		if contains(blk.TypeRange, off) {
			spec := nodePath{blocks: path.blocks}.schema()
			if spec != nil {
				return fmt.Sprintf("**%s** block\n\n%s", spec.Type, spec.Doc), blk.TypeRange
			}
		}
		for i, lr := range blk.LabelRanges {
			// The labels after the ones the long form names (a
			// target's name) are a short form's.
			if spec := (nodePath{blocks: path.blocks}).schema(); contains(lr, off) && spec != nil && spec.Short != nil && i >= len(spec.Labels) {
				return shortFormDoc(spec), lr
			}
		}
	}
	if path.attr != nil && contains(path.attr.NameRange, off) {
		if spec := path.schema(); spec != nil {
			if a := spec.Attr(path.attr.Name); a != nil {
				return attrDoc(a), path.attr.NameRange
			}
		}
	}
	return "", hcl.Range{}
}

func platformList(ps []ocispecs.Platform) string {
	var out []string
	for _, p := range ps {
		out = append(out, "`"+platforms.Format(p)+"`")
	}
	return strings.Join(out, ", ")
}

// symbolDoc documents a declared name with what the build knows of it.
func symbolDoc(b *buildInfo, sym symbol, instance string) string {
	build := b.build
	head := fmt.Sprintf("```hcl\n%s %q\n```\n", sym.kind, sym.name)
	var sb strings.Builder
	sb.WriteString(head)
	line := func(format string, args ...any) { sb.WriteString("\n" + fmt.Sprintf(format, args...) + "\n") }
	switch sym.kind {
	case "variable":
		for _, v := range build.Variables {
			if v.Name == sym.name {
				return variableDoc(v)
			}
		}
	case "local":
		for _, l := range build.Locals {
			if l.Name == sym.name {
				return fmt.Sprintf("```hcl\nlocal.%s\n```\n\nValue: `%s`", l.Name, showValue(l.Value))
			}
		}
	case "target":
		var insts []*lang.Target
		for _, t := range build.Targets {
			if t.Block == sym.name && (instance == "" || t.Name == instance) {
				insts = append(insts, t)
			}
		}
		if len(insts) == 0 {
			break
		}
		t := insts[0]
		if instance != "" {
			line("Matrix instance `%s`.", instance)
		}
		if t.Description != "" {
			line("%s", t.Description)
		}
		if t.Matrix != nil && instance == "" {
			var names []string
			for _, i := range insts {
				names = append(names, "`"+i.Name+"`")
			}
			line("Matrix instances: %s", strings.Join(names, ", "))
		}
		line("Platforms: %s", platformList(t.DefaultPlatforms))
		var deps []string
		for _, d := range t.Deps {
			deps = append(deps, "`"+d+"`")
		}
		if len(deps) > 0 {
			line("Depends on: %s", strings.Join(deps, ", "))
		} else {
			line("Depends on no other target.")
		}
	case "secret":
		if sec := build.Secret(sym.name); sec != nil {
			if sec.Description != "" {
				line("%s", sec.Description)
			}
			line("Id: `%s`; required: %v", sec.ID, sec.Required)
			if sec.Env != "" {
				line("Read by the CLI from the environment variable `%s`.", sec.Env)
			}
			if sec.Src != "" {
				line("Read by the CLI from the file `%s`.", sec.Src)
			}
		}
	case "ssh":
		for _, x := range build.SSH {
			if x.Name == sym.name {
				if x.Description != "" {
					line("%s", x.Description)
				}
				line("Id: `%s`; required: %v", x.ID, x.Required)
				if len(x.Paths) > 0 {
					line("Paths: %s", strings.Join(x.Paths, ", "))
				}
			}
		}
	case "cache":
		if c := build.Cache(sym.name); c != nil {
			if c.Description != "" {
				line("%s", c.Description)
			}
			for _, e := range c.Import {
				line("Imports from %s", cacheEntry(e))
			}
			for _, e := range c.Export {
				line("Exports to %s", cacheEntry(e))
			}
		}
	case "mounts":
		for _, m := range build.MountSets {
			if m.Name == sym.name && m.Description != "" {
				line("%s", m.Description)
			}
		}
	case "environment":
		for _, e := range build.Environments {
			if e.Name == sym.name {
				if e.Description != "" {
					line("%s", e.Description)
				}
				if len(e.Platforms) > 0 {
					line("Platforms: %s", platformList(e.Platforms))
				}
				if e.Cache != "" {
					line("Cache: `cache.%s`", e.Cache)
				}
				if e.Network != "" {
					line("Network: `%s`", e.Network)
				}
				if build.Env == e {
					line("This is the selected environment.")
				}
			}
		}
	case "group":
		if g := build.Group(sym.name); g != nil {
			if g.Description != "" {
				line("%s", g.Description)
			}
			var ts []string
			for _, t := range g.Targets {
				ts = append(ts, "`"+t+"`")
			}
			line("Targets: %s", strings.Join(ts, ", "))
		}
	case "function":
		if d := lookupFunction(b, sym.name); d != nil {
			return d.markdown()
		}
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

func cacheEntry(e map[string]string) string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%s", k, e[k]))
	}
	return "`" + strings.Join(parts, ",") + "`"
}

// matrixKeyDoc lists a matrix key's values across the target's instances.
func matrixKeyDoc(b *buildInfo, f *fileInfo, off int, t hcl.Traversal) string {
	key := ""
	if a, ok := t[1].(hcl.TraverseAttr); ok {
		key = a.Name
	}
	path := pathAt(f.file, off)
	if len(path.blocks) == 0 || path.blocks[0].Type != "target" || len(path.blocks[0].Labels) == 0 {
		return ""
	}
	var vals []string
	seen := map[string]bool{}
	for _, tg := range b.build.Targets {
		if tg.Block != path.blocks[0].Labels[0] || tg.Matrix == nil {
			continue
		}
		if v, ok := tg.Matrix[key]; ok {
			s := showValue(v)
			if !seen[s] {
				seen[s] = true
				vals = append(vals, "`"+s+"`")
			}
		}
	}
	return fmt.Sprintf("```hcl\nmatrix.%s\n```\n\nValues: %s", key, strings.Join(vals, ", "))
}

// funcCallAt returns the innermost function call whose name holds off.
func funcCallAt(f *hcl.File, off int) *hclsyntax.FunctionCallExpr {
	var found *hclsyntax.FunctionCallExpr
	visitAt(f, off, func(n hclsyntax.Node) {
		if c, ok := n.(*hclsyntax.FunctionCallExpr); ok && contains(c.NameRange, off) {
			found = c
		}
	})
	return found
}

// traversalAt returns the traversal holding off.
func traversalAt(f *hcl.File, off int) hcl.Traversal {
	var found hcl.Traversal
	visitAt(f, off, func(n hclsyntax.Node) {
		if x, ok := n.(*hclsyntax.ScopeTraversalExpr); ok {
			found = x.Traversal
		}
	})
	return found
}

// visitAt calls fn for every node whose range holds off, outermost first.
func visitAt(f *hcl.File, off int, fn func(hclsyntax.Node)) {
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return
	}
	visit := func(n hclsyntax.Node) hcl.Diagnostics {
		if contains(n.Range(), off) {
			fn(n)
		}
		return nil
	}
	// Only the top-level item holding off is walked: hover stays fast in
	// large files.
	for _, blk := range body.Blocks {
		if contains(hcl.RangeBetween(blk.TypeRange, blk.CloseBraceRange), off) {
			hclsyntax.VisitAll(blk, visit)
			return
		}
	}
	for _, a := range body.Attributes {
		if contains(a.SrcRange, off) {
			hclsyntax.VisitAll(a, visit)
		}
	}
}
