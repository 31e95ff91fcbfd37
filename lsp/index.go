package lsp

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/org/buildlang/lang"
	"github.com/zclconf/go-cty/cty"
)

// symbol names something a build declares: its kind is the block type that
// declares it ("variable", "local", "target", ...).
type symbol struct {
	kind, name string
}

// rootKinds maps reference roots to the kind of symbol they name.
var rootKinds = map[string]string{
	"var": "variable", "local": "local", "target": "target", "group": "group",
	"secret": "secret", "ssh": "ssh", "cache": "cache", "mounts": "mounts", "environment": "environment",
}

// kindRoots maps symbol kinds back to their reference roots.
var kindRoots = map[string]string{
	"variable": "var", "local": "local", "target": "target", "group": "group",
	"secret": "secret", "ssh": "ssh", "cache": "cache", "mounts": "mounts", "environment": "environment",
}

// declKinds are the top-level blocks that declare a symbol by their label.
var declKinds = map[string]bool{
	"variable": true, "function": true, "environment": true, "secret": true,
	"ssh": true, "cache": true, "mounts": true, "target": true, "group": true,
}

// occurrence is one place a symbol is written: its declaration or a use.
type occurrence struct {
	sym  symbol
	path string
	rng  hcl.Range // what the cursor can be on: a label, or root.name
	name [2]int    // byte offsets of exactly the name, for rename; {0,0} if it cannot be renamed there
	decl bool
	// instance is the matrix instance a target reference names, when it
	// names one rather than the target block.
	instance string
}

// index holds every declaration and use of every symbol of a build.
type index struct {
	byFile map[string][]*occurrence // sorted by start
	bySym  map[symbol][]*occurrence
	decls  map[symbol]*occurrence
	// blockOf maps a matrix instance to its target block.
	blockOf map[string]string
}

// index builds the build's index once.
func (b *buildInfo) index() *index {
	b.indexOnce.Do(func() {
		idx := &index{byFile: map[string][]*occurrence{}, bySym: map[symbol][]*occurrence{},
			decls: map[symbol]*occurrence{}, blockOf: map[string]string{}}
		funcs := map[string]bool{}
		if b.build != nil {
			for _, t := range b.build.Targets {
				idx.blockOf[t.Name] = t.Block
			}
			for _, f := range b.build.Functions {
				funcs[f.Name] = true
			}
		}
		for _, p := range b.order {
			f := b.files[p]
			body, ok := f.file.Body.(*hclsyntax.Body)
			if !ok {
				continue
			}
			ix := &fileIndexer{idx: idx, path: p, src: f.file.Bytes, funcs: funcs}
			ix.body(body)
		}
		for p, occs := range idx.byFile {
			sort.SliceStable(occs, func(i, j int) bool { return occs[i].rng.Start.Byte < occs[j].rng.Start.Byte })
			idx.byFile[p] = occs
		}
		b.idx = idx
	})
	return b.idx
}

type fileIndexer struct {
	idx   *index
	path  string
	src   []byte
	funcs map[string]bool
}

func (ix *fileIndexer) add(o *occurrence) {
	o.path = ix.path
	ix.idx.byFile[ix.path] = append(ix.idx.byFile[ix.path], o)
	ix.idx.bySym[o.sym] = append(ix.idx.bySym[o.sym], o)
	if o.decl && ix.idx.decls[o.sym] == nil {
		ix.idx.decls[o.sym] = o
	}
}

// labelName is the byte range of a label's text without its quotes.
func (ix *fileIndexer) labelName(r hcl.Range) [2]int {
	s, e := r.Start.Byte, r.End.Byte
	if e-s >= 2 && e <= len(ix.src) && ix.src[s] == '"' && ix.src[e-1] == '"' {
		return [2]int{s + 1, e - 1}
	}
	return [2]int{s, e}
}

func (ix *fileIndexer) body(body *hclsyntax.Body) {
	for _, blk := range body.Blocks {
		switch {
		case blk.Type == "locals":
			for _, a := range blk.Body.Attributes {
				ix.add(&occurrence{sym: symbol{"local", a.Name}, rng: a.NameRange, decl: true,
					name: [2]int{a.NameRange.Start.Byte, a.NameRange.End.Byte}})
			}
		case declKinds[blk.Type] && len(blk.Labels) > 0:
			ix.add(&occurrence{sym: symbol{blk.Type, blk.Labels[0]}, rng: blk.LabelRanges[0], decl: true,
				name: ix.labelName(blk.LabelRanges[0])})
		}
		if blk.Type == "target" {
			ix.mounts(blk.Body)
		}
	}
	hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.ScopeTraversalExpr:
			ix.traversal(x.Traversal)
		case *hclsyntax.FunctionCallExpr:
			if ix.funcs[x.Name] {
				ix.add(&occurrence{sym: symbol{"function", x.Name}, rng: x.NameRange,
					name: [2]int{x.NameRange.Start.Byte, x.NameRange.End.Byte}})
			}
		}
		return nil
	})
}

// mounts indexes secret and ssh mounts of run steps, whose labels name
// declared secrets and ssh agents.
func (ix *fileIndexer) mounts(target *hclsyntax.Body) {
	for _, step := range target.Blocks {
		if step.Type != "run" {
			continue
		}
		for _, m := range step.Body.Blocks {
			if (m.Type == "secret" || m.Type == "ssh") && len(m.Labels) > 0 {
				ix.add(&occurrence{sym: symbol{m.Type, m.Labels[0]}, rng: m.LabelRanges[0], name: ix.labelName(m.LabelRanges[0])})
			}
		}
		// secret("NAME") and ssh("NAME") in the mounts list name them too.
		if a := step.Body.Attributes["mounts"]; a != nil {
			list, _ := a.Expr.(*hclsyntax.TupleConsExpr)
			for _, x := range listExprs(list) {
				if kind, label, rng, ok := lang.MountCallLabel(x); ok && (kind == "secret" || kind == "ssh") {
					ix.add(&occurrence{sym: symbol{kind, label}, rng: rng, name: ix.labelName(rng)})
				}
			}
		}
	}
}

func listExprs(l *hclsyntax.TupleConsExpr) []hclsyntax.Expression {
	if l == nil {
		return nil
	}
	return l.Exprs
}

func (ix *fileIndexer) traversal(t hcl.Traversal) {
	kind := rootKinds[t.RootName()]
	if kind == "" || len(t) < 2 {
		return
	}
	o := &occurrence{rng: hcl.RangeBetween(t[0].SourceRange(), t[1].SourceRange())}
	var name string
	switch s := t[1].(type) {
	case hcl.TraverseAttr:
		name = s.Name
		end := s.SrcRange.End.Byte
		o.name = [2]int{end - len(name), end}
	case hcl.TraverseIndex:
		if s.Key.Type() != cty.String || !s.Key.IsKnown() || s.Key.IsNull() {
			return
		}
		name = s.Key.AsString()
		st, en := s.SrcRange.Start.Byte, s.SrcRange.End.Byte
		if en-st == len(name)+4 && string(ix.src[st:st+2]) == `["` && string(ix.src[en-2:en]) == `"]` {
			o.name = [2]int{st + 2, en - 2}
		}
	default:
		return
	}
	if kind == "target" {
		if blk := ix.idx.blockOf[name]; blk != "" && blk != name {
			o.instance = name
			name = blk
		}
	}
	o.sym = symbol{kind, name}
	ix.add(o)
}

// at returns the occurrence under byte offset off in the file at path.
func (idx *index) at(path string, off int) *occurrence {
	for _, o := range idx.byFile[path] {
		if o.rng.Start.Byte <= off && off <= o.rng.End.Byte {
			return o
		}
		if o.rng.Start.Byte > off {
			break
		}
	}
	return nil
}
